// Even-size padding for 4:2:0 video: repeat the last column/row rather than add black, so chroma at the real edge stays true.
import type { GenerationMetadata } from './metadata.js';

export type Padding = NonNullable<GenerationMetadata['padded']>;

/** The padding a codec that needs even sides requires for `width`x`height`, or undefined when none. */
export function evenPadding(width: number, height: number): Padding | undefined {
  const w = width + (width % 2),
    h = height + (height % 2);
  return w === width && h === height ? undefined : { from: [width, height], to: [w, h] };
}

/**
 * One RGB frame grown to `toW`x`toH`: the picture stays at 1:1 in the top-left corner, extra columns repeat the
 * last column and extra rows the last row. (Black padding would average into the edge's subsampled chroma.)
 */
export function padFrame(src: Uint8Array, width: number, height: number, toW: number, toH: number): Uint8Array {
  const out = new Uint8Array(toW * toH * 3);
  const srcRow = width * 3,
    outRow = toW * 3;
  for (let y = 0; y < toH; y++) {
    const sy = Math.min(y, height - 1);
    const row = out.subarray(y * outRow, (y + 1) * outRow);
    row.set(src.subarray(sy * srcRow, (sy + 1) * srcRow));
    for (let x = width; x < toW; x++) row.copyWithin(x * 3, (width - 1) * 3, width * 3);
  }
  return out;
}
