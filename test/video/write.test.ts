// Real encodes with the real ffmpeg: stream properties, metadata round trip, padding, PNG exactness, failure cleanup.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inFlagTerms } from '../../cli/setting-flags.js';
import { findFfmpeg } from '../../video/ffmpeg.js';
import { frameAt, type Frames } from '../../video/frames.js';
import { InterruptedError } from '../../video/interrupt.js';
import { planOutput, writeVideo, type OutputPlan } from '../../video/output.js';
import { probe, readMetadata } from '../../video/probe.js';
import { readPngText } from '../../video/png.js';
import { decodeRgb, gradientClip, listing, noiseClip, quadrantClip, sampleMetadata, tempDir } from './helpers/fixtures.js';

const ffmpeg = await findFfmpeg();
const meta = sampleMetadata();
const clip = gradientClip(64, 48, 10);

/** Top-level MP4 box types in file order. */
function mp4Boxes(file: string): string[] {
  const b = readFileSync(file);
  const types: string[] = [];
  for (let pos = 0; pos + 8 <= b.length;) {
    const size = b.readUInt32BE(pos);
    types.push(b.toString('latin1', pos + 4, pos + 8));
    if (size < 8) break;
    pos += size;
  }
  return types;
}

async function errorOf(p: Promise<unknown>): Promise<Error & { exitCode?: number }> {
  const e = await p.then(
    () => null,
    (err: Error) => err,
  );
  if (!e) throw new Error('expected a rejection');
  return e;
}

describe('writeVideo: encoded formats', () => {
  it.each([
    ['mp4', 'h264', 8],
    ['webm', 'vp9', 8],
    ['gif', 'gif', 7.92], // GIF delays are whole 1/100 s: 8 fps is stored as 12-13 cs per frame
  ])('%s: %s, size, frames, fps, duration, metadata round trip, nothing else left', async (ext, codec, fps) => {
    const dir = tempDir();
    const out = join(dir, `clip.${ext}`);
    const written = await writeVideo(planOutput(out), clip, { fps: 8, metadata: meta });
    expect(written).toMatchObject({ path: out, files: [out], width: 64, height: 48, frames: 10, fps: 8, metadata: meta });
    const info = await probe(out, ffmpeg);
    expect(info).toMatchObject({ codec, width: 64, height: 48, frames: 10 });
    expect(info.fps).toBeCloseTo(fps, 2);
    expect(info.duration).toBeCloseTo(1.25, 2);
    if (ext !== 'gif') expect(info.pixFmt).toBe('yuv420p');
    expect(await readMetadata(out)).toEqual(meta);
    expect(listing(dir)).toEqual([`clip.${ext}`]);
  });

  it('mp4 is faststart (moov before mdat) and tagged BT.709', async () => {
    const out = join(tempDir(), 'fast.mp4');
    await writeVideo(planOutput(out), clip, { fps: 8, metadata: meta });
    const boxes = mp4Boxes(out);
    expect(boxes.indexOf('moov')).toBeGreaterThanOrEqual(0);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
    const banner = spawnSync(ffmpeg.path, ['-hide_banner', '-i', out, '-f', 'null', '-'], { encoding: 'utf8' }).stderr;
    expect(banner).toMatch(/yuv420p\(tv, bt709\)/);
  });

  it('keeps fractional frame rates', async () => {
    const out = join(tempDir(), 'ntsc.mp4');
    await writeVideo(planOutput(out), gradientClip(32, 32, 12), { fps: 12.5, metadata: meta });
    const info = await probe(out, ffmpeg);
    expect(info.fps).toBeCloseTo(12.5, 2);
    expect(info.duration).toBeCloseTo(12 / 12.5, 2);
  });

  it('odd sizes: mp4 is padded (not scaled) to even sides and says so; webm and gif keep the size', async () => {
    const dir = tempDir();
    const odd = quadrantClip(33, 17, 4);
    const mp4 = await writeVideo(planOutput(join(dir, 'odd.mp4')), odd, { fps: 8, metadata: meta });
    expect(mp4).toMatchObject({ width: 34, height: 18, metadata: { padded: { from: [33, 17], to: [34, 18] } } });
    expect(await probe(mp4.path, ffmpeg)).toMatchObject({ width: 34, height: 18, frames: 4 });
    expect((await readMetadata(mp4.path)).padded).toEqual({ from: [33, 17], to: [34, 18] });
    // The picture sits 1:1 in the top-left corner: sharp quadrant edges at x=16 and y=8 stay put (scaling would smear
    // them), and the padding repeats the edge, so even the last real column and row keep their colour.
    const rgb = await decodeRgb(ffmpeg.path, mp4.path);
    let worst = 0,
      sum = 0;
    for (let n = 0; n < 4; n++) {
      const src = frameAt(odd, n),
        base = n * 34 * 18 * 3;
      for (let y = 0; y < 18; y++) {
        for (let x = 0; x < 34; x++) {
          const sx = Math.min(x, 32),
            sy = Math.min(y, 16); // padding: the last column/row repeated
          for (let c = 0; c < 3; c++) {
            const e = Math.abs(rgb[base + (y * 34 + x) * 3 + c]! - src[(sy * 33 + sx) * 3 + c]!);
            worst = Math.max(worst, e);
            sum += e;
          }
        }
      }
    }
    expect(worst).toBeLessThan(24);
    expect(sum / (4 * 34 * 18 * 3)).toBeLessThan(4);
    for (const ext of ['webm', 'gif']) {
      const w = await writeVideo(planOutput(join(dir, `odd.${ext}`)), odd, { fps: 8, metadata: meta });
      expect(w.metadata.padded).toBeUndefined();
      expect(await probe(w.path, ffmpeg)).toMatchObject({ width: 33, height: 17, frames: 4 });
    }
  });
});

