// Side-by-side and grid composition on raw frames, and the bitmap font that labels them.
import { describe, expect, it } from 'vitest';
import { GAP, grid, gridLayout, labelScale, sideBySide } from '../../video/compose.js';
import { ADVANCE, glyph } from '../../video/font5x7.js';
import { frameAt, makeFrames, type Frames } from '../../video/frames.js';
import { drawText, fitText, textWidth, type Image } from '../../video/text.js';

/** A clip where every pixel of frame n is (r, g, n). */
function flat(w: number, h: number, count: number, r: number, g: number): Frames {
  const f = makeFrames(w, h, count);
  for (let n = 0; n < count; n++) {
    const fr = frameAt(f, n);
    for (let i = 0; i < fr.length; i += 3) fr.set([r, g, n], i);
  }
  return f;
}

function pixel(f: Frames, n: number, x: number, y: number): number[] {
  const i = (y * f.width + x) * 3;
  return [...frameAt(f, n).subarray(i, i + 3)];
}

/** Renders text as '#'/'.' rows. */
function ascii(text: string): string[] {
  const img: Image = { width: textWidth(text, 1), height: 7, data: new Uint8Array(textWidth(text, 1) * 21) };
  drawText(img, 0, 0, text, 1, [255, 255, 255]);
  return Array.from({ length: 7 }, (_, y) => Array.from({ length: img.width }, (_, x) => (img.data[(y * img.width + x) * 3] ? '#' : '.')).join(''));
}

