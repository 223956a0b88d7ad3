// `t2v models convert`: each `.bin` checkpoint of a model folder -> a safetensors file beside it, read with the restricted unpickler.
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { T2vError } from '../core/errors.js';
import { isFile } from './safetensors.js';
import { readCheckpoint, type CheckpointTensor } from './torch-bin/checkpoint.js';
import { readAt } from './torch-bin/zip.js';

export interface Converted {
  readonly from: string;
  readonly to: string;
  readonly tensors: number;
  readonly bytes: number;
  /** The safetensors file was already there; nothing was written. */
  readonly skipped: boolean;
}

/** diffusers / transformers names: diffusion_pytorch_model[.fp16].bin -> .safetensors, pytorch_model[.fp16].bin -> model[.fp16].safetensors. */
export function safetensorsNameFor(binName: string): string | undefined {
  const m = /^(diffusion_pytorch_model|pytorch_model)((?:\.[a-z0-9]+)?)\.bin$/.exec(binName);
  if (!m) return undefined;
  return `${m[1] === 'pytorch_model' ? 'model' : m[1]}${m[2]}.safetensors`;
}

/** Writes `tensors` (bytes copied from `src`) as a safetensors file, atomically. */
async function writeFromCheckpoint(src: string, dest: string, tensors: readonly CheckpointTensor[]): Promise<number> {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
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
  const input = await open(src, 'r');
  const out = await open(tmp, 'w');
  try {
    await out.write(len);
    await out.write(headerBuf);
    const CHUNK = 1 << 24; // a full-size U-Net tensor streams through in 16 MiB pieces
    for (const t of sorted) {
      for (let done = 0; done < t.byteLength; done += CHUNK) {
        const piece = await readAt(input, t.offset + done, Math.min(CHUNK, t.byteLength - done));
        if (piece.length < Math.min(CHUNK, t.byteLength - done)) throw new T2vError(`${src}: tensor ${t.name} ends past the end of the file; re-download the checkpoint`);
        await out.write(piece);
      }
    }
    await out.close();
    await rename(tmp, dest);
  } catch (e) {
    await out.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  } finally {
    await input.close();
  }
  return offset;
}

/** Converts every `.bin` weight file in `root` and its part folders; an existing safetensors twin is left alone. */
export async function convertFolder(root: string): Promise<Converted[]> {
  const dirs = [root];
  for (const e of await readdir(root, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) dirs.push(join(root, e.name));
  const out: Converted[] = [];
  for (const dir of dirs) {
    for (const name of (await readdir(dir)).sort()) {
      if (!name.endsWith('.bin')) continue;
      const target = safetensorsNameFor(name);
      if (!target) {
        if (/-\d+-of-\d+\.bin$/.test(name)) throw new T2vError(`${join(dir, name)}: sharded .bin checkpoints are not converted yet; get the model's .safetensors files`);
        continue;
      }
      const from = join(dir, name);
      const to = join(dir, target);
      if (await isFile(to)) {
        out.push({ from, to, tensors: 0, bytes: 0, skipped: true });
        continue;
      }
      const tensors = await readCheckpoint(from);
      out.push({ from, to, tensors: tensors.length, bytes: await writeFromCheckpoint(from, to, tensors), skipped: false });
    }
  }
  if (out.length === 0) throw new T2vError(`${root} holds no diffusers / transformers .bin checkpoints (diffusion_pytorch_model.bin, pytorch_model.bin) to convert`);
  return out;
}

export const describeConverted = (c: Converted): string =>
  c.skipped ? `${c.from}: ${basename(c.to)} already there, left as is` : `${c.from} -> ${basename(c.to)} (${c.tensors} tensors)`;
