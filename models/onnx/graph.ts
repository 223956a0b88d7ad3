// A small typed layer over the ONNX protobuf: inputs, outputs, nodes, and initializers streamed to an external-data file.
import { create, toBinary } from '@bufbuild/protobuf';
import { closeSync, openSync, writeSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  TensorProto_DataLocation,
  TensorProto_DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';

export type ElemType = 'float32' | 'int64' | 'bool';
/** A fixed size or a symbolic name (`batch`, `frames`, ...). */
export type Dim = number | string;
export type AttrValue = number | string | readonly number[] | { readonly float: number } | { readonly floats: readonly number[] } | { readonly tensor: TensorProto };

const DTYPE: Record<ElemType, TensorProto_DataType> = {
  float32: TensorProto_DataType.FLOAT,
  int64: TensorProto_DataType.INT64,
  bool: TensorProto_DataType.BOOL,
};

/** Tensors at least this large go to the external-data file, at offsets aligned to this many bytes (mmap-able). */
export const EXTERNAL_MIN_BYTES = 4096;
export const EXTERNAL_ALIGN = 4096;

export interface GraphOptions {
  readonly name: string;
  /** Absolute path of the external-data file; its base name is what the model records. Without it everything is inline. */
  readonly dataPath?: string;
  readonly opset?: number;
}

/** Builds one ONNX graph; call `save` once at the end. */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly used = new Map<string, number>();
  private readonly fd: number | undefined;
  private offset = 0;
  private readonly constCache = new Map<string, string>();
  readonly opset: number;
  /** Bytes of weights written so far. */
  weightBytes = 0;
  parameterCount = 0;

  constructor(readonly options: GraphOptions) {
    this.opset = options.opset ?? 18;
    this.fd = options.dataPath ? openSync(options.dataPath, 'w') : undefined;
  }

  /** A fresh value name based on `hint`. */
  fresh(hint: string): string {
    const n = this.used.get(hint) ?? 0;
    this.used.set(hint, n + 1);
    return n === 0 ? hint : `${hint}__${n}`;
  }

  /** A graph input; `dims` null leaves its rank open (e.g. a scalar or a 1-D tensor). */
  input(name: string, type: ElemType, dims: readonly Dim[] | null): string {
    this.used.set(name, 1);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Marks `value` as graph output `name` (an Identity node renames it); `dims` null leaves its rank open. */
  output(value: string, name: string, type: ElemType, dims: readonly Dim[] | null): void {
    this.nodes.push(create(NodeProtoSchema, { opType: 'Identity', input: [value], output: [name], name: this.fresh(`out_${name}`) }));
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** Adds one node; returns its output names. */
  nodeN(op: string, inputs: readonly string[], outputs: number, attrs: Readonly<Record<string, AttrValue>> = {}, domain = ''): string[] {
    const base = this.fresh(op);
    const outs = Array.from({ length: outputs }, (_, i) => (outputs === 1 ? base : `${base}_o${i}`));
    this.nodes.push(
      create(NodeProtoSchema, {
        opType: op,
        domain,
        name: base,
        input: [...inputs],
        output: outs,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      }),
    );
    return outs;
  }

  node(op: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}, domain = ''): string {
    return this.nodeN(op, inputs, 1, attrs, domain)[0]!;
  }

  /** A weight tensor: large ones stream to the external-data file at once, small ones stay inline. */
  initializer(hint: string, data: Float32Array, dims: readonly number[]): string {
    const name = this.fresh(hint);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.parameterCount += data.length;
    this.weightBytes += data.byteLength;
    if (this.fd !== undefined && bytes.length >= EXTERNAL_MIN_BYTES) {
      const pad = (EXTERNAL_ALIGN - (this.offset % EXTERNAL_ALIGN)) % EXTERNAL_ALIGN;
      if (pad) { writeSync(this.fd, new Uint8Array(pad)); this.offset += pad; }
      let written = 0;
      while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
      const location = basename(this.options.dataPath!);
      this.initializers.push(
        create(TensorProtoSchema, {
          name,
          dims: dims.map(BigInt),
          dataType: TensorProto_DataType.FLOAT,
          dataLocation: TensorProto_DataLocation.EXTERNAL,
          externalData: [
            create(StringStringEntryProtoSchema, { key: 'location', value: location }),
            create(StringStringEntryProtoSchema, { key: 'offset', value: String(this.offset) }),
            create(StringStringEntryProtoSchema, { key: 'length', value: String(bytes.length) }),
          ],
        }),
      );
      this.offset += bytes.length;
      return name;
    }
    this.initializers.push(create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.FLOAT, rawData: bytes.slice() }));
    return name;
  }

  /** A small float constant (inline, shared between identical uses). */
  constF(values: readonly number[] | Float32Array, dims: readonly number[] = [values.length]): string {
    const key = `f${dims.join('x')}:${Array.from(values).join(',')}`;
    if (values.length <= 16) { const hit = this.constCache.get(key); if (hit) return hit; }
    const name = this.fresh('const_f');
    const data = Float32Array.from(values);
    this.initializers.push(create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.FLOAT, rawData: new Uint8Array(data.buffer) }));
    if (values.length <= 16) this.constCache.set(key, name);
    return name;
  }

  /** A scalar float constant, shape []. */
  scalarF(value: number): string {
    return this.constF([value], []);
  }

  /** A small int64 constant (1-D unless dims says otherwise). */
  constI(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i${dims.join('x')}:${values.join(',')}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.fresh('const_i');
    const data = BigInt64Array.from(values.map(BigInt));
    this.initializers.push(create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.INT64, rawData: new Uint8Array(data.buffer) }));
    this.constCache.set(key, name);
    return name;
  }

  /** Writes the model file and closes the data file. */
  save(onnxPath: string): void {
    writeFileSync(onnxPath, this.serialize());
  }

  /** The model as bytes (closes the data file); for graphs without external data this is the whole model. */
  serialize(): Uint8Array {
    if (this.fd !== undefined) closeSync(this.fd);
    const graph = create(GraphProtoSchema, {
      name: this.options.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    });
    const model = create(ModelProtoSchema, {
      irVersion: 8n,
      producerName: 't2v',
      producerVersion: '1',
      graph,
      opsetImport: [
        create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(this.opset) }),
        create(OperatorSetIdProtoSchema, { domain: 'com.microsoft', version: 1n }),
      ],
    });
    return toBinary(ModelProtoSchema, model);
  }

  /** Closes the data file without writing a model (on failure). */
  abort(): void {
    if (this.fd !== undefined) { try { closeSync(this.fd); } catch { /* already closed */ } }
  }

  get nodeCount(): number {
    return this.nodes.length;
  }
}

