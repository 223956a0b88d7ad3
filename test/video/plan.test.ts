// planOutput: what -o means, and every output problem reported in one line before generation starts.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { framePath, planOutput, prepareOutput } from '../../video/plan.js';
import { listing, tempDir } from './helpers/fixtures.js';
import { inFlagTerms } from '../../cli/setting-flags.js';

/** Runs `f`, rethrowing what it throws in the CLI's words. */
function inCli(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    throw inFlagTerms(e);
  }
}

const isRoot = process.getuid?.() === 0;

describe('planOutput: accepted outputs', () => {
  it.each<[string, (d: string) => string, { format: string; path: (d: string) => string; createDir: boolean }]>([
    ['mp4', (d) => join(d, 'a.mp4'), { format: 'mp4', path: (d) => join(d, 'a.mp4'), createDir: false }],
    ['upper-case extension', (d) => join(d, 'A.MP4'), { format: 'mp4', path: (d) => join(d, 'A.MP4'), createDir: false }],
    ['webm', (d) => join(d, 'a.webm'), { format: 'webm', path: (d) => join(d, 'a.webm'), createDir: false }],
    ['gif', (d) => join(d, 'a.gif'), { format: 'gif', path: (d) => join(d, 'a.gif'), createDir: false }],
    ['frame pattern', (d) => join(d, 'shot_%04d.png'), { format: 'png', path: (d) => join(d, 'shot_%04d.png'), createDir: false }],
    ['plain .png becomes a sequence', (d) => join(d, 'still.png'), { format: 'png', path: (d) => join(d, 'still_%03d.png'), createDir: false }],
    ['new folder with trailing slash', (d) => `${join(d, 'frames')}/`, { format: 'png', path: (d) => join(d, 'frames', 'frame_%03d.png'), createDir: true }],
    ['existing folder', (d) => d, { format: 'png', path: (d) => join(d, 'frame_%03d.png'), createDir: false }],
  ])('%s', (_name, arg, want) => {
    const d = tempDir();
    const plan = planOutput(arg(d));
    expect({ format: plan.format, path: plan.path, createDir: plan.createDir }).toEqual({ ...want, path: want.path(d) });
    expect(listing(d)).toEqual([]); // the write probe leaves nothing
  });

  it.each([
    ['/x/frame_%03d.png', 1, '/x/frame_001.png'],
    ['/x/frame_%03d.png', 1234, '/x/frame_1234.png'],
    ['/x/f%d.png', 7, '/x/f7.png'],
    ['/100%done/f_%02d.png', 3, '/100%done/f_03.png'],
  ])('framePath(%s, %i) = %s', (pattern, i, want) => {
    expect(framePath(pattern, i)).toBe(want);
  });

  it('an existing output is fine with overwrite', () => {
    const d = tempDir();
    writeFileSync(join(d, 'a.mp4'), 'old');
    writeFileSync(join(d, 'frame_001.png'), 'old');
    expect(planOutput(join(d, 'a.mp4'), { overwrite: true }).overwrite).toBe(true);
    expect(planOutput(`${d}/`, { overwrite: true }).format).toBe('png');
  });
});

describe('planOutput: a frame pattern in a folder that does not exist yet', () => {
  it('plans to create the folder when the frames are written', () => {
    const d = tempDir();
    const plan = planOutput(join(d, 'frames', '%03d.png'));
    expect(plan).toMatchObject({ format: 'png', dir: join(d, 'frames'), createDir: true });
    expect(listing(d)).toEqual([]);
  });
});

describe('planOutput: missing folders on the way are made at write time (mkdir -p), never at planning', () => {
  it.each([
    ['a video', (d: string) => join(d, 'nope', 'sub', 'a.mp4'), 'mp4'],
    ['a new frame folder', (d: string) => join(d, 'nope', 'frames/'), 'png'],
    ['a new pattern folder', (d: string) => join(d, 'nope', 'frames', '%03d.png'), 'png'],
  ])('%s', (_name, arg, format) => {
    const d = tempDir();
    expect(planOutput(arg(d))).toMatchObject({ format, createDir: true });
    expect(listing(d)).toEqual([]);
  });
});

