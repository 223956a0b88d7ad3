// Typed helpers for the ONNX operators the network builders use (opset 18, plus com.microsoft where noted).
import { floatTensorProto, type GraphBuilder } from './graph.js';

export class Ops {
  constructor(readonly g: GraphBuilder) {}

  add(a: string, b: string): string {
    return this.g.node('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.g.node('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.g.node('Mul', [a, b]);
  }
  div(a: string, b: string): string {
    return this.g.node('Div', [a, b]);
  }
  matmul(a: string, b: string): string {
    return this.g.node('MatMul', [a, b]);
  }
  sigmoid(x: string): string {
    return this.g.node('Sigmoid', [x]);
  }
  /** x * sigmoid(x), torch's SiLU. */
  silu(x: string): string {
    return this.mul(x, this.sigmoid(x));
  }
  softmax(x: string, axis = -1): string {
    return this.g.node('Softmax', [x], { axis });
  }
  erf(x: string): string {
    return this.g.node('Erf', [x]);
  }
  /** Exact (erf) GELU as torch's default `F.gelu`: com.microsoft Gelu, one pass. */
  gelu(x: string): string {
    return this.g.node('Gelu', [x], {}, 'com.microsoft');
  }
  /** x * sigmoid(1.702 x), CLIP's `quick_gelu`. */
  quickGelu(x: string): string {
    return this.mul(x, this.sigmoid(this.mul(x, this.g.scalarF(1.702))));
  }
  reshape(x: string, shape: string | readonly number[]): string {
    return this.g.node('Reshape', [x, typeof shape === 'string' ? shape : this.g.constI(shape)]);
  }
  transpose(x: string, perm: readonly number[]): string {
    return this.g.node('Transpose', [x], { perm });
  }
  /** Shape(x)[start:end] as a 1-D int64 tensor. */
  shape(x: string, start?: number, end?: number): string {
    const attrs: Record<string, number> = {};
    if (start !== undefined) attrs.start = start;
    if (end !== undefined) attrs.end = end;
    return this.g.node('Shape', [x], attrs);
  }
  concat(xs: readonly string[], axis: number): string {
    return this.g.node('Concat', xs, { axis });
  }
  unsqueeze(x: string, axes: readonly number[]): string {
    return this.g.node('Unsqueeze', [x, this.g.constI(axes)]);
  }
  squeeze(x: string, axes: readonly number[]): string {
    return this.g.node('Squeeze', [x, this.g.constI(axes)]);
  }
  expand(x: string, shape: string): string {
    return this.g.node('Expand', [x, shape]);
  }
  cast(x: string, to: 'float32' | 'int64'): string {
    return this.g.node('Cast', [x], { to: to === 'float32' ? 1 : 7 });
  }
  /** Splits `x` along `axis` into pieces of the given sizes. */
  split(x: string, axis: number, sizes: readonly number[]): string[] {
    return this.g.nodeN('Split', [x, this.g.constI(sizes)], sizes.length, { axis });
  }
  slice(x: string, starts: readonly number[], ends: readonly number[], axes: readonly number[]): string {
    return this.g.node('Slice', [x, this.g.constI(starts), this.g.constI(ends), this.g.constI(axes)]);
  }
  reduceMean(x: string, axes: readonly number[], keepdims = true): string {
    return this.g.node('ReduceMean', [x, this.g.constI(axes)], { keepdims: keepdims ? 1 : 0 });
  }
  reduceMax(x: string, axes: readonly number[], keepdims = true): string {
    return this.g.node('ReduceMax', [x, this.g.constI(axes)], { keepdims: keepdims ? 1 : 0 });
  }
  reduceMin(x: string, axes: readonly number[], keepdims = true): string {
    return this.g.node('ReduceMin', [x, this.g.constI(axes)], { keepdims: keepdims ? 1 : 0 });
  }
  where(cond: string, a: string, b: string): string {
    return this.g.node('Where', [cond, a, b]);
  }
  greater(a: string, b: string): string {
    return this.g.node('Greater', [a, b]);
  }
  /** A tensor of the given runtime shape filled with `value`. */
  constantOfShape(shape: string, value: number): string {
    return this.g.node('ConstantOfShape', [shape], { value: { tensor: floatTensorProto(value) } });
  }
  conv(x: string, w: string, b: string | undefined, attrs: { pads: readonly number[]; strides?: readonly number[]; kernel: readonly number[] }): string {
    const a: Record<string, readonly number[]> = { pads: attrs.pads, kernel_shape: attrs.kernel };
    if (attrs.strides) a.strides = attrs.strides;
    return this.g.node('Conv', b ? [x, w, b] : [x, w], a);
  }
  /** Nearest resize to the runtime `sizes`, torch's `F.interpolate(mode='nearest')` indexing (floor(dst * in / out)). */
  resizeNearest(x: string, sizes: string): string {
    return this.g.node('Resize', [x, '', '', sizes], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
  }
  layerNorm(x: string, scale: string, bias: string, eps: number): string {
    return this.g.node('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: { float: eps } });
  }
  instanceNorm(x: string, scale: string, bias: string, eps: number): string {
    return this.g.node('InstanceNormalization', [x, scale, bias], { epsilon: { float: eps } });
  }
  gather(x: string, indices: string, axis = 0): string {
    return this.g.node('Gather', [x, indices], { axis });
  }
}
