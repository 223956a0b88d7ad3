// A small typed layer over the ONNX protobuf: inputs, outputs, nodes, and initializers streamed to an external-data file.
import { create, toBinary } from '@bufbuild/protobuf';
import { closeSync, openSync, writeSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  TensorProto_DataLocation,
  TensorProto_DataType,
  TensorProtoSchema,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';
import { toHalves } from '../half.js';
import { attribute, DTYPE, valueInfo } from './proto.js';
import { outputTypes } from './value-types.js';

export { floatTensorProto } from './proto.js';

export type ElemType = 'float32' | 'float16' | 'int64' | 'bool';
/** The float type a graph's weights and activations are stored in. */
export type FloatType = 'float32' | 'float16';
/** A fixed size or a symbolic name (`batch`, `frames`, ...). */
export type Dim = number | string;
export type AttrValue = number | string | readonly number[] | { readonly float: number } | { readonly floats: readonly number[] } | { readonly tensor: TensorProto };

/** Tensors at least this large go to the external-data file, at offsets aligned to this many bytes (mmap-able). */
export const EXTERNAL_MIN_BYTES = 4096;
export const EXTERNAL_ALIGN = 4096;

export interface GraphOptions {
  readonly name: string;
  /** Absolute path of the external-data file; its base name is what the model records. Without it everything is inline. */
  readonly dataPath?: string;
  readonly opset?: number;
  /** The type of weights, float constants and activations (default float32); see `float32`. */
  readonly precision?: FloatType;
}

/** A weight tensor: float32 values, or fp16 bits (a Uint16Array) for fp16 graphs. */
export type WeightData = Float32Array | Uint16Array;

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
  private readonly types = new Map<string, ElemType>();
  readonly opset: number;
  /** The graph's float type; `floatType` is what new float constants get (float32 inside `float32(...)`). */
  readonly precision: FloatType;
  private zone: FloatType;
  /** Bytes of weights written so far. */
  weightBytes = 0;
  parameterCount = 0;

  constructor(readonly options: GraphOptions) {
    this.opset = options.opset ?? 18;
    this.precision = options.precision ?? 'float32';
    this.zone = this.precision;
    this.fd = options.dataPath ? openSync(options.dataPath, 'w') : undefined;
  }

  /** The float type new constants get here: the graph's, or float32 inside `float32(...)`. */
  get floatType(): FloatType {
    return this.zone;
  }

  /** Runs `build` (synchronous graph building) with float constants in float32: the zones an fp16 graph keeps in fp32. */
  float32<T>(build: () => T): T {
    const outer = this.zone;
    this.zone = 'float32';
    try {
      return build();
    } finally {
      this.zone = outer;
    }
  }

  /** The element type of a value, where the builder knows it. */
  typeOf(value: string): ElemType | undefined {
    return this.types.get(value);
  }

  /** Casts a float value to `to` (no node when it already is). */
  castTo(value: string, to: FloatType): string {
    if (this.types.get(value) === to) return value;
    return this.node('Cast', [value], { to: DTYPE[to] });
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
    this.types.set(name, type);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Marks `value` as graph output `name` (an Identity node renames it); `dims` null leaves its rank open. */
  output(value: string, name: string, type: ElemType, dims: readonly Dim[] | null): void {
    const t = this.types.get(value);
    if (t !== undefined && t !== type) throw new Error(`graph builder: output ${name} is declared ${type} but its value is ${t}`);
    this.nodes.push(create(NodeProtoSchema, { opType: 'Identity', input: [value], output: [name], name: this.fresh(`out_${name}`) }));
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** Adds one node; returns its output names. */
  nodeN(op: string, inputs: readonly string[], outputs: number, attrs: Readonly<Record<string, AttrValue>> = {}, domain = ''): string[] {
    const base = this.fresh(op);
    const outs = Array.from({ length: outputs }, (_, i) => (outputs === 1 ? base : `${base}_o${i}`));
    const types = outputTypes(
      op,
      base,
      inputs.map((i) => this.types.get(i)),
      attrs,
      outputs,
    );
    outs.forEach((o, i) => {
      const t = types[i];
      if (t) this.types.set(o, t);
    });
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
  initializer(hint: string, data: WeightData, dims: readonly number[]): string {
    const name = this.fresh(hint);
    const type: FloatType = data instanceof Uint16Array ? 'float16' : 'float32';
    const dataType = DTYPE[type];
    this.types.set(name, type);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.parameterCount += data.length;
    this.weightBytes += data.byteLength;
    if (this.fd !== undefined && bytes.length >= EXTERNAL_MIN_BYTES) {
      const pad = (EXTERNAL_ALIGN - (this.offset % EXTERNAL_ALIGN)) % EXTERNAL_ALIGN;
      if (pad) {
        writeSync(this.fd, new Uint8Array(pad));
        this.offset += pad;
      }
      let written = 0;
      while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
      const location = basename(this.options.dataPath!);
      this.initializers.push(
        create(TensorProtoSchema, {
          name,
          dims: dims.map(BigInt),
          dataType,
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
    this.initializers.push(create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType, rawData: bytes.slice() }));
    return name;
  }

  /** A small float constant in `floatType` (inline, shared between identical uses). */
  constF(values: readonly number[] | Float32Array, dims: readonly number[] = [values.length]): string {
    const type = this.zone;
    const key = `${type}${dims.join('x')}:${Array.from(values).join(',')}`;
    if (values.length <= 16) {
      const hit = this.constCache.get(key);
      if (hit) return hit;
    }
    const name = this.fresh('const_f');
    const data = type === 'float16' ? toHalves(Float32Array.from(values)) : Float32Array.from(values);
    this.types.set(name, type);
    this.initializers.push(create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: DTYPE[type], rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice() }));
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
    this.types.set(name, 'int64');
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
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(this.opset) }), create(OperatorSetIdProtoSchema, { domain: 'com.microsoft', version: 1n })],
    });
    return toBinary(ModelProtoSchema, model);
  }

  /** Closes the data file without writing a model (on failure). */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
    }
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Each node's operator, inputs and outputs, in order (for structure tests). */
  nodeList(): readonly { readonly op: string; readonly inputs: readonly string[]; readonly outputs: readonly string[] }[] {
    return this.nodes.map((n) => ({ op: n.opType, inputs: n.input, outputs: n.output }));
  }
}
