// Fault rows: a full disk under the output, the PNG frames and the graph cache (a small tmpfs, mounted by the test).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envFor, fullDisk, lastLine, listing, scratch, SMALL, t2v } from './harness.js';

const warmCache = scratch('cache');
const disks: Array<{ unmount(): void }> = [];
afterAll(() => disks.forEach((d) => d.unmount()));

interface Row {
  readonly name: string;
  /** -o relative to the full disk. */
  readonly output: string;
  /** Created on the disk before the run. */
  readonly folders?: readonly string[];
  readonly message: RegExp;
}

const ROWS: readonly Row[] = [
  { name: 'MP4', output: 'out.mp4', message: /^t2v: ffmpeg failed writing \S+\/out\.mp4: .*No space left on device/ },
  { name: 'WebM', output: 'out.webm', message: /^t2v: ffmpeg failed writing \S+\/out\.webm: .*No space left on device/ },
  { name: 'GIF', output: 'out.gif', message: /^t2v: (ffmpeg failed writing \S+\/out\.gif: .*No space left on device|no space left on the device writing \S+\/out\.gif \(ENOSPC\))/ },
  { name: 'PNG frames into a new folder', output: 'frames/', message: /^t2v: no space left on the device writing \S+\/frames\/frame_%03d\.png \(ENOSPC\); free some space or choose another -o$/ },
  {
    name: 'PNG frames into an existing folder',
    output: 'shots/f_%03d.png',
    folders: ['shots'],
    message: /^t2v: no space left on the device writing \S+\/shots\/f_%03d\.png \(ENOSPC\); free some space or choose another -o$/,
  },
];

describe('a full disk never gives exit 0 or a half-written output', () => {
  it.each(ROWS)('$name: exit 1, one line naming the output, nothing left but what was there', (row) => {
    const disk = fullDisk(1024);
    disks.push(disk);
    for (const f of row.folders ?? []) mkdirSync(join(disk.dir, f));
    const r = t2v(['a red circle', ...SMALL, '--frames', '8', '-W', '64', '-H', '64', '-o', join(disk.dir, row.output)], envFor(warmCache));
    expect(lastLine(r.stderr)).toMatch(row.message);
    expect(r.stderr).not.toMatch(/^wrote /m);
    expect(r.code).toBe(1);
    expect(listing(disk.dir)).toEqual([...(row.folders ?? []).map((f) => `${f}/`), disk.filler].sort());
  });

  it('the graph cache on a full disk: exit 1, one line naming the cache, no temp build left', () => {
    const disk = fullDisk(1024);
    disks.push(disk);
    const out = scratch('out');
    const r = t2v(['a red circle', ...SMALL, '-o', join(out, 'a.mp4')], envFor(join(disk.dir, 'cache')));
    expect(lastLine(r.stderr)).toMatch(
      /^t2v: no space left on the device writing \S+\/cache\/clip-text-[0-9a-f]{16}\.tmp-\d+-[0-9a-f]{8} \(ENOSPC\); free some space or set T2V_CACHE to a roomier folder \(the clip-text graph is being built there\)$/,
    );
    expect(r.code).toBe(1);
    expect(listing(disk.dir)).toEqual(['cache/', disk.filler]);
    expect(listing(out)).toEqual([]);
  });
});
