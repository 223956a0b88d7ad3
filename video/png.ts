// PNG encoder for RGB frames with tEXt chunks, and a tEXt reader: exact pixels and our metadata without ffmpeg.
import { open } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { crc32 } from './crc32.js';
import { T2vError } from '../core/errors.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  out.set(body, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a),
    pb = Math.abs(p - b),
    pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Filters one row with filter type `type` (0..4) into `out` (no filter byte), bpp = 3. */
function filterRow(type: number, row: Uint8Array, prev: Uint8Array | null, out: Uint8Array): void {
  for (let i = 0; i < row.length; i++) {
    const x = row[i]!,
      a = i >= 3 ? row[i - 3]! : 0,
      b = prev ? prev[i]! : 0,
      c = prev && i >= 3 ? prev[i - 3]! : 0;
    const pred = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >>> 1 : paeth(a, b, c);
    out[i] = (x - pred) & 0xff;
  }
}

function cost(row: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    s += v < 128 ? v : 256 - v;
  }
  return s;
}

/** Filtered scanlines, each preceded by its filter byte; per row the filter with the smallest sum of |residual| (libpng's heuristic). */
function filterImage(width: number, height: number, rgb: Uint8Array): Uint8Array {
  const stride = width * 3;
  const out = new Uint8Array((stride + 1) * height);
  const trial = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = rgb.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? rgb.subarray((y - 1) * stride, y * stride) : null;
    let best = 0,
      bestCost = Infinity;
    const dest = out.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let type = 0; type < 5; type++) {
      filterRow(type, row, prev, trial);
      const c = cost(trial);
      if (c < bestCost) {
        bestCost = c;
        best = type;
        dest.set(trial);
      }
    }
    out[y * (stride + 1)] = best;
  }
  return out;
}

/** An 8-bit RGB PNG of one frame; `text` entries become tEXt chunks (Latin-1: keep values ASCII). */
export function encodePng(width: number, height: number, rgb: Uint8Array, text: ReadonlyArray<readonly [string, string]> = []): Buffer {
  if (rgb.length !== width * height * 3) throw new T2vError(`png: ${width}x${height} RGB needs ${width * height * 3} bytes, got ${rgb.length}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit depth, colour type 2 (RGB), deflate, adaptive filtering, no interlace
  const texts = text.map(([keyword, value]) => {
    if (!/^[\x20-\x7e]{1,79}$/.test(keyword)) throw new T2vError(`png: bad tEXt keyword ${JSON.stringify(keyword)}`);
    return chunk('tEXt', Buffer.from(`${keyword}\0${value}`, 'latin1'));
  });
  const idat = deflateSync(filterImage(width, height, rgb), { level: 6 });
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), ...texts, chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

/** True when the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.equals(bytes.subarray(0, 8));
}

/** One tEXt chunk (type, body and CRC as stored, from its type field on) into `found`. */
function addText(chunkFromType: Buffer, found: Map<string, string>): void {
  const len = chunkFromType.length - 8;
  if (crc32(chunkFromType.subarray(0, 4 + len)) !== chunkFromType.readUInt32BE(4 + len)) throw new T2vError('PNG tEXt chunk is damaged (bad CRC)');
  const body = chunkFromType.subarray(4, 4 + len);
  const nul = body.indexOf(0);
  if (nul > 0) found.set(body.toString('latin1', 0, nul), body.toString('latin1', nul + 1));
}

/** The largest tEXt chunk read from a file: t2v's metadata is a few KiB; a forged length cannot make info read GBs. */
const MAX_TEXT_CHUNK = 16 << 20;

/** All tEXt chunks of a PNG file, read chunk by chunk (image data is skipped, never read). */
export async function readPngTextFile(path: string): Promise<Map<string, string>> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(8);
    await fh.read(head, 0, 8, 0);
    if (!isPng(head)) throw new T2vError('not a PNG file');
    const found = new Map<string, string>();
    for (let pos = 8; pos + 12 <= size;) {
      await fh.read(head, 0, 8, pos);
      const len = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (pos + 12 + len > size) throw new T2vError('PNG file is truncated');
      if (type === 'tEXt') {
        if (len > MAX_TEXT_CHUNK) throw new T2vError(`PNG tEXt chunk of ${len} bytes is too large to be t2v's`);
        const chunkFromType = Buffer.alloc(len + 8);
        await fh.read(chunkFromType, 0, len + 8, pos + 4);
        addText(chunkFromType, found);
      }
      if (type === 'IEND') break;
      pos += 12 + len;
    }
    return found;
  } finally {
    await fh.close();
  }
}

/** All tEXt chunks of a PNG as keyword -> text; throws on a damaged file. */
export function readPngText(bytes: Uint8Array): Map<string, string> {
  if (!isPng(bytes)) throw new T2vError('not a PNG file');
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const found = new Map<string, string>();
  for (let pos = 8; pos + 12 <= buf.length;) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const end = pos + 12 + len;
    if (end > buf.length) throw new T2vError('PNG file is truncated');
    if (type === 'tEXt') addText(buf.subarray(pos + 4, end), found);
    if (type === 'IEND') break;
    pos = end;
  }
  return found;
}
