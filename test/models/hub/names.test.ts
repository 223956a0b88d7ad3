// The name checks of a Hub pull, as tables: what a hub id, ref, commit, blob id and file name may be.
import { describe, expect, it } from 'vitest';
import { checkBlobId, checkCommit, checkRepoPath, inside, isHubId, isRef, parseHubSpec } from '../../../models/hub/names.js';

describe('hub names', () => {
  it.each([
    ['damo-vilab/text-to-video-ms-1.7b', true],
    ['cerspense/zeroscope_v2_576w', true],
    ['a/b', true],
    ['a', false],
    ['a/b/c', false],
    ['a/..', false],
    ['../a', false],
    ['a/b--c', false],
    ['a/.b', false],
    ['a/b.', false],
    ['a/-b', false],
    ['a/b c', false],
    [`a/${'x'.repeat(97)}`, false],
  ])('isHubId(%j) is %s', (id, ok) => expect(isHubId(id)).toBe(ok));

  it.each([
    ['main', true],
    ['v1.0', true],
    ['refs/pr/1', true],
    ['0123456789abcdef0123456789abcdef01234567', true],
    ['feature/x_y-z', true],
    ['', false],
    ['..', false],
    ['../x', false],
    ['a/../b', false],
    ['.hidden', false],
    ['a/.b', false],
    ['/abs', false],
    ['a//b', false],
    ['a\\b', false],
    ['a b', false],
    ['a\u0000b', false],
  ])('isRef(%j) is %s', (ref, ok) => expect(isRef(ref)).toBe(ok));

  it.each([
    ['org/name', { hubId: 'org/name', revision: 'main' }],
    ['org/name@v2', { hubId: 'org/name', revision: 'v2' }],
  ])('parseHubSpec(%j)', (spec, want) => expect(parseHubSpec(spec)).toEqual(want));

  it.each([['org/name@'], ['org/name@../x'], ['org/name@a@b'], ['not a repo']])('parseHubSpec(%j) is a usage error', (spec) => {
    expect(() => parseHubSpec(spec)).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  it.each([
    ['0123456789abcdef0123456789abcdef01234567', true],
    ['0123456789ABCDEF0123456789ABCDEF01234567', false],
    ['abc', false],
    ['../../x', false],
    [42, false],
    [undefined, false],
  ])('checkCommit(%j) passes: %s', (v, ok) => {
    if (ok) expect(checkCommit(v, 'x')).toBe(v);
    else expect(() => checkCommit(v, 'x')).toThrow(/not 40 hex digits/);
  });

  it.each([
    ['a'.repeat(64), 'lfs', true],
    ['a'.repeat(40), 'git', true],
    ['a'.repeat(40), 'lfs', false],
    ['a'.repeat(64), 'git', false],
    ['../x', 'git', false],
    [`${'a'.repeat(63)}/`, 'lfs', false],
  ] as const)('checkBlobId(%j, %s) passes: %s', (v, kind, ok) => {
    if (ok) expect(checkBlobId(v, kind, 'f')).toBe(v);
    else expect(() => checkBlobId(v, kind, 'f')).toThrow(/not a (sha256|git blob id)/);
  });

  it.each([
    ['unet/config.json', undefined],
    ['a/..b/c', undefined],
    ['..x', undefined],
    ['', 'empty'],
    ['../x', '"\\.\\."'],
    ['a/../b', '"\\.\\."'],
    ['a/./b', '"\\."'],
    ['/etc/passwd', 'absolute'],
    ['a//b', 'empty'],
    ['a/', 'empty'],
    ['a\\b', 'backslash'],
    ['a\u0000b', 'control'],
    ['a\u001b[2Jb', 'control'],
    ['a\u0085b', 'control'],
    [`${'x'.repeat(256)}`, 'over 255'],
    [`${'x/'.repeat(600)}x`, 'over 1024'],
  ])('checkRepoPath(%j) refuses for %s', (p, why) => {
    if (why === undefined) expect(checkRepoPath(p)).toBe(p);
    else expect(() => checkRepoPath(p)).toThrow(new RegExp(`unsafe file name .*${why}`));
  });

  it.each([
    [['a', 'b'], true],
    [['..', 'x'], false],
    [['a/../../x'], false],
    [['/abs'], false],
    [['..x'], true],
    [['.'], false],
  ])('inside(root, %j) allowed: %s', (rel, ok) => {
    if (ok) expect(inside('/root', ...rel).startsWith('/root/')).toBe(true);
    else expect(() => inside('/root', ...rel)).toThrow(/is not inside \/root/);
  });
});
