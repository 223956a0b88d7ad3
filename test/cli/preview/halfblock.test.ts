// The terminal preview: how many frames fit and at what size, and the half-block cells drawn.
import { describe, expect, it } from 'vitest';
import { halfBlockLines, stripLayout } from '../../../cli/preview/halfblock.js';
import { previewStrip } from '../../../cli/preview/png-file.js';

describe('stripLayout', () => {
  it.each([
    [{ count: 8, width: 8, height: 8 }, 100, { frames: [0, 1, 2, 3, 4, 5, 6, 7], width: 8, height: 8 }],
    [{ count: 8, width: 8, height: 8 }, 200, { frames: [0, 1, 2, 3, 4, 5, 6, 7], width: 16, height: 16 }],
    [{ count: 16, width: 32, height: 32 }, 80, { frames: [0, 2, 4, 6, 9, 11, 13, 15], width: 9, height: 10 }],
    [{ count: 3, width: 40, height: 24 }, 80, { frames: [0, 1, 2], width: 26, height: 16 }],
    [{ count: 8, width: 8, height: 8 }, 3, undefined],
  ])('%j in %i columns', (p, columns, want) => expect(stripLayout(p, columns)).toEqual(want));
});

describe('halfBlockLines', () => {
  it('one line per two pixel rows; top pixel in the foreground, bottom in the background', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 0, 255, 0, 255, 0, 9, 9, 9]); // one 1x... frame: 2x2 pixels
    const lines = halfBlockLines({ count: 1, width: 2, height: 2, rgb }, 80);
    expect(lines).toHaveLength(2); // 2x upscale: 4 rows of pixels
    expect(lines[0]).toContain('\u001b[38;2;255;0;0m\u001b[48;2;255;0;0m▀');
    expect(lines[1]).toContain('\u001b[38;2;0;255;0m\u001b[48;2;0;255;0m▀');
    expect(lines[0]!.endsWith('\u001b[0m')).toBe(true);
  });
});

describe('previewStrip', () => {
  it('frames side by side, 4x, a 2-pixel gap', () => {
    const s = previewStrip({ count: 3, width: 8, height: 6, rgb: new Uint8Array(3 * 8 * 6 * 3).fill(200) });
    expect(s).toMatchObject({ width: 3 * 32 + 2 * 2, height: 24 });
    expect(s.rgb[0]).toBe(200);
    expect(s.rgb[32 * 3]).toBe(0); // the gap
  });
});
