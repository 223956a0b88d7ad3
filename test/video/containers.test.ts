// Byte-level formats we write or read ourselves: CRC-32, PNG (+tEXt), GIF comment blocks, ffmetadata text.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../video/crc32.js';
import { findFfmpeg } from '../../video/ffmpeg.js';
import { parseFfmetadata } from '../../video/ffmetadata.js';
import { addGifComment, readGifComment } from '../../video/gif.js';
import { encodePng, readPngText } from '../../video/png.js';
import { decodeRgb, noiseClip, gradientClip, tempDir } from './helpers/fixtures.js';

describe('crc32', () => {
  it.each([
    ['', 0x00000000],
    ['123456789', 0xcbf43926],
    ['IEND', 0xae426082],
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
  ])('crc32(%j) = %s', (text, want) => {
    expect(crc32(Buffer.from(text, 'latin1'))).toBe(want);
  });

  it('continues across split buffers', () => {
    const all = Buffer.from('123456789');
    expect(crc32(all.subarray(4), crc32(all.subarray(0, 4)))).toBe(0xcbf43926);
  });
});

describe('encodePng', () => {
  it.each([
    ['noise 1x1', noiseClip(1, 1, 1)],
    ['noise 33x17', noiseClip(33, 17, 1, 3)],
    ['gradient 64x48', gradientClip(64, 48, 1)],
    ['flat 20x5', { width: 20, height: 5, count: 1, data: new Uint8Array(300).fill(200) }],
  ])('ffmpeg decodes %s to exactly the input pixels', async (_name, clip) => {
    const ff = await findFfmpeg();
    const file = join(tempDir(), 'f.png');
    writeFileSync(file, encodePng(clip.width, clip.height, clip.data, [['t2v', '{"a":1}']]));
    expect(Buffer.compare(await decodeRgb(ff.path, file), Buffer.from(clip.data))).toBe(0);
  });

  it('stores tEXt chunks that read back', () => {
    const png = encodePng(2, 2, new Uint8Array(12), [
      ['t2v', '{"prompt":"x \\u2603"}'],
      ['Software', 't2v'],
    ]);
    expect(Object.fromEntries(readPngText(png))).toEqual({ t2v: '{"prompt":"x \\u2603"}', Software: 't2v' });
  });

  it.each([
    ['wrong buffer size', () => encodePng(2, 2, new Uint8Array(11))],
    ['bad keyword', () => encodePng(1, 1, new Uint8Array(3), [['', 'x']])],
  ])('rejects %s', (_name, f) => {
    expect(f).toThrow(/png:/);
  });

  it.each([
    ['not a PNG', Buffer.from('GIF89a......'), /not a PNG/],
    [
      'damaged tEXt',
      (() => {
        const b = encodePng(1, 1, new Uint8Array(3), [['t2v', 'abc']]);
        b[b.indexOf('abc') + 1] = 0x5a;
        return b;
      })(),
      /bad CRC/,
    ],
  ])('readPngText: %s', (_name, bytes, err) => {
    expect(() => readPngText(bytes)).toThrow(err);
  });
});

describe('GIF comment', () => {
  /** A minimal GIF: 1x1, 2-colour global table, one image, trailer. */
  const tiny = Buffer.from([...Buffer.from('GIF89a'), 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3b]);

  it.each([
    ['short', 'hello'],
    ['empty', ''],
    ['exactly 255', 'x'.repeat(255)],
    ['several blocks', 'y'.repeat(700)],
  ])('round-trips a %s comment', (_name, text) => {
    const out = addGifComment(tiny, text);
    expect(readGifComment(out)).toBe(text === '' ? '' : text);
    expect(out.subarray(out.length - 1)[0]).toBe(0x3b);
  });

  it('reports no comment on a plain GIF and rejects non-GIFs', () => {
    expect(readGifComment(tiny)).toBeUndefined();
    expect(() => readGifComment(Buffer.from('\x89PNG....'))).toThrow(/not a GIF/);
  });
});

describe('parseFfmetadata', () => {
  it.each([
    ['plain', ';FFMETADATA1\ntitle=x\ncomment=y\n', { title: 'x', comment: 'y' }],
    ['escapes', ';FFMETADATA1\ncomment={"a":"b\\=c\\;d\\#e\\\\"}\n', { comment: '{"a":"b=c;d#e\\"}' }],
    ['escaped newline continues the value', ';FFMETADATA1\ncomment=line1\\\nline2\n', { comment: 'line1\nline2' }],
    ['keys lower-cased, stream sections ignored', ';FFMETADATA1\nCOMMENT=v\n[STREAM]\ncomment=other\n', { comment: 'v' }],
  ])('%s', (_name, text, want) => {
    expect(parseFfmetadata(text)).toEqual(want);
  });
});
