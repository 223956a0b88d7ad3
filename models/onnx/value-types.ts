// The element type of each node output, from its inputs' types (the few rules our operators need), and the
// same-type check ONNX would make at load time, made at build time so a mixed fp16/fp32 graph fails where it is built.
import type { AttrValue, ElemType } from './graph.js';

const BY_ONNX: Readonly<Record<number, ElemType>> = { 1: 'float32', 10: 'float16', 7: 'int64', 9: 'bool' };

/** Inputs (by index) that must share one element type, per operator; absent operators are not checked. */
const SAME_TYPE: Readonly<Record<string, readonly number[]>> = {
  Add: [0, 1],
  Sub: [0, 1],
  Mul: [0, 1],
  Div: [0, 1],
  MatMul: [0, 1],
  Gemm: [0, 1, 2],
  Conv: [0, 1, 2],
  Where: [1, 2],
  LayerNormalization: [0, 1, 2],
  InstanceNormalization: [0, 1, 2],
  MultiHeadAttention: [0, 1, 2],
};

/** Output element types of one node; throws (a builder bug, not a user error) when its inputs disagree. */
export function outputTypes(op: string, name: string, inputs: readonly (ElemType | undefined)[], attrs: Readonly<Record<string, AttrValue>>, count: number): (ElemType | undefined)[] {
  const same = SAME_TYPE[op] ?? (op === 'Concat' ? inputs.map((_, i) => i) : []);
  const seen = same.map((i) => inputs[i]).filter((t): t is ElemType => t !== undefined);
  if (seen.some((t) => t !== seen[0])) throw new Error(`graph builder: ${op} node ${name} mixes ${[...new Set(seen)].join(' and ')} inputs`);
  let out: ElemType | undefined;
  if (op === 'Shape') out = 'int64';
  else if (op === 'Greater' || op === 'Less' || op === 'Equal') out = 'bool';
  else if (op === 'Cast') out = BY_ONNX[attrs.to as number];
  else if (op === 'ConstantOfShape') out = 'float32';
  else if (op === 'Where') out = inputs[1];
  else out = inputs[0];
  return Array.from({ length: count }, () => out);
}
