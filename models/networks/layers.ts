// Layers shared by the network builders: Linear, Conv2d, GroupNorm, LayerNorm, Attention, FeedForward, ResnetBlock2D.
import type { GraphBuilder, WeightData } from '../onnx/graph.js';
import { Ops } from '../onnx/ops.js';
import type { WeightSource } from './source.js';

export type AttentionImpl = 'mha' | 'matmul';

export interface BuildContext {
  readonly g: GraphBuilder;
  readonly o: Ops;
  readonly w: WeightSource;
  /** `mha`: com.microsoft MultiHeadAttention (memory-lean on CPU); `matmul`: MatMul + Softmax. */
  readonly attention: AttentionImpl;
}

export function makeContext(g: GraphBuilder, w: WeightSource, attention: AttentionImpl = 'mha'): BuildContext {
  return { g, o: new Ops(g), w, attention };
}

/** A weight tensor in the graph's precision: fp16 bits for fp16 graphs (fp16 files' bytes as stored), else float32. */
export function readWeight(ctx: BuildContext, name: string, shape: readonly number[]): Promise<WeightData> {
  return ctx.g.precision === 'float16' ? ctx.w.readHalf(name, shape) : ctx.w.read(name, shape);
}

/** A weight tensor as an initializer named after its parameter, in the graph's precision. */
export async function param(ctx: BuildContext, name: string, shape: readonly number[], storeDims: readonly number[] = shape): Promise<string> {
  return ctx.g.initializer(name, await readWeight(ctx, name, shape), storeDims);
}

/** A norm's scale or shift: float32 whatever the graph's precision, as the norm is computed in float32. */
async function paramF32(ctx: BuildContext, name: string, shape: readonly number[], storeDims: readonly number[] = shape): Promise<string> {
  return ctx.g.initializer(name, await ctx.w.read(name, shape), storeDims);
}

/** x (..., in) @ W^T + b as Gemm(transB=1) on the rows of x, W stored as torch has it ([out, in]). */
export function gemmRows(ctx: BuildContext, x: string, w: string, b: string | undefined, outDim: number, inDim: number): string {
  const { o, g } = ctx;
  const rows = o.reshape(x, [-1, inDim]);
  const y = g.node('Gemm', b ? [rows, w, b] : [rows, w], { transB: 1 });
  return o.reshape(y, o.concat([o.shape(x, 0, -1), g.constI([outDim])], 0));
}

/** torch.nn.Linear: y = x W^T + b. */
export async function linear(ctx: BuildContext, prefix: string, x: string, inDim: number, outDim: number, bias = true): Promise<string> {
  const w = await param(ctx, `${prefix}.weight`, [outDim, inDim]);
  const b = bias ? await param(ctx, `${prefix}.bias`, [outDim]) : undefined;
  return gemmRows(ctx, x, w, b, outDim, inDim);
}

/** torch.nn.Conv2d's kwargs (square kernel; padding defaults to kernel_size // 2). */
export interface Conv2dArgs {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride?: number;
  readonly padding?: number;
}

/** torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding). */
export async function conv2d(ctx: BuildContext, prefix: string, x: string, a: Conv2dArgs): Promise<string> {
  const k = a.kernelSize;
  const pad = a.padding ?? Math.floor(k / 2);
  const stride = a.stride ?? 1;
  const w = await param(ctx, `${prefix}.weight`, [a.outChannels, a.inChannels, k, k]);
  const b = await param(ctx, `${prefix}.bias`, [a.outChannels]);
  return ctx.o.conv(x, w, b, { kernel: [k, k], pads: [pad, pad, pad, pad], ...(stride !== 1 ? { strides: [stride, stride] } : {}) });
}

/** torch.nn.GroupNorm's kwargs, and the rank of the tensor it normalises (4 unless told). */
export interface GroupNormArgs {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly rank?: number;
}

/**
 * torch.nn.GroupNorm(num_groups, num_channels, eps) over axis 1 of a tensor of rank `rank` (statistics over C/G and
 * every later axis), as Reshape(N, G, -1) + InstanceNormalization + per-channel affine.
 */
