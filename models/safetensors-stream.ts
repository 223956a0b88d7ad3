// Writes a safetensors file tensor by tensor from a callback (header first, then each tensor's bytes), atomically.
import { open, rename, rm } from 'node:fs/promises';
import type { SafetensorsDtype } from './safetensors.js';

export interface StreamedTensor {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly byteLength: number;
}

/** `bytesOf` yields each tensor's bytes in pieces; nothing is left at `dest` unless all of it was written. `metadata` null: none. */
export async function writeSafetensorsStreamed<T extends StreamedTensor>(
  dest: string,
  tensors: readonly T[],
  bytesOf: (t: T) => AsyncIterable<Uint8Array>,
  metadata: Readonly<Record<string, string>> | null = { format: 'pt' },
): Promise<number> {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const t of sorted) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.byteLength] };
    offset += t.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerBuf = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(headerBuf.length));
  const tmp = `${dest}.${process.pid}.tmp`;
  const out = await open(tmp, 'w');
  try {
    await out.write(len);
    await out.write(headerBuf);
    for (const t of sorted) {
      let written = 0;
      for await (const piece of bytesOf(t)) {
        await out.write(piece);
        written += piece.byteLength;
      }
      if (written !== t.byteLength) throw new Error(`tensor ${t.name}: ${written} bytes written, ${t.byteLength} expected`);
    }
    await out.close();
    await rename(tmp, dest);
  } catch (e) {
    await out.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  return offset;
}