function valueInfo(name: string, type: ElemType, dims: readonly Dim[] | null): ValueInfoProto {
  if (dims === null) {
    return create(ValueInfoProtoSchema, { name, type: create(TypeProtoSchema, { value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType: DTYPE[type] }) } }) });
  }
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType: DTYPE[type],
          shape: create(TensorShapeProtoSchema, {
            dim: dims.map((d) =>
              create(TensorShapeProto_DimensionSchema, typeof d === 'number' ? { value: { case: 'dimValue', value: BigInt(d) } } : { value: { case: 'dimParam', value: d } }),
            ),
          }),
        }),
      },
    }),
  });
}

function attribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: use {float} for non-integers`);
    return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(v) });
  }
  if (typeof v === 'string') return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.STRING, s: new TextEncoder().encode(v) });
  if (Array.isArray(v)) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: (v as number[]).map(BigInt) });
  if ('float' in v) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: v.float });
  if ('floats' in v) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOATS, floats: [...v.floats] });
  if (!('tensor' in v)) throw new Error(`attribute ${name}: unsupported value`);
  return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.TENSOR, t: v.tensor });
}

/** A float tensor proto for `ConstantOfShape`'s value attribute. */
export function floatTensorProto(value: number): TensorProto {
  const data = new Float32Array([value]);
  return create(TensorProtoSchema, { dims: [1n], dataType: TensorProto_DataType.FLOAT, rawData: new Uint8Array(data.buffer) });
}