describe('writeVideo: PNG frames', () => {
  const exact = noiseClip(33, 17, 5);

  it.each<[string, (d: string) => string, (d: string) => string, string[]]>([
    ['a new folder', (d) => join(d, 'frames/'), (d) => join(d, 'frames', 'frame_%03d.png'), ['frames']],
    ['an existing folder', (d) => d, (d) => join(d, 'frame_%03d.png'), ['frame_001.png', 'frame_002.png', 'frame_003.png', 'frame_004.png', 'frame_005.png']],
    ['a pattern', (d) => join(d, 'x_%05d.png'), (d) => join(d, 'x_%05d.png'), ['x_00001.png', 'x_00002.png', 'x_00003.png', 'x_00004.png', 'x_00005.png']],
  ])('into %s: frames equal the input exactly and carry the metadata', async (_name, arg, pattern, names) => {
    const dir = tempDir();
    const written = await writeVideo(planOutput(arg(dir)), exact, { fps: 8, metadata: meta });
    expect(written.path).toBe(pattern(dir));
    expect(written.files).toHaveLength(5);
    expect(listing(dir)).toEqual(names);
    expect(Buffer.compare(await decodeRgb(ffmpeg.path, written.path), Buffer.from(exact.data))).toBe(0);
    expect(readPngText(readFileSync(written.files[2]!)).get('t2v')).toMatch(/^\{"t2v":"0\.1\.0".*\\u2603/);
    expect(await readMetadata(arg(dir))).toEqual(meta);
    expect(await readMetadata(written.files[4]!)).toEqual(meta);
  });

  it('overwrite replaces the frames and removes stale ones from a longer earlier run', async () => {
    const dir = tempDir();
    await writeVideo(planOutput(dir), noiseClip(8, 8, 7, 1), { fps: 8, metadata: meta });
    await expect(writeVideo(planOutput(dir, { overwrite: true }), noiseClip(8, 8, 3, 2), { fps: 8, metadata: meta })).resolves.toBeTruthy();
    expect(listing(dir)).toEqual(['frame_001.png', 'frame_002.png', 'frame_003.png']);
    expect(Buffer.compare(await decodeRgb(ffmpeg.path, join(dir, 'frame_%03d.png')), Buffer.from(noiseClip(8, 8, 3, 2).data))).toBe(0);
  });
});

describe('writeVideo: never overwrites by accident', () => {
  it.each(['mp4', 'png'])('%s: a file that appeared after planning is kept and reported', async (ext) => {
    const dir = tempDir();
    const target = ext === 'png' ? join(dir, 'f_%d.png') : join(dir, 'a.mp4');
    const plan = planOutput(target);
    const clash = ext === 'png' ? join(dir, 'f_2.png') : target;
    writeFileSync(clash, 'precious');
    const e = await errorOf(writeVideo(plan, clip, { fps: 8, metadata: meta }));
    expect(inFlagTerms(e).message).toBe(`${clash} exists; pass --overwrite to replace it`);
    expect(readFileSync(clash, 'utf8')).toBe('precious');
    expect(listing(dir)).toEqual([ext === 'png' ? 'f_2.png' : 'a.mp4']);
  });

  it('--overwrite replaces an existing video', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.gif'), 'old');
    await writeVideo(planOutput(join(dir, 'a.gif'), { overwrite: true }), clip, { fps: 8, metadata: meta });
    expect(await readMetadata(join(dir, 'a.gif'))).toEqual(meta);
    expect(listing(dir)).toEqual(['a.gif']);
  });
});

