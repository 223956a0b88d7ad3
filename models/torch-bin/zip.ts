// The stored (uncompressed) entries of a zip file, zip64 included: PyTorch's zip checkpoint container, read by offset.
import type { FileHandle } from 'node:fs/promises';
import { T2vError } from '../../core/errors.js';

export interface ZipEntry {
  readonly name: string;
  /** Absolute file offset of the entry's bytes. */
  readonly offset: number;
  readonly size: number;
}

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, pos);
  return buf.subarray(0, bytesRead);
}

const big = (b: Buffer, at: number): number => Number(b.readBigUInt64LE(at));

/** Lists the entries from the central directory; compressed entries are refused (torch.save never compresses). */
export async function readZipEntries(fh: FileHandle, fileSize: number, what: string): Promise<ZipEntry[]> {
  const tailLen = Math.min(fileSize, 65557);
  const tail = await readAt(fh, fileSize - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new T2vError(`${what}: no zip directory; the checkpoint is truncated or not a PyTorch file`);
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || count === 0xffff || cdSize === 0xffffffff) {
    const locAt = fileSize - tailLen + eocd - 20;
    const loc = await readAt(fh, locAt, 20);
    if (loc.readUInt32LE(0) !== 0x07064b50) throw new T2vError(`${what}: broken zip64 directory; re-download the checkpoint`);
    const rec = await readAt(fh, big(loc, 8), 56);
    if (rec.readUInt32LE(0) !== 0x06064b50) throw new T2vError(`${what}: broken zip64 directory; re-download the checkpoint`);
    count = big(rec, 32);
    cdSize = big(rec, 40);
    cdOffset = big(rec, 48);
  }
  const cd = await readAt(fh, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (cd.readUInt32LE(p) !== 0x02014b50) throw new T2vError(`${what}: broken zip directory; re-download the checkpoint`);
    const method = cd.readUInt16LE(p + 10);
    let size = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let local = cd.readUInt32LE(p + 42);
    const name = cd.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    // zip64 extra field: the 64-bit values of the fields that read 0xffffffff, in this order
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen;) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) {
          size = big(cd, q);
          q += 8;
        }
        if (cd.readUInt32LE(p + 20) === 0xffffffff) q += 8;
        if (local === 0xffffffff) local = big(cd, q);
      }
      e += 4 + len;
    }
    if (method !== 0) throw new T2vError(`${what}: zip entry ${name} is compressed, which torch.save never writes; re-save the checkpoint`);
    const lh = await readAt(fh, local, 30);
    if (lh.readUInt32LE(0) !== 0x04034b50) throw new T2vError(`${what}: broken zip entry ${name}; re-download the checkpoint`);
    entries.push({ name, offset: local + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28), size });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

export { readAt };