export async function groupNorm(ctx: BuildContext, prefix: string, x: string, a: GroupNormArgs): Promise<string> {
  const { o, g } = ctx;
  const { numGroups: groups, numChannels: channels, eps } = a;
  const affineDims = [channels, ...Array((a.rank ?? 4) - 2).fill(1)];
  const gamma = await paramF32(ctx, `${prefix}.weight`, [channels], affineDims);
  const beta = await paramF32(ctx, `${prefix}.bias`, [channels], affineDims);
  // statistics and affine in float32 (fp16 graphs cast in and out: a variance over 10^5 values overflows fp16 sums)
  const y = g.float32(() => {
    const xf = g.castTo(x, 'float32');
    const grouped = o.reshape(xf, [0, groups, -1]);
    const normed = o.instanceNorm(grouped, g.constF(new Float32Array(groups).fill(1)), g.constF(new Float32Array(groups)), eps);
    return o.add(o.mul(o.reshape(normed, o.shape(xf)), gamma), beta);
  });
  return g.castTo(y, g.precision);
}

/** torch.nn.LayerNorm over the last axis, computed in float32; the result stays float32 (a graph output). */
export async function layerNormF32(ctx: BuildContext, prefix: string, x: string, dim: number, eps: number): Promise<string> {
  const { g } = ctx;
  const scale = await paramF32(ctx, `${prefix}.weight`, [dim]);
  const bias = await paramF32(ctx, `${prefix}.bias`, [dim]);
  return ctx.o.layerNorm(g.castTo(x, 'float32'), scale, bias, eps);
}

/** torch.nn.LayerNorm, statistics in float32, the result in the graph's precision. */
export async function layerNorm(ctx: BuildContext, prefix: string, x: string, dim: number, eps: number): Promise<string> {
  return ctx.g.castTo(await layerNormF32(ctx, prefix, x, dim, eps), ctx.g.precision);
}

/** The head layout of an attention (diffusers Attention's heads, dim_head) and F.scaled_dot_product_attention's attn_mask. */
export interface SdpaArgs {
  readonly heads: number;
  readonly dimHead: number;
  /** An additive (S, T) mask; it takes the MatMul + Softmax path. */
  readonly attnMask?: string;
}

/** Scaled dot-product attention of q (N, S, H*D) over k, v (N, T, H*D), scale 1/sqrt(D). */
export function sdpa(ctx: BuildContext, q: string, k: string, v: string, a: SdpaArgs): string {
  const { o, g } = ctx;
  const { heads, dimHead, attnMask: mask } = a;
  // fp16 graphs take the MatMul path so the softmax is float32 (MultiHeadAttention's internal precision is the kernel's)
  if (ctx.attention === 'mha' && !mask && g.precision === 'float32') {
    return g.node('MultiHeadAttention', [q, k, v], { num_heads: heads, scale: { float: 1 / Math.sqrt(dimHead) } }, 'com.microsoft');
  }
  const split = (x: string): string => o.transpose(o.reshape(x, [0, 0, heads, dimHead]), [0, 2, 1, 3]);
  const qh = o.mul(split(q), g.scalarF(1 / Math.sqrt(dimHead)));
  const kt = o.transpose(o.reshape(k, [0, 0, heads, dimHead]), [0, 2, 3, 1]);
  const scores = o.matmul(qh, kt);
  // mask and softmax in float32 (the mask holds float32's minimum, beyond fp16's range)
  const probs = g.float32(() => o.softmax(mask ? o.add(g.castTo(scores, 'float32'), mask) : g.castTo(scores, 'float32'), -1));
  const out = o.matmul(g.castTo(probs, g.precision), split(v));
  return o.reshape(o.transpose(out, [0, 2, 1, 3]), [0, 0, heads * dimHead]);
}

export interface AttentionSpec {
  readonly queryDim: number;
  /** Width of the key/value source; equals queryDim for self-attention. */
  readonly kvDim: number;
  readonly heads: number;
  readonly dimHead: number;
  readonly qkvBias: boolean;
}

/** diffusers `Attention` (to_q/to_k/to_v/to_out.0); `kv` null means self-attention (diffusers models/attention_processor.py). */
export async function attention(ctx: BuildContext, prefix: string, x: string, kv: string | null, spec: AttentionSpec): Promise<string> {
  const inner = spec.heads * spec.dimHead;
  const src = kv ?? x;
  const q = await linear(ctx, `${prefix}.to_q`, x, spec.queryDim, inner, spec.qkvBias);
  const k = await linear(ctx, `${prefix}.to_k`, src, spec.kvDim, inner, spec.qkvBias);
  const v = await linear(ctx, `${prefix}.to_v`, src, spec.kvDim, inner, spec.qkvBias);
  const out = sdpa(ctx, q, k, v, { heads: spec.heads, dimHead: spec.dimHead });
  return linear(ctx, `${prefix}.to_out.0`, out, inner, spec.queryDim);
}