describe('writeVideo: failures leave nothing behind', () => {
  /** A fake ffmpeg: answers capability queries with the real one, but an encode writes half a file and fails. */
  function failingFfmpeg(): string {
    const file = join(tempDir(), 'ffmpeg');
    writeFileSync(
      file,
      `#!/bin/sh
for a in "$@"; do last="$a"; done
case "$last" in
  *.part) head -c 5000 > /dev/null; printf 'half a file' > "$last"; echo "[libx264 @ 0x1] simulated encoder crash" >&2; exit 1;;
esac
exec "${ffmpeg.path}" "$@"
`,
    );
    chmodSync(file, 0o755);
    return file;
  }

  it.each<[string, () => OutputPlan['ffmpeg'], RegExp]>([
    ['a broken ffmpeg path', () => ({ path: '/nonexistent/ffmpeg', source: 'T2V_FFMPEG', version: '?' }), /^ffmpeg failed writing .*a\.mp4: cannot run \/nonexistent\/ffmpeg \(ENOENT\)$/],
    ['ffmpeg failing halfway', () => ({ path: failingFfmpeg(), source: 'T2V_FFMPEG', version: '?' }), /^ffmpeg failed writing .*a\.mp4: \[libx264 @ 0x1\] simulated encoder crash$/],
  ])('%s: one-line error, no output, no temp', async (_name, ff, err) => {
    const dir = tempDir();
    const plan = { ...planOutput(join(dir, 'a.mp4')), ffmpeg: ff() };
    const e = await errorOf(writeVideo(plan, clip, { fps: 8, metadata: meta }));
    expect(e.message).toMatch(err);
    expect(e.message).not.toContain('\n');
    expect(e.exitCode).toBe(1);
    expect(listing(dir)).toEqual([]);
  });

  it.each(['mp4', 'webm', 'gif', 'png'])('%s: abort halfway -> InterruptedError, no output, no temp', async (ext) => {
    const dir = tempDir();
    const controller = new AbortController();
    const seen: number[] = [];
    const target = ext === 'png' ? join(dir, 'f/') : join(dir, `a.${ext}`);
    const e = await errorOf(
      writeVideo(planOutput(target), noiseClip(64, 48, 20), {
        fps: 8,
        metadata: meta,
        signal: controller.signal,
        onProgress: (done) => {
          seen.push(done);
          if (done === 10) controller.abort();
        },
      }),
    );
    expect(e).toBeInstanceOf(InterruptedError);
    expect(e.message).toMatch(/^interrupted: .* was not written$/);
    expect(e.exitCode).toBe(130);
    expect(Math.max(...seen)).toBeLessThan(20);
    expect(listing(dir)).toEqual([]);
  });

  it.each([
    ['a.mp4', 'a.mp4', '.a.mp4'],
    ['f/', 'f', '.f'],
  ])("%s: temps left by a killed earlier run are swept; a live process's temp is kept", async (arg, final, prefix) => {
    const dir = tempDir();
    const dead = `${prefix}.t2v-999999-0123abcd.part`; // no such pid
    const live = `${prefix}.t2v-${process.ppid}-0123abcd.part`;
    const other = `${prefix}.t2v-999999-notours.part`;
    for (const n of [dead, live, other]) writeFileSync(join(dir, n), 'partial');
    await writeVideo(planOutput(join(dir, arg)), clip, { fps: 8, metadata: meta });
    expect(listing(dir)).toEqual([live, other, final].sort());
  });

  it('an already-aborted signal writes nothing', async () => {
    const dir = tempDir();
    const e = await errorOf(writeVideo(planOutput(join(dir, 'a.mp4')), clip, { fps: 8, metadata: meta, signal: AbortSignal.abort() }));
    expect(e).toBeInstanceOf(InterruptedError);
    expect(listing(dir)).toEqual([]);
  });

  it('a throwing progress callback stops the write with its own error', async () => {
    const dir = tempDir();
    const e = await errorOf(
      writeVideo(planOutput(join(dir, 'a.webm')), clip, {
        fps: 8,
        metadata: meta,
        onProgress: (done) => {
          if (done === 3) throw new Error('progress bar broke');
        },
      }),
    );
    expect(e.message).toBe('progress bar broke');
    expect(listing(dir)).toEqual([]);
  });

  it.each<[string, Frames, number, RegExp]>([
    ['a short buffer', { width: 4, height: 4, count: 2, data: new Uint8Array(10) }, 8, /need 96 bytes, got 10/],
    ['zero fps', clip, 0, /fps must be a positive number/],
  ])('rejects %s before starting', async (_name, frames, fps, err) => {
    const dir = tempDir();
    await expect(writeVideo(planOutput(join(dir, 'a.mp4')), frames, { fps, metadata: meta })).rejects.toThrow(err);
    expect(listing(dir)).toEqual([]);
  });
});

