// GIF comment extension: ffmpeg's gif muxer drops -metadata, so we add and read the comment block ourselves.
import { T2vError } from '../core/errors.js';

function isGif(b: Uint8Array): boolean {
  const head = Buffer.from(b.buffer, b.byteOffset, Math.min(6, b.length)).toString('latin1');
  return head === 'GIF89a' || head === 'GIF87a';
}

/** Offset just past the header, logical screen descriptor and global colour table. */
function afterHeader(b: Uint8Array): number {
  if (!isGif(b) || b.length < 13) throw new T2vError('not a GIF file');
  const flags = b[10]!;
  return 13 + (flags & 0x80 ? 3 * (1 << ((flags & 0x07) + 1)) : 0);
}

/** Offset past a run of data sub-blocks starting at `pos`. */
function skipSubBlocks(b: Uint8Array, pos: number): number {
  while (pos < b.length) {
    const n = b[pos]!;
    pos += 1 + n;
    if (n === 0) return pos;
  }
  throw new T2vError('GIF file is truncated');
}

/** The GIF with a Comment Extension (`text`, keep it ASCII) placed before the first frame. */
export function addGifComment(gif: Uint8Array, text: string): Buffer {
  const at = afterHeader(gif);
  const data = Buffer.from(text, 'latin1');
  const parts: Buffer[] = [Buffer.from([0x21, 0xfe])];
  for (let i = 0; i < data.length; i += 255) {
    const piece = data.subarray(i, i + 255);
    parts.push(Buffer.from([piece.length]), piece);
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.from(gif.buffer, gif.byteOffset, gif.length);
  // GIF87a has no extensions; what ffmpeg writes is 89a, but make the version say so anyway.
  const head = Buffer.from(out.subarray(0, at));
  head.write('GIF89a', 0, 'latin1');
  return Buffer.concat([head, ...parts, out.subarray(at)]);
}

/**
 * The first Comment Extension of a GIF, or undefined when it has none. With `beforeFrames` only the blocks before the
 * first frame are read (where t2v puts its comment), so a prefix of the file is enough.
 */
export function readGifComment(gif: Uint8Array, beforeFrames = false): string | undefined {
  let pos = afterHeader(gif);
  while (pos < gif.length) {
    const tag = gif[pos]!;
    if (tag === 0x3b) return undefined; // trailer
    if (tag === 0x21) {
      const label = gif[pos + 1];
      const start = pos + 2;
      pos = skipSubBlocks(gif, start);
      if (label === 0xfe) {
        const pieces: Buffer[] = [];
        for (let p = start; gif[p]! > 0; p += 1 + gif[p]!) pieces.push(Buffer.from(gif.subarray(p + 1, p + 1 + gif[p]!)));
        return Buffer.concat(pieces).toString('latin1');
      }
    } else if (tag === 0x2c) {
      if (beforeFrames) return undefined;
      const flags = gif[pos + 9];
      if (flags === undefined) throw new T2vError('GIF file is truncated');
      pos += 10 + (flags & 0x80 ? 3 * (1 << ((flags & 0x07) + 1)) : 0) + 1; // descriptor, local table, LZW code size
      pos = skipSubBlocks(gif, pos);
    } else {
      throw new T2vError(`GIF file is damaged (unexpected block 0x${tag.toString(16)} at byte ${pos})`);
    }
  }
  throw new T2vError('GIF file is truncated');
}
