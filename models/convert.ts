// `t2v models convert`: each `.bin` checkpoint of a model folder -> a safetensors file beside it, read with the restricted unpickler.
import { open, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { T2vError } from '../core/errors.js';
import { isFile } from './safetensors.js';
import { writeSafetensorsStreamed } from './safetensors-stream.js';
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

/** Copies each tensor's bytes from the checkpoint into a safetensors file, 16 MiB at a time (full-size U-Nets stream through). */
async function writeFromCheckpoint(src: string, dest: string, tensors: readonly CheckpointTensor[]): Promise<number> {
  const input = await open(src, 'r');
  const CHUNK = 1 << 24;
  try {
    return await writeSafetensorsStreamed(dest, tensors, async function* (t) {
      for (let done = 0; done < t.byteLength; done += CHUNK) {
        const want = Math.min(CHUNK, t.byteLength - done);
        const piece = await readAt(input, t.offset + done, want);
        if (piece.length < want) throw new T2vError(`${src}: tensor ${t.name} ends past the end of the file; re-download the checkpoint`);
        yield piece;
      }
    });
  } finally {
    await input.close();
  }
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

export const describeConverted = (c: Converted): string => (c.skipped ? `${c.from}: ${basename(c.to)} already there, left as is` : `${c.from} -> ${basename(c.to)} (${c.tensors} tensors)`);