describe('readMetadata', () => {
  it.each<[string, (d: string) => string, RegExp]>([
    ['a missing file', (d) => join(d, 'gone.mp4'), /gone\.mp4: no such file$/],
    [
      'an mp4 not written by t2v',
      (d) => {
        const f = join(d, 'plain.mp4');
        execFileSync(ffmpeg.path, ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=16x16:d=0.2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', f]);
        return f;
      },
      /plain\.mp4 has no t2v metadata \(it was not written by t2v, or the tags were stripped\)$/,
    ],
    [
      'an mp4 whose comment is not ours',
      (d) => {
        const f = join(d, 'other.mp4');
        execFileSync(ffmpeg.path, ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=16x16:d=0.2', '-c:v', 'libx264', '-metadata', 'comment=shot on my phone', f]);
        return f;
      },
      /other\.mp4: the stored metadata is not valid JSON$/,
    ],
    ['a folder without frames', (d) => d, /no PNG frames found$/],
    [
      'a damaged video',
      (d) => {
        writeFileSync(join(d, 'junk.mp4'), 'hello');
        return join(d, 'junk.mp4');
      },
      /junk\.mp4: ffmpeg cannot read it \(.*Invalid data found when processing input\)$/,
    ],
  ])('%s: one-line error', async (_name, make, err) => {
    const e = await errorOf(readMetadata(make(tempDir())));
    expect(e.message).toMatch(err);
    expect(e.message).not.toContain('\n');
  });
});

describe('folders made for -o go again when the write fails', () => {
  it('a failing encoder leaves no new folders behind', async () => {
    const d = tempDir();
    const plan: OutputPlan = {
      format: 'mp4',
      path: join(d, 'x', 'y', 'a.mp4'),
      dir: join(d, 'x', 'y'),
      overwrite: false,
      createDir: true,
      ffmpeg: { path: '/bin/false', source: 'PATH', version: 'x' },
    };
    const frames: Frames = { width: 8, height: 8, count: 2, data: new Uint8Array(8 * 8 * 3 * 2) };
    await expect(writeVideo(plan, frames, { fps: 8, metadata: sampleMetadata() })).rejects.toThrow();
    expect(listing(d)).toEqual([]);
  });
});
