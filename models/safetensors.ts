// Streaming safetensors reader and writer: header first, then each tensor by a positioned read, never the whole file.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { writeSafetensorsStreamed } from './safetensors-stream.js';
import { T2vError } from '../core/errors.js';
import { floatToBfloat16, floatToHalf, halfTable, halvesChecked } from './half.js';

export { floatToBfloat16, floatToHalf, halfToFloat } from './half.js';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'I64';

export interface TensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Absolute byte offsets in the file. */
  readonly begin: number;
  readonly end: number;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2, I64: 8 };
const MAX_HEADER = 100 * 1024 * 1024;

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** An open safetensors file: the parsed header and positioned reads of single tensors. */
export class SafetensorsFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly tensors: ReadonlyMap<string, TensorInfo>,
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  static async open(path: string): Promise<SafetensorsFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch {
      throw new T2vError(`${path} is missing or unreadable; check the model folder`);
    }
    try {
      const { size } = await handle.stat();
      const fail = (why: string): never => {
        throw new T2vError(`${path} is not a valid safetensors file: ${why}; re-download or re-save it`);
      };
      if (size < 8) fail(`only ${size} bytes`);
      const lenBuf = Buffer.alloc(8);
      await handle.read(lenBuf, 0, 8, 0);
      const headerLen = lenBuf.readBigUInt64LE(0);
      if (headerLen > BigInt(MAX_HEADER)) fail(`header length ${headerLen} is over the ${MAX_HEADER}-byte limit of the safetensors format`);
      if (8n + headerLen > BigInt(size)) fail(`header length ${headerLen} exceeds the file size ${size}`);
      const headerBuf = Buffer.alloc(Number(headerLen));
      await handle.read(headerBuf, 0, headerBuf.length, 8);
      let header: unknown;
      try {
        header = JSON.parse(headerBuf.toString('utf8'));
      } catch {
        return fail('its header is not JSON');
      }
      const { tensors, metadata } = parseHeader(header, 8 + headerBuf.length, size, fail);
      return new SafetensorsFile(path, handle, tensors, metadata);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): TensorInfo {
    const t = this.tensors.get(name);
    if (!t) throw new T2vError(`tensor ${name} is missing from ${this.path}; the weights do not match the model config`);
    return t;
  }

  /** Raw bytes of one tensor, as stored. */
  async readRaw(name: string): Promise<Buffer> {
    const t = this.info(name);
    const buf = Buffer.alloc(t.end - t.begin);
    const { bytesRead } = await this.handle.read(buf, 0, buf.length, t.begin);
    if (bytesRead !== buf.length) throw new T2vError(`${this.path} is truncated inside tensor ${name}; re-download it`);
    return buf;
  }

  /** One floating-point tensor as float32 (F16 and BF16 are widened). */
  async readFloat32(name: string): Promise<Float32Array> {
    const t = this.info(name);
    const raw = await this.readRaw(name);
    return toFloat32(raw, t.dtype, `${name} in ${this.path}`);
  }

  /** One floating-point tensor as fp16 bits for an fp16 graph: F16 bytes as stored, F32 and BF16 rounded (see toHalf). */
  async readHalf(name: string): Promise<Uint16Array> {
    const t = this.info(name);
    return toHalf(await this.readRaw(name), t.dtype, `${name} in ${this.path}`);
  }

  /** One I64 tensor as BigInt64Array. */
  async readInt64(name: string): Promise<BigInt64Array> {
    const t = this.info(name);
    if (t.dtype !== 'I64') throw new T2vError(`tensor ${name} in ${this.path} is ${t.dtype}, expected I64`);
    const raw = await this.readRaw(name);
    return new BigInt64Array(raw.buffer, raw.byteOffset, raw.length / 8);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks the header as the safetensors library's Metadata::validate does: each entry an object with a known dtype,
 * a shape of whole numbers and data_offsets [begin, end]; the tensors, taken by offset, tile the data area exactly
 * (no overlap, no gap, nothing past the end), so no two tensors can share bytes.
 */
function parseHeader(header: unknown, dataStart: number, size: number, fail: (why: string) => never): { tensors: Map<string, TensorInfo>; metadata: Record<string, string> } {
  if (!isRecord(header)) fail('its header is not a JSON object');
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (raw !== null && (!isRecord(raw) || Object.values(raw).some((v) => typeof v !== 'string'))) fail('__metadata__ is not an object of strings');
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    if (!isRecord(raw)) fail(`tensor ${name} is ${raw === null ? 'null' : typeof raw}, not an object with dtype, shape and data_offsets`);
    const dtype = raw.dtype as SafetensorsDtype;
    if (typeof raw.dtype !== 'string' || !(dtype in BYTES)) fail(`tensor ${name} has unsupported dtype ${String(raw.dtype)} (F32, F16, BF16, I64 are read)`);
    const shape = raw.shape;
    if (!Array.isArray(shape) || !shape.every((d): d is number => Number.isSafeInteger(d) && (d as number) >= 0))
      fail(`tensor ${name} has shape ${JSON.stringify(shape)}, not a list of whole numbers`);
    const offsets = raw.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o): o is number => Number.isSafeInteger(o) && (o as number) >= 0))
      fail(`tensor ${name} has data_offsets ${JSON.stringify(offsets)}, not two whole numbers`);
    const [b, e] = offsets as [number, number];
    const need = elementCount(shape) * BYTES[dtype];
    if (e < b || e - b !== need) fail(`tensor ${name} spans ${e - b} bytes but ${dtype}${JSON.stringify(shape)} needs ${need}`);
    tensors.set(name, { name, dtype, shape, begin: dataStart + b, end: dataStart + e });
  }
  let at = dataStart;
  for (const t of [...tensors.values()].sort((x, y) => x.begin - y.begin || x.end - y.end)) {
    if (t.begin < at) fail(`tensor ${t.name} overlaps the tensor before it (data_offsets ${t.begin - dataStart}, the previous one ends at ${at - dataStart})`);
    if (t.begin > at) fail(`there are ${t.begin - at} unused bytes before tensor ${t.name} (data_offsets ${t.begin - dataStart})`);
    if (t.end > size) fail(`tensor ${t.name} ends at byte ${t.end}, past the end of the file (${size} bytes): the file is truncated`);
    at = t.end;
  }
  if (at !== size) fail(`the tensors end at byte ${at} but the file has ${size}`);
  return { tensors, metadata };
}

