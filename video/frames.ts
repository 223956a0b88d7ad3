// Video frames as packed RGB bytes: the one type every video/ module passes around.
import { T2vError } from '../core/errors.js';

/** `count` frames of `height` rows of `width` RGB pixels, frame-major: data.length === count*height*width*3. */
export interface Frames {
  readonly width: number;
  readonly height: number;
  readonly count: number;
  readonly data: Uint8Array;
}

/** Bytes in one frame. */
export function frameBytes(f: { readonly width: number; readonly height: number }): number {
  return f.width * f.height * 3;
}

/** Frames over `data`, or a new zeroed (black) buffer; checks the sizes agree. */
export function makeFrames(width: number, height: number, count: number, data?: Uint8Array): Frames {
  const frames = { width, height, count, data: data ?? new Uint8Array(width * height * count * 3) };
  checkFrames(frames);
  return frames;
}

/** Throws a one-line error when the dimensions are not positive integers or the buffer is the wrong size. */
export function checkFrames(f: Frames): void {
  for (const [name, v] of [
    ['width', f.width],
    ['height', f.height],
    ['count', f.count],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new T2vError(`frames: ${name} must be a positive integer, got ${v}`);
  }
  const want = frameBytes(f) * f.count;
  if (f.data.length !== want) {
    throw new T2vError(`frames: ${f.count} frames of ${f.width}x${f.height} RGB need ${want} bytes, got ${f.data.length}`);
  }
}

/** Frame `i` as a view into the shared buffer (no copy). */
export function frameAt(f: Frames, i: number): Uint8Array {
  const n = frameBytes(f);
  return f.data.subarray(i * n, (i + 1) * n);
}