/**
 * diffusers `FeedForward` with GEGLU (ff.net.0.proj, ff.net.2), inner = 4 * dim (diffusers models/attention.py). The
 * projection's rows are split at build time into the value and gate halves (two Gemms, no Split of the activations).
 */
export async function feedForwardGeglu(ctx: BuildContext, prefix: string, x: string, dim: number): Promise<string> {
  const { g, o } = ctx;
  const inner = dim * 4;
  const w = await readWeight(ctx, `${prefix}.net.0.proj.weight`, [inner * 2, dim]);
  const b = await readWeight(ctx, `${prefix}.net.0.proj.bias`, [inner * 2]);
  const half = inner * dim;
  const h = gemmRows(
    ctx,
    x,
    g.initializer(`${prefix}.net.0.proj.weight_value`, w.subarray(0, half), [inner, dim]),
    g.initializer(`${prefix}.net.0.proj.bias_value`, b.subarray(0, inner), [inner]),
    inner,
    dim,
  );
  const gate = gemmRows(
    ctx,
    x,
    g.initializer(`${prefix}.net.0.proj.weight_gate`, w.subarray(half), [inner, dim]),
    g.initializer(`${prefix}.net.0.proj.bias_gate`, b.subarray(inner), [inner]),
    inner,
    dim,
  );
  return linear(ctx, `${prefix}.net.2`, o.mul(h, o.gelu(gate)), inner, dim);
}

/** diffusers ResnetBlock2D's kwargs (in_channels, out_channels, temb_channels, groups, eps, output_scale_factor). */
export interface ResnetSpec {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
  readonly eps: number;
  /** Width of the time embedding, or null (VAE). */
  readonly tembChannels: number | null;
  readonly outputScaleFactor?: number;
}

/** diffusers `ResnetBlock2D` (time_embedding_norm "default"); `tembAct` is silu(temb) (diffusers models/resnet.py). */
export async function resnetBlock2D(ctx: BuildContext, prefix: string, x: string, tembAct: string | null, s: ResnetSpec): Promise<string> {
  const { o } = ctx;
  const { inChannels, outChannels, groups, eps } = s;
  let h = o.silu(await groupNorm(ctx, `${prefix}.norm1`, x, { numGroups: groups, numChannels: inChannels, eps }));
  h = await conv2d(ctx, `${prefix}.conv1`, h, { inChannels, outChannels, kernelSize: 3 });
  if (s.tembChannels !== null && tembAct) {
    const t = await linear(ctx, `${prefix}.time_emb_proj`, tembAct, s.tembChannels, outChannels);
    h = o.add(h, o.unsqueeze(t, [2, 3]));
  }
  h = o.silu(await groupNorm(ctx, `${prefix}.norm2`, h, { numGroups: groups, numChannels: outChannels, eps }));
  h = await conv2d(ctx, `${prefix}.conv2`, h, { inChannels: outChannels, outChannels, kernelSize: 3 });
  const shortcut = inChannels !== outChannels ? await conv2d(ctx, `${prefix}.conv_shortcut`, x, { inChannels, outChannels, kernelSize: 1 }) : x;
  const out = o.add(shortcut, h);
  const scale = s.outputScaleFactor;
  return scale !== undefined && scale !== 1 ? o.div(out, ctx.g.scalarF(scale)) : out;
}

/** diffusers `Upsample2D` (nearest to `sizes`, then 3x3 conv) (diffusers models/upsampling.py). */
export async function upsample2D(ctx: BuildContext, prefix: string, x: string, channels: number, sizes: string): Promise<string> {
  return conv2d(ctx, `${prefix}.conv`, ctx.o.resizeNearest(x, sizes), { inChannels: channels, outChannels: channels, kernelSize: 3 });
}

/** diffusers `Downsample2D` with a conv (stride 2; padding 0 pads right/bottom by one) (diffusers models/downsampling.py). */
export async function downsample2D(ctx: BuildContext, prefix: string, x: string, channels: number, padding: number): Promise<string> {
  if (padding === 0) {
    const w = await param(ctx, `${prefix}.conv.weight`, [channels, channels, 3, 3]);
    const b = await param(ctx, `${prefix}.conv.bias`, [channels]);
    return ctx.o.conv(x, w, b, { kernel: [3, 3], pads: [0, 0, 1, 1], strides: [2, 2] });
  }
  return conv2d(ctx, `${prefix}.conv`, x, { inChannels: channels, outChannels: channels, kernelSize: 3, stride: 2, padding });
}
