// ONNX protobuf pieces the graph builder writes: value infos (typed, shaped), node attributes, constant tensors.
import { create } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';
import type { AttrValue, Dim, ElemType } from './graph.js';

export const DTYPE: Record<ElemType, TensorProto_DataType> = {
  float32: TensorProto_DataType.FLOAT,
  float16: TensorProto_DataType.FLOAT16,
  int64: TensorProto_DataType.INT64,
  bool: TensorProto_DataType.BOOL,
};

export function valueInfo(name: string, type: ElemType, dims: readonly Dim[] | null): ValueInfoProto {
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
            dim: dims.map((d) => create(TensorShapeProto_DimensionSchema, typeof d === 'number' ? { value: { case: 'dimValue', value: BigInt(d) } } : { value: { case: 'dimParam', value: d } })),
          }),
        }),
      },
    }),
  });
}

export function attribute(name: string, v: AttrValue): AttributeProto {
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
