// A PyTorch `.bin` state dict (torch.save zip format, or the legacy pre-1.6 format) -> where each tensor's bytes are, without running its pickle.
import { readSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { T2vError } from '../../core/errors.js';
import { BufferSource, PyGlobal, PyTuple, STORAGE_DTYPES, isTensorRef, unpickle, type ByteSource } from './pickle.js';
import { readAt, readZipEntries } from './zip.js';

export type CheckpointDtype = 'F32' | 'F16' | 'BF16' | 'I64';
const ELEMENT: Readonly<Record<CheckpointDtype, number>> = { F32: 4, F16: 2, BF16: 2, I64: 8 };

export interface CheckpointTensor {
  readonly name: string;
  readonly dtype: CheckpointDtype;
  readonly shape: number[];
  /** Absolute offset of the tensor's bytes in the file, and their length (tensors are contiguous). */
  readonly offset: number;
  readonly byteLength: number;
}

interface Storage {
  readonly key: string;
  readonly dtype: CheckpointDtype;
  readonly numel: number;
}

/** torch's persistent id for a storage: ('storage', storage_type, key, location, numel[, view_metadata]). */
function storageFrom(pid: unknown, what: string, seen: Map<string, Storage>): Storage {
  const items = pid instanceof PyTuple ? pid.items : [];
  const [tag, type, key, , numel, view] = items;
  if (tag !== 'storage' || !(type instanceof PyGlobal) || typeof key !== 'string') throw new T2vError(`${what}: a persistent id that is not a torch storage; not a PyTorch state dict`);
  if (view !== undefined && view !== null) throw new T2vError(`${what}: storage views (torch < 0.4 checkpoints) are not read; re-save the checkpoint with a recent torch`);
  const dtype = STORAGE_DTYPES[type.name];
  if (!dtype || !(dtype in ELEMENT)) throw new T2vError(`${what}: ${type.name} tensors are not read (float32, float16, bfloat16, int64 are); convert them with torch`);
  const s = seen.get(key) ?? { key, dtype: dtype as CheckpointDtype, numel: Number(numel) };
  seen.set(key, s);
  return s;
}

function tensorsOf(root: unknown, what: string, dataOffset: (s: Storage) => number): CheckpointTensor[] {
  if (!(root instanceof Map)) throw new T2vError(`${what}: the checkpoint is not a state dict (a dict of tensors); t2v reads only those`);
  const out: CheckpointTensor[] = [];
  for (const [name, ref] of root) {
    if (typeof name !== 'string' || !isTensorRef(ref)) throw new T2vError(`${what}: entry ${String(name)} is not a tensor; t2v reads only state dicts of tensors`);
    const s = ref.storage as Storage;
    const numel = ref.shape.reduce((a, b) => a * b, 1);
    let expect = 1;
    for (let d = ref.shape.length - 1; d >= 0; d--) {
      if (ref.shape[d] !== 1 && ref.stride[d] !== expect) throw new T2vError(`${what}: tensor ${name} is not contiguous; re-save it with .contiguous() or use safetensors`);
      expect *= ref.shape[d]!;
    }
    if (ref.offset + numel > s.numel) throw new T2vError(`${what}: tensor ${name} runs past its storage; the checkpoint is corrupt`);
    const es = ELEMENT[s.dtype];
    out.push({ name, dtype: s.dtype, shape: ref.shape, offset: dataOffset(s) + ref.offset * es, byteLength: numel * es });
  }
  return out;
}

/** Sequential reads of a file through a small buffer, for the legacy format's back-to-back pickles. */
class FileSource implements ByteSource {
  private buf = Buffer.alloc(0);
  private at = 0;
  constructor(
    private readonly fd: number,
    public pos: number,
    private readonly what: string,
  ) {}
  private fill(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const chunk = Buffer.alloc(Math.max(n, 1 << 16));
    const got = readSync(this.fd, chunk, 0, chunk.length, this.pos);
    if (got < n) throw new T2vError(`${this.what}: the checkpoint ends early; re-download it`);
    this.buf = chunk.subarray(0, got);
    this.at = 0;
  }
  byte(): number {
    return this.bytes(1)[0]!;
  }
  bytes(n: number): Buffer {
    this.fill(n);
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    this.pos += n;
    return out;
  }
}

/** Reads the tensor table of a `.bin` checkpoint; refuses anything but a plain state dict, in one line. */
export async function readCheckpoint(path: string): Promise<CheckpointTensor[]> {
  const size = (await stat(path)).size;
  const fh = await open(path, 'r');
  try {
    const head = await readAt(fh, 0, 4);
    const seen = new Map<string, Storage>();
    const load = (pid: unknown): unknown => storageFrom(pid, path, seen);
    if (head.readUInt32LE(0) === 0x04034b50) {
      const entries = new Map((await readZipEntries(fh, size, path)).map((e) => [e.name, e]));
      const pkl = [...entries.keys()].find((n) => n.endsWith('/data.pkl') || n === 'data.pkl');
      if (!pkl) throw new T2vError(`${path}: a zip without data.pkl is not a PyTorch checkpoint`);
      const prefix = pkl.slice(0, -'data.pkl'.length);
      const order = entries.get(`${prefix}byteorder`);
      if (order && (await readAt(fh, order.offset, order.size)).toString() !== 'little') throw new T2vError(`${path}: big-endian checkpoints are not read`);
      const e = entries.get(pkl)!;
      const root = unpickle(new BufferSource(await readAt(fh, e.offset, e.size), path), path, load);
      return tensorsOf(root, path, (s) => {
        const d = entries.get(`${prefix}data/${s.key}`);
        if (!d) throw new T2vError(`${path}: storage ${s.key} is missing from the archive; re-download the checkpoint`);
        return d.offset;
      });
    }
    if (head[0] !== 0x80) throw new T2vError(`${path} is neither a torch.save zip nor a legacy PyTorch pickle`);
    // legacy layout (torch/serialization.py _legacy_load): magic, protocol, sys_info, the object, storage keys, raw storages
    const src = new FileSource(fh.fd, 0, path);
    const magic = unpickle(src, path, load);
    if (magic !== 0x1950a86a20f9469cfc6cn) throw new T2vError(`${path}: not a PyTorch checkpoint (bad magic number)`);
    unpickle(src, path, load);
    const info = unpickle(src, path, load);
    if (info instanceof Map && info.get('little_endian') === false) throw new T2vError(`${path}: big-endian checkpoints are not read`);
    const root = unpickle(src, path, load);
    const keys = unpickle(src, path, load);
    if (!Array.isArray(keys)) throw new T2vError(`${path}: the storage key list is missing; the checkpoint is corrupt`);
    const offsets = new Map<string, number>();
    let pos = src.pos;
    for (const key of keys) {
      const s = seen.get(String(key));
      if (!s) throw new T2vError(`${path}: storage ${String(key)} is listed but never used; the checkpoint is corrupt`);
      const numel = Number((await readAt(fh, pos, 8)).readBigInt64LE(0));
      offsets.set(s.key, pos + 8);
      pos += 8 + numel * ELEMENT[s.dtype];
    }
    if (pos > size) throw new T2vError(`${path}: the checkpoint ends early; re-download it`);
    return tensorsOf(root, path, (s) => offsets.get(s.key) ?? -1);
  } finally {
    await fh.close();
  }
}
