import { describe, expect, it } from 'vitest';
import { PALETTE, readClip, type Colour, type Direction, type Shape } from '../../bench/shape-metrics.js';

/** A square of `colour` moving 4 px a frame in `dir` on a grey background. */
function clip(colour: Colour, dir: Direction, bg = [128, 128, 128]): Uint8Array {
  const [w, h, frames] = [32, 32, 5];
  const rgb = new Uint8Array(frames * w * h * 3);
  const step = { left: [-4, 0], right: [4, 0], up: [0, -4], down: [0, 4] }[dir];
  for (let f = 0; f < frames; f++) {
    const ox = 13 + step[0]! * (f - 2);
    const oy = 13 + step[1]! * (f - 2);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const inside = x >= ox && x < ox + 6 && y >= oy && y < oy + 6;
        rgb.set(inside ? PALETTE[colour] : bg, ((f * h + y) * w + x) * 3);
      }
  }
  return rgb;
}

/** One frame of a filled circle, square or triangle (apex up) of radius r centred in a size x size black frame. */
function shapeFrame(shape: Shape, size: number, r: number): Uint8Array {
  const rgb = new Uint8Array(size * size * 3);
  const c = size / 2;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const [dx, dy] = [x + 0.5 - c, y + 0.5 - c];
      const inside =
        shape === 'circle'
          ? dx * dx + dy * dy <= r * r
          : shape === 'square'
            ? Math.max(Math.abs(dx), Math.abs(dy)) <= r
            : dy <= r / 2 && dy >= -r && Math.abs(dx) <= (((dy + r) / 1.5) * ((r * Math.sqrt(3)) / 2)) / r;
      if (inside) rgb.set(PALETTE.white, (y * size + x) * 3);
    }
  return rgb;
}

describe('readClip', () => {
  const cases: [Colour, Direction][] = [
    ['red', 'left'],
    ['green', 'right'],
    ['blue', 'up'],
    ['yellow', 'down'],
    ['white', 'left'],
  ];
  it.each(cases)('%s moving %s', (colour, dir) => {
    expect(readClip(clip(colour, dir), 5, 32, 32)).toMatchObject({ colour, direction: dir });
  });

  it('an empty clip reads as nothing', () => {
    expect(readClip(new Uint8Array(2 * 8 * 8 * 3), 2, 8, 8)).toMatchObject({ colour: null, direction: null, shape: null });
  });

  it('the moving square reads as a square', () => {
    expect(readClip(clip('red', 'left'), 5, 32, 32).shape).toBe('square');
  });

  const shapes: [Shape, number][] = [
    ['circle', 6],
    ['circle', 10],
    ['square', 5],
    ['square', 9],
    ['triangle', 7],
    ['triangle', 11],
  ];
  it.each(shapes)('a %s of radius %d reads as itself', (shape, r) => {
    expect(readClip(shapeFrame(shape, 32, r), 1, 32, 32).shape).toBe(shape);
  });

  it('a few stray pixels are no shape', () => {
    const rgb = new Uint8Array(8 * 8 * 3);
    rgb.set(PALETTE.red, 0);
    expect(readClip(rgb, 1, 8, 8).shape).toBeNull();
  });
});
