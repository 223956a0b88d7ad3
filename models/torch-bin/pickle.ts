// A restricted pickle reader for PyTorch checkpoints: a fixed allow-list of globals rebuilds tensors and ordered dicts; nothing is ever executed.
import { T2vError } from '../../core/errors.js';

/** Where the reader takes its bytes from (a buffer, or a file read piece by piece). */
export interface ByteSource {
  byte(): number;
  bytes(n: number): Buffer;
}

export class BufferSource implements ByteSource {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}
  byte(): number {
    if (this.pos >= this.buf.length) throw new T2vError(`${this.what}: the pickle ends early; the checkpoint is truncated`);
    return this.buf[this.pos++]!;
  }
  bytes(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new T2vError(`${this.what}: the pickle ends early; the checkpoint is truncated`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** A global the pickle named; only the ones in ALLOWED can appear, and only REDUCE_FNS can be called. */
export class PyGlobal {
  constructor(readonly name: string) {}
}
export class PyTuple {
  constructor(readonly items: unknown[]) {}
}
/** `torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, ...)`: a view of a storage. */
export interface TensorRef {
  readonly storage: unknown;
  readonly offset: number;
  readonly shape: number[];
  readonly stride: number[];
}
export const isTensorRef = (v: unknown): v is TensorRef => typeof v === 'object' && v !== null && 'storage' in v && 'stride' in v;

/** Storage classes appear inside persistent ids; they are types, never called. */
export const STORAGE_DTYPES: Readonly<Record<string, string>> = {
  'torch.FloatStorage': 'F32',
  'torch.HalfStorage': 'F16',
  'torch.BFloat16Storage': 'BF16',
  'torch.LongStorage': 'I64',
  'torch.DoubleStorage': 'F64',
  'torch.IntStorage': 'I32',
  'torch.ShortStorage': 'I16',
  'torch.CharStorage': 'I8',
  'torch.ByteStorage': 'U8',
  'torch.BoolStorage': 'BOOL',
};
const REDUCE_FNS: Readonly<Record<string, (args: unknown[]) => unknown>> = {
  'collections.OrderedDict': (args) => new Map((args[0] as Array<[unknown, unknown]> | undefined) ?? []),
  'torch._utils._rebuild_tensor_v2': (a) => tensorRef(a),
  'torch._utils._rebuild_tensor': (a) => tensorRef(a),
  'torch._utils._rebuild_parameter': (a) => a[0],
};
/** The allow-list: what a state dict of tensors needs, nothing else. */
export const ALLOWED = new Set([...Object.keys(REDUCE_FNS), ...Object.keys(STORAGE_DTYPES)]);

function tensorRef(a: unknown[]): TensorRef {
  const [storage, offset, size, stride] = a;
  const ints = (v: unknown): number[] => (v instanceof PyTuple ? v.items : []).map(Number);
  return { storage, offset: Number(offset), shape: ints(size), stride: ints(stride) };
}

const text = (b: Buffer): string => b.toString('utf8');
function signedLE(b: Buffer): bigint {
  if (b.length === 0) return 0n;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return b[b.length - 1]! & 0x80 ? v - (1n << BigInt(8 * b.length)) : v;
}
const num = (v: bigint): number | bigint => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);

/**
 * Runs one pickle (up to STOP) with Python's pickle opcodes for protocols 0-5 that data pickles use.
 * `persistentLoad` turns a persistent id (torch's storage reference) into a value.
 */
export function unpickle(src: ByteSource, what: string, persistentLoad: (pid: unknown) => unknown): unknown {
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const pop = (): unknown => {
    if (stack.length === 0) throw new T2vError(`${what}: malformed pickle (stack underflow)`);
    return stack.pop();
  };
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) throw new T2vError(`${what}: malformed pickle (no mark)`);
    return stack.splice(m);
  };
  const line = (): string => {
    const out: number[] = [];
    for (let c = src.byte(); c !== 0x0a; c = src.byte()) out.push(c);
    return Buffer.from(out).toString('latin1');
  };
  const global = (module: string, name: string): PyGlobal => {
    const full = `${module}.${name}`;
    if (!ALLOWED.has(full)) {
      throw new T2vError(`${what}: the pickle names ${full}, which is not on t2v's allow-list (tensors and ordered dicts only); nothing was run. Use the model's .safetensors files`);
    }
    return new PyGlobal(full);
  };
  const setItems = (target: unknown, items: unknown[]): void => {
    if (!(target instanceof Map)) throw new T2vError(`${what}: the pickle sets items on a non-dict`);
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  };
  for (;;) {
    const op = src.byte();
    switch (op) {
      case 0x80:
        src.byte();
        break; // PROTO
      case 0x95:
        src.bytes(8);
        break; // FRAME
      case 0x2e:
        return pop(); // STOP
      case 0x28:
        marks.push(stack.length);
        break; // MARK
      case 0x7d:
        stack.push(new Map());
        break; // EMPTY_DICT
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x29:
        stack.push(new PyTuple([]));
        break; // EMPTY_TUPLE
      case 0x74:
        stack.push(new PyTuple(popMark()));
        break; // TUPLE
      case 0x85:
        stack.push(new PyTuple([pop()]));
        break; // TUPLE1
      case 0x86: {
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c]));
        break;
      } // TUPLE3
      case 0x6c:
        stack.push(popMark());
        break; // LIST
      case 0x64: {
        const m = new Map();
        setItems(m, popMark());
        stack.push(m);
        break;
      } // DICT
      case 0x71:
        memo.set(src.byte(), stack.at(-1));
        break; // BINPUT
      case 0x72:
        memo.set(src.bytes(4).readUInt32LE(0), stack.at(-1));
        break; // LONG_BINPUT
      case 0x94:
        memo.set(memo.size, stack.at(-1));
        break; // MEMOIZE
      case 0x70:
        memo.set(Number(line()), stack.at(-1));
        break; // PUT
      case 0x68:
        stack.push(memo.get(src.byte()));
        break; // BINGET
      case 0x6a:
        stack.push(memo.get(src.bytes(4).readUInt32LE(0)));
        break; // LONG_BINGET
      case 0x67:
        stack.push(memo.get(Number(line())));
        break; // GET
      case 0x58:
        stack.push(text(src.bytes(src.bytes(4).readUInt32LE(0))));
        break; // BINUNICODE
      case 0x8c:
        stack.push(text(src.bytes(src.byte())));
        break; // SHORT_BINUNICODE
      case 0x8d:
        stack.push(text(src.bytes(Number(src.bytes(8).readBigUInt64LE(0)))));
        break; // BINUNICODE8
      case 0x55:
        stack.push(src.bytes(src.byte()).toString('latin1'));
        break; // SHORT_BINSTRING
      case 0x54:
        stack.push(src.bytes(src.bytes(4).readUInt32LE(0)).toString('latin1'));
        break; // BINSTRING
      case 0x43:
        stack.push(Buffer.from(src.bytes(src.byte())));
        break; // SHORT_BINBYTES
      case 0x42:
        stack.push(Buffer.from(src.bytes(src.bytes(4).readUInt32LE(0))));
        break; // BINBYTES
      case 0x4b:
        stack.push(src.byte());
        break; // BININT1
      case 0x4d:
        stack.push(src.bytes(2).readUInt16LE(0));
        break; // BININT2
      case 0x4a:
        stack.push(src.bytes(4).readInt32LE(0));
        break; // BININT
      case 0x8a:
        stack.push(num(signedLE(src.bytes(src.byte()))));
        break; // LONG1
      case 0x8b:
        stack.push(num(signedLE(src.bytes(src.bytes(4).readInt32LE(0)))));
        break; // LONG4
      case 0x47:
        stack.push(src.bytes(8).readDoubleBE(0));
        break; // BINFLOAT
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x63: {
        const module = line();
        stack.push(global(module, line()));
        break;
      } // GLOBAL
      case 0x93: {
        const name = pop();
        stack.push(global(String(pop()), String(name)));
        break;
      } // STACK_GLOBAL
      case 0x51:
        stack.push(persistentLoad(pop()));
        break; // BINPERSID
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop();
        const impl = fn instanceof PyGlobal ? REDUCE_FNS[fn.name] : undefined;
        if (!impl || !(args instanceof PyTuple))
          throw new T2vError(`${what}: the pickle calls ${fn instanceof PyGlobal ? fn.name : 'a non-global'}, which t2v does not run; use the model's .safetensors files`);
        stack.push(impl(args.items));
        break;
      }
      case 0x62:
        pop();
        break; // BUILD: an ordered dict's `_metadata` state, not needed for tensors
      case 0x73: {
        const v = pop();
        const k = pop();
        setItems(stack.at(-1), [k, v]);
        break;
      } // SETITEM
      case 0x75: {
        const items = popMark();
        setItems(stack.at(-1), items);
        break;
      } // SETITEMS
      case 0x61: {
        const v = pop();
        (stack.at(-1) as unknown[]).push(v);
        break;
      } // APPEND
      case 0x65: {
        const items = popMark();
        (stack.at(-1) as unknown[]).push(...items);
        break;
      } // APPENDS
      case 0x30:
        pop();
        break; // POP
      case 0x31:
        popMark();
        break; // POP_MARK
      case 0x32:
        stack.push(stack.at(-1));
        break; // DUP
      default:
        throw new T2vError(`${what}: pickle opcode 0x${op.toString(16)} is not one t2v reads (it may build arbitrary objects); nothing was run. Use the model's .safetensors files`);
    }
  }
}
