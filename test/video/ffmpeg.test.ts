// ffmpeg lookup order, verification by running it, and one-line errors when nothing works.
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFfmpeg, PACKAGES, type PackageCandidate } from '../../video/ffmpeg.js';
import { tempDir } from './helpers/fixtures.js';

const real = (await findFfmpeg({})).path;
const missing: PackageCandidate = {
  source: 'ffmpeg-static',
  resolve: () => {
    throw Object.assign(new Error('x'), { code: 'MODULE_NOT_FOUND' });
  },
};
const installer: PackageCandidate = { source: '@ffmpeg-installer/ffmpeg', resolve: () => real };

/** A folder holding `ffmpeg` (a link to the real one) for PATH lookups. */
function pathWithFfmpeg(): string {
  const dir = tempDir();
  symlinkSync(real, join(dir, 'ffmpeg'));
  return dir;
}

function script(body: string): string {
  const file = join(tempDir(), 'fake-ffmpeg');
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('findFfmpeg', () => {
  it('uses a package when no override is set (ffmpeg-static first, absent here, then @ffmpeg-installer/ffmpeg)', async () => {
    const found = await findFfmpeg({});
    expect(['ffmpeg-static', '@ffmpeg-installer/ffmpeg']).toContain(found.source);
    expect(found.version).not.toBe('');
    expect(PACKAGES.map((p) => p.source)).toEqual(['ffmpeg-static', '@ffmpeg-installer/ffmpeg']);
  });

  it.each<[string, () => NodeJS.ProcessEnv, readonly PackageCandidate[], string]>([
    ['T2V_FFMPEG wins over everything', () => ({ T2V_FFMPEG: real, FFMPEG_PATH: '/nope', PATH: pathWithFfmpeg() }), [installer], 'T2V_FFMPEG'],
    ['FFMPEG_PATH next', () => ({ FFMPEG_PATH: real, PATH: pathWithFfmpeg() }), [installer], 'FFMPEG_PATH'],
    ['empty override counts as unset', () => ({ T2V_FFMPEG: '', PATH: '' }), [installer], '@ffmpeg-installer/ffmpeg'],
    ['a missing package is skipped', () => ({ PATH: '' }), [missing, installer], '@ffmpeg-installer/ffmpeg'],
    ['PATH last', () => ({ PATH: `/nonexistent-dir:${pathWithFfmpeg()}` }), [missing], 'PATH'],
  ])('%s', async (_name, env, packages, source) => {
    const found = await findFfmpeg(env(), packages);
    expect(found.source).toBe(source);
    expect(found.version).toMatch(/\S/);
  });

  it.each<[string, () => NodeJS.ProcessEnv, readonly PackageCandidate[], RegExp]>([
    [
      'T2V_FFMPEG pointing nowhere',
      () => ({ T2V_FFMPEG: '/nonexistent/ffmpeg', PATH: pathWithFfmpeg() }),
      [installer],
      /^T2V_FFMPEG=\/nonexistent\/ffmpeg does not run ffmpeg \(ENOENT\); point it at an ffmpeg binary or unset it$/,
    ],
    ['FFMPEG_PATH not ffmpeg', () => ({ FFMPEG_PATH: script('echo hello') }), [installer], /^FFMPEG_PATH=.* does not run ffmpeg \(does not print "ffmpeg version"\)/],
    ['FFMPEG_PATH failing', () => ({ FFMPEG_PATH: script('exit 3') }), [installer], /does not run ffmpeg \(exit status 3\)/],
    ['nothing anywhere', () => ({ PATH: tempDir() }), [missing], /^no working ffmpeg found \(ffmpeg-static: not installed; PATH: no ffmpeg\); install ffmpeg or set T2V_FFMPEG=\/path\/to\/ffmpeg$/],
    [
      'a broken package binary and a broken ffmpeg on PATH',
      () => {
        const dir = tempDir();
        mkdirSync(join(dir, 'bin'));
        writeFileSync(join(dir, 'bin', 'ffmpeg'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
        return { PATH: join(dir, 'bin') };
      },
      [{ source: '@ffmpeg-installer/ffmpeg', resolve: () => '/gone/ffmpeg' }],
      /^no working ffmpeg found \(@ffmpeg-installer\/ffmpeg: ENOENT; PATH .*\/bin\/ffmpeg: exit status 1\);/,
    ],
  ])('%s: one-line error', async (_name, env, packages, err) => {
    const error = await findFfmpeg(env(), packages).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(err);
    expect(error?.message).not.toContain('\n');
    expect((error as { exitCode?: number }).exitCode).toBe(1);
  });
});
