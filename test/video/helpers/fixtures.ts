// Shared test fixtures for video/: sample metadata, deterministic clips, temp folders, ffmpeg decode.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { makeFrames, type Frames } from '../../../video/frames.js';
export { sampleMetadata } from './sample-metadata.js';

/** A smooth moving gradient (compresses well and survives yuv420p nearly unchanged). */
export function gradientClip(width: number, height: number, count: number): Frames {
  const f = makeFrames(width, height, count);
  let i = 0;
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        f.data[i++] = Math.round((255 * x) / Math.max(1, width - 1));
        f.data[i++] = Math.round((255 * y) / Math.max(1, height - 1));
        f.data[i++] = (n * 20 + 40) & 0xff;
      }
    }
  }
  return f;
}

/** Four flat colour blocks split at x=16, y=8: sharp edges that would smear if the picture were scaled. */
export function quadrantClip(width: number, height: number, count: number): Frames {
  const colours = [
    [200, 40, 40],
    [40, 200, 40],
    [40, 40, 200],
    [200, 200, 40],
  ] as const;
  const f = makeFrames(width, height, count);
  let i = 0;
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++, i += 3) f.data.set(colours[(y < 8 ? 0 : 2) + (x < 16 ? 0 : 1)]!, i);
    }
  }
  return f;
}

/** Pseudo-random bytes from a seed (xorshift), for exact-equality checks. */
export function noiseClip(width: number, height: number, count: number, seed = 7): Frames {
  const f = makeFrames(width, height, count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < f.data.length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    f.data[i] = s & 0xff;
  }
  return f;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp folder, removed after the test. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 't2v-video-'));
  dirs.push(d);
  return d;
}

/** Names in a folder, hidden ones included (a leftover temp is hidden). */
export function listing(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** Decodes a file (or image pattern) to packed RGB with ffmpeg. */
export function decodeRgb(ffmpeg: string, input: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(ffmpeg, ['-v', 'error', '-i', input, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 256 << 20 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout);
    });
  });
}