describe('5x7 font', () => {
  it('has a distinct glyph for every printable ASCII character', () => {
    const seen = new Set<string>();
    for (let c = 0x21; c <= 0x7e; c++) {
      const g = glyph(String.fromCharCode(c));
      expect(g).toHaveLength(5);
      expect(g.some((col) => col !== 0)).toBe(true);
      expect(g.every((col) => col < 0x80)).toBe(true);
      seen.add(g.join(','));
    }
    expect(seen.size).toBe(94);
    expect(glyph(' ')).toEqual([0, 0, 0, 0, 0]);
  });

  it.each([
    ['A', ['.###.', '#...#', '#...#', '#...#', '#####', '#...#', '#...#']],
    ['T', ['#####', '..#..', '..#..', '..#..', '..#..', '..#..', '..#..']],
    ['1', ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.']],
    ['g', ['.....', '.####', '#...#', '#...#', '.####', '....#', '.###.']],
  ])('draws %s', (ch, rows) => {
    expect(ascii(ch)).toEqual(rows);
  });

  it('draws non-ASCII as ?', () => {
    expect(ascii('é')).toEqual(ascii('?'));
  });

  it.each([
    ['', 10, 1, ''],
    ['short', 100, 1, 'short'],
    ['FreeU on', textWidth('FreeU', 1), 1, 'Fre..'],
    ['anything', 3, 1, ''],
    ['scaled', textWidth('sca', 2) + 2 * ADVANCE * 2, 2, 'sca..'],
  ])('fitText(%j, %i px, x%i) = %j', (text, width, scale, want) => {
    expect(fitText(text, width, scale)).toBe(want);
    expect(textWidth(want, scale)).toBeLessThanOrEqual(width);
  });
});

describe('grid', () => {
  it.each([
    [1, 1, 1],
    [64, 64, 1],
    [127, 400, 1],
    [256, 256, 2],
    [512, 320, 2],
    [576, 1024, 4],
  ])('label scale for %ix%i cells is %i', (w, h, want) => {
    expect(labelScale(w, h)).toBe(want);
  });

  it('places every clip, frame by frame, below the column labels and right of the row labels', () => {
    const cells = [
      [flat(10, 6, 3, 10, 0), flat(10, 6, 3, 11, 0), flat(10, 6, 3, 12, 0)],
      [flat(10, 6, 3, 20, 0), flat(10, 6, 3, 21, 0), flat(10, 6, 3, 22, 0)],
    ];
    const out = grid(cells, ['r0', 'r1'], ['c0', 'c1', 'c2']);
    const l = gridLayout(2, 3, 10, 6, ['r0', 'r1'], ['c0', 'c1', 'c2']);
    expect(l.top).toBe(13);
    // 10 px cells hold neither label: keys in place, the labels in a legend under the grid
    expect(l.labels).toMatchObject({ columns: [['A'], ['B'], ['C']], rows: [['1'], ['2']] });
    // (the 34 px wide grid wraps each entry after its key)
    expect(l.labels.legend).toEqual(['A:', 'c0', 'B:', 'c1', 'C:', 'c2', '1:', 'r0', '2:', 'r1']);
    expect(l.left).toBe(textWidth('1', 1) + 6);
    expect(l.bottom).toBe(10 * 9 - 2 + 6);
    expect({ w: out.width, h: out.height, n: out.count }).toEqual({ w: l.left + 30 + 2 * GAP, h: l.top + 12 + GAP + l.bottom, n: 3 });
    for (let n = 0; n < 3; n++) {
      for (let r = 0; r < 2; r++) {
        for (let c = 0; c < 3; c++) {
          const x = l.cellX(c),
            y = l.cellY(r);
          expect(pixel(out, n, x, y)).toEqual([10 * (r + 1) + c, 0, n]);
          expect(pixel(out, n, x + 9, y + 5)).toEqual([10 * (r + 1) + c, 0, n]);
        }
      }
    }
    // gaps and strips are background
    expect(pixel(out, 0, l.cellX(1) - 1, l.cellY(0))).toEqual([24, 24, 24]);
    expect(pixel(out, 0, 0, out.height - 1)).toEqual([24, 24, 24]);
  });

  it('draws the labels in their strips', () => {
    const out = sideBySide([flat(64, 32, 1, 0, 0), flat(64, 32, 1, 0, 0)], ['FreeU off', 'FreeU on']);
    expect({ w: out.width, h: out.height }).toEqual({ w: 128 + GAP, h: 32 + 13 });
    const inked = (x0: number, x1: number): number => {
      let n = 0;
      for (let y = 0; y < 13; y++) for (let x = x0; x < x1; x++) if (pixel(out, 0, x, y)[0]! > 200) n++;
      return n;
    };
    expect(inked(0, 64)).toBeGreaterThan(30);
    expect(inked(64 + GAP, 128 + GAP)).toBeGreaterThan(30);
    expect(inked(0, 64)).not.toBe(inked(64 + GAP, 128 + GAP)); // different text
  });

  it('has no strips without labels', () => {
    const out = grid([[flat(4, 4, 1, 1, 1)], [flat(4, 4, 1, 2, 2)]], [], []);
    expect({ w: out.width, h: out.height }).toEqual({ w: 4, h: 8 + GAP });
    expect(pixel(out, 0, 0, 0)).toEqual([1, 1, 0]);
  });

  it.each<[string, () => Frames]>([
    ['no clips', () => grid([], [], [])],
    ['ragged rows', () => grid([[flat(4, 4, 1, 0, 0), flat(4, 4, 1, 0, 0)], [flat(4, 4, 1, 0, 0)]], [], [])],
    ['different sizes', () => sideBySide([flat(4, 4, 1, 0, 0), flat(4, 6, 1, 0, 0)], ['a', 'b'])],
    ['different frame counts', () => sideBySide([flat(4, 4, 1, 0, 0), flat(4, 4, 2, 0, 0)], ['a', 'b'])],
    ['label count mismatch', () => grid([[flat(4, 4, 1, 0, 0)]], ['a', 'b'], [])],
  ])('rejects %s', (_name, f) => {
    expect(f).toThrow(/^grid: /);
  });
});

describe('labels that fit', () => {
  it.each([
    // 64 px panels: a label fits on one line, or two, else keys and a legend
    [['FreeU off', 'FreeU on'], [['FreeU off'], ['FreeU on']], []],
    [['FreeU off', 'FreeU v1 b1 1.2'], [['FreeU off'], ['FreeU v1', 'b1 1.2']], []],
    [
      ['FreeU off', 'FreeU v1 b1 1.2 b2 1.4 s1 0.9 s2 0.2'],
      [['A'], ['B']],
      ['A: FreeU off', 'B: FreeU v1 b1 1.2 b2 1.4 s1 0.9 s2 0.2'],
    ],
  ])('%j', (labels, columns, legend) => {
    const l = gridLayout(1, 2, 64, 64, [], labels);
    expect(l.labels.columns).toEqual(columns);
    // the legend wraps to the grid's width; read back as words it is every label in full
    expect(
      l.labels.legend
        .join(' ')
        .replace(/ (?=[A-Z]: )/g, '|')
        .split('|'),
    ).toEqual(legend.length ? legend : ['']);
    for (const line of l.labels.columns.flat()) expect(textWidth(line, l.scale)).toBeLessThanOrEqual(64 - 6);
    for (const line of l.labels.legend) expect(textWidth(line, l.scale)).toBeLessThanOrEqual(l.width - 6);
  });
});