describe('planOutput: one-line errors, nothing left behind', () => {
  it.each<[string, (d: string) => string, RegExp, number]>([
    ['unknown extension', (d) => join(d, 'a.avi'), /^-o .*a\.avi: unknown output type \.avi; use \.mp4, \.webm, \.gif, \.png, name_%03d\.png or a folder\/$/, 2],
    ['no extension', (d) => join(d, 'clip'), /unknown output type \(no extension\)/, 2],
    ['pattern not png', (d) => join(d, 'f_%03d.jpg'), /a frame pattern must have one %d or %0Nd counter and end in \.png/, 2],
    ['two counters', (d) => join(d, 'f_%03d_%d.png'), /one %d or %0Nd counter/, 2],
    [
      'existing file',
      (d) => {
        writeFileSync(join(d, 'a.mp4'), 'x');
        return join(d, 'a.mp4');
      },
      /a\.mp4 exists; pass --overwrite to replace it$/,
      2,
    ],
    [
      'existing frames in folder',
      (d) => {
        writeFileSync(join(d, 'frame_003.png'), 'x');
        return `${d}/`;
      },
      /frame_003\.png exists; pass --overwrite/,
      2,
    ],
    [
      'existing frames for pattern',
      (d) => {
        writeFileSync(join(d, 'f_12.png'), 'x');
        return join(d, 'f_%d.png');
      },
      /f_12\.png exists/,
      2,
    ],
    [
      'folder is a file',
      (d) => {
        writeFileSync(join(d, 'f'), 'x');
        return join(d, 'f', 'a.mp4');
      },
      /f is not a folder$/,
      2,
    ],
    [
      'a folder below a file',
      (d) => {
        writeFileSync(join(d, 'f'), 'x');
        return join(d, 'f', 'sub', 'a.mp4');
      },
      /f is not a folder$/,
      2,
    ],
    [
      'video name that is a folder',
      (d) => {
        mkdirSync(join(d, 'v.mp4'));
        return join(d, 'v.mp4');
      },
      /v\.mp4 is a folder; choose a file name for -o$/,
      2,
    ],
    [
      'trailing slash on a file',
      (d) => {
        writeFileSync(join(d, 'f'), 'x');
        return `${join(d, 'f')}/`;
      },
      /is a file, not a folder for PNG frames$/,
      2,
    ],
    ['empty path', () => '', /empty output path/, 2],
  ])('%s', (_name, arg, err, exitCode) => {
    const d = tempDir();
    const before = (() => {
      const p = arg(d);
      return { p, files: listing(d) };
    })();
    let error: (Error & { exitCode?: number }) | undefined;
    try {
      planOutput(before.p);
    } catch (e) {
      // the line the user reads: the CLI spells the settings video/ names as flags
      error = inFlagTerms(e as Error & { exitCode?: number });
    }
    expect(error?.message).toMatch(err);
    expect(error?.message).not.toContain('\n');
    expect(error?.exitCode).toBe(exitCode);
    expect(listing(d)).toEqual(before.files);
  });

  it('unwritable folder', () => {
    // root ignores permission bits, so as root use a folder the kernel refuses to create files in
    const dir = isRoot ? '/proc' : tempDir();
    if (!isRoot) chmodSync(dir, 0o555);
    try {
      expect(() => inCli(() => planOutput(join(dir, 'a.mp4')))).toThrow(/^cannot write to output folder \/.* \((EACCES|ENOENT|EROFS|EPERM)\); choose another -o$/);
      expect(() => planOutput(join(dir, 'frames/'))).toThrow(/cannot write to output folder/);
    } finally {
      if (!isRoot) chmodSync(dir, 0o755);
    }
  });

  it('prepareOutput also checks ffmpeg (not for PNG)', async () => {
    const d = tempDir();
    const env = { T2V_FFMPEG: '/nonexistent/ffmpeg' };
    await expect(prepareOutput(join(d, 'a.mp4'), { env })).rejects.toThrow(/^T2V_FFMPEG=\/nonexistent\/ffmpeg does not run ffmpeg/);
    await expect(prepareOutput(join(d, 'f_%03d.png'), { env })).resolves.toMatchObject({ format: 'png' });
    expect((await prepareOutput(join(d, 'a.gif'))).ffmpeg?.version).toMatch(/\S/);
    expect(listing(d)).toEqual([]);
  });
});