/** Converts stored bytes of a float dtype to float32. */
export function toFloat32(raw: Buffer, dtype: SafetensorsDtype, what: string): Float32Array {
  const n = raw.length / BYTES[dtype];
  if (dtype === 'F32') {
    const out = new Float32Array(n);
    new Uint8Array(out.buffer).set(raw);
    return out;
  }
  // a typed-array view and a 64 Ki-entry table: per-element readUInt16LE + halfToFloat made fp16 builds 12x slower than fp32
  const halves = raw.byteOffset % 2 === 0 ? new Uint16Array(raw.buffer, raw.byteOffset, n) : new Uint16Array(Uint8Array.from(raw).buffer);
  if (dtype === 'F16') {
    const table = halfTable();
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = table[halves[i]!]!;
    return out;
  }
  if (dtype === 'BF16') {
    const bits = new Uint32Array(n);
    for (let i = 0; i < n; i++) bits[i] = halves[i]! << 16;
    return new Float32Array(bits.buffer);
  }
  throw new T2vError(`tensor ${what} is ${dtype}, expected a float type`);
}

/**
 * Stored bytes of a float dtype as fp16 bits. F16: the bytes themselves, never widened. F32 and BF16 are rounded to
 * nearest even (BF16 through float32, exactly); a value beyond fp16's range is refused in one line (bf16 reaches 3e38).
 */
export function toHalf(raw: Buffer, dtype: SafetensorsDtype, what: string): Uint16Array {
  if (dtype === 'F16') {
    const out = new Uint16Array(raw.length / 2);
    new Uint8Array(out.buffer).set(raw);
    return out;
  }
  return halvesChecked(toFloat32(raw, dtype, what), what);
}

export interface TensorToWrite {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

function encode(t: TensorToWrite): Buffer {
  if (t.dtype === 'F32' || t.dtype === 'I64') return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const src = t.data as Float32Array;
  const out = Buffer.alloc(src.length * 2);
  for (let i = 0; i < src.length; i++) {
    const bits = t.dtype === 'F16' ? floatToHalf(src[i]!) : floatToBfloat16(src[i]!);
    out.writeUInt16LE(bits, i * 2);
  }
  return out;
}

/** Writes tensors to a safetensors file (atomically: temporary name, then rename). */
export async function writeSafetensors(path: string, tensors: Readonly<Record<string, TensorToWrite>>, metadata?: Readonly<Record<string, string>>): Promise<void> {
  const list = Object.entries(tensors).map(([name, t]) => {
    if (t.data.length !== elementCount(t.shape)) throw new T2vError(`tensor ${name}: ${t.data.length} values do not fill shape ${JSON.stringify(t.shape)}`);
    return { name, dtype: t.dtype, shape: t.shape, byteLength: elementCount(t.shape) * BYTES[t.dtype], tensor: t };
  });
  await writeSafetensorsStreamed(
    path,
    list,
    async function* (t) {
      yield encode(t.tensor);
    },
    metadata ?? null,
  );
}

/** True when a path exists as a file. */
export async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
