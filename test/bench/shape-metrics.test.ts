import { describe, expect, it } from 'vitest';
import { PALETTE, readClip, type Colour, type Direction } from '../../bench/shape-metrics.js';

/** A square of `colour` moving 4 px a frame in `dir` on a grey background. */
function clip(colour: Colour, dir: Direction, bg = [128, 128, 128]): Uint8Array {
  const [w, h, frames] = [32, 32, 5];
  const rgb = new Uint8Array(frames * w * h * 3);
  const step = { left: [-4, 0], right: [4, 0], up: [0, -4], down: [0, 4] }[dir];
  for (let f = 0; f < frames; f++) {
    const ox = 13 + step[0]! * (f - 2);
    const oy = 13 + step[1]! * (f - 2);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const inside = x >= ox && x < ox + 6 && y >= oy && y < oy + 6;
      rgb.set(inside ? PALETTE[colour] : bg, ((f * h + y) * w + x) * 3);
    }
  }
  return rgb;
}

describe('readClip', () => {
  const cases: [Colour, Direction][] = [['red', 'left'], ['green', 'right'], ['blue', 'up'], ['yellow', 'down'], ['white', 'left']];
  it.each(cases)('%s moving %s', (colour, dir) => {
    expect(readClip(clip(colour, dir), 5, 32, 32)).toMatchObject({ colour, direction: dir });
  });

  it('an empty clip reads as nothing', () => {
    expect(readClip(new Uint8Array(2 * 8 * 8 * 3), 2, 8, 8)).toMatchObject({ colour: null, direction: null });
  });
});
