// BasicTransformerBlock, Transformer2DModel (linear projection) and TransformerTemporalModel, on (B*F, C, H, W) tensors.
import { attention, feedForwardGeglu, groupNorm, layerNorm, linear, type BuildContext } from './layers.js';

/** Batch and frame counts as 1-D int64 tensors of length 1, for reshapes between (B*F, ...) and (B, F, ...). */
export interface VideoDims {
  readonly batch: string;
  readonly frames: string;
}

export interface TransformerSpec {
  readonly channels: number;
  readonly heads: number;
  readonly dimHead: number;
  readonly groups: number;
}

/** diffusers BasicTransformerBlock's kwargs; `context` (encoder_hidden_states and cross_attention_dim) null makes attn2 a self-attention. */
export interface BasicTransformerBlockArgs {
  readonly dim: number;
  readonly numAttentionHeads: number;
  readonly attentionHeadDim: number;
  readonly context: { value: string; dim: number } | null;
}

/** diffusers `BasicTransformerBlock` (layer_norm, GEGLU) (diffusers models/attention.py). */
export async function basicTransformerBlock(ctx: BuildContext, prefix: string, x: string, a: BasicTransformerBlockArgs): Promise<string> {
  const { o } = ctx;
  const { dim, context } = a;
  const self = { queryDim: dim, kvDim: dim, heads: a.numAttentionHeads, dimHead: a.attentionHeadDim, qkvBias: false };
  const n1 = await layerNorm(ctx, `${prefix}.norm1`, x, dim, 1e-5);
  let h = o.add(await attention(ctx, `${prefix}.attn1`, n1, null, self), x);
  const n2 = await layerNorm(ctx, `${prefix}.norm2`, h, dim, 1e-5);
  const a2 = context ? await attention(ctx, `${prefix}.attn2`, n2, context.value, { ...self, kvDim: context.dim }) : await attention(ctx, `${prefix}.attn2`, n2, null, self);
  h = o.add(a2, h);
  const n3 = await layerNorm(ctx, `${prefix}.norm3`, h, dim, 1e-5);
  h = o.add(await feedForwardGeglu(ctx, `${prefix}.ff`, n3, dim), h);
  return h;
}

/** diffusers `Transformer2DModel` with use_linear_projection, one block, cross-attention to `context` (diffusers models/transformers/transformer_2d.py). */
export async function transformer2DModel(ctx: BuildContext, prefix: string, x: string, context: { value: string; dim: number }, s: TransformerSpec): Promise<string> {
  const { o, g } = ctx;
  const inner = s.heads * s.dimHead;
  let h = await groupNorm(ctx, `${prefix}.norm`, x, { numGroups: s.groups, numChannels: s.channels, eps: 1e-6 });
  h = o.reshape(o.transpose(h, [0, 2, 3, 1]), [0, -1, s.channels]);
  h = await linear(ctx, `${prefix}.proj_in`, h, s.channels, inner);
  h = await basicTransformerBlock(ctx, `${prefix}.transformer_blocks.0`, h, { dim: inner, numAttentionHeads: s.heads, attentionHeadDim: s.dimHead, context });
  h = await linear(ctx, `${prefix}.proj_out`, h, inner, s.channels);
  const nhwc = o.concat([o.shape(x, 0, 1), o.shape(x, 2, 4), g.constI([s.channels])], 0);
  h = o.transpose(o.reshape(h, nhwc), [0, 3, 1, 2]);
  return o.add(h, x);
}

/** diffusers `TransformerTemporalModel`: attention along frames at each pixel, both attentions self (diffusers models/transformers/transformer_temporal.py). */
export async function transformerTemporalModel(ctx: BuildContext, prefix: string, x: string, dims: VideoDims, s: TransformerSpec): Promise<string> {
  const { o, g } = ctx;
  const inner = s.heads * s.dimHead;
  const c = g.constI([s.channels]);
  const minus1 = g.constI([-1]);
  // (B*F, C, H, W) -> (B, C, F, H*W): GroupNorm statistics span the frames
  let h = o.transpose(o.reshape(x, o.concat([dims.batch, dims.frames, c, minus1], 0)), [0, 2, 1, 3]);
  h = await groupNorm(ctx, `${prefix}.norm`, h, { numGroups: s.groups, numChannels: s.channels, eps: 1e-6 });
  // -> (B, HW, F, C) -> (B*HW, F, C)
  h = o.reshape(o.transpose(h, [0, 3, 2, 1]), o.concat([minus1, dims.frames, c], 0));
  h = await linear(ctx, `${prefix}.proj_in`, h, s.channels, inner);
  h = await basicTransformerBlock(ctx, `${prefix}.transformer_blocks.0`, h, { dim: inner, numAttentionHeads: s.heads, attentionHeadDim: s.dimHead, context: null });
  h = await linear(ctx, `${prefix}.proj_out`, h, inner, s.channels);
  // (B*HW, F, C) -> (B, HW, F, C) -> (B, F, C, HW) -> (B*F, C, H, W)
  h = o.transpose(o.reshape(h, o.concat([dims.batch, minus1, dims.frames, c], 0)), [0, 2, 3, 1]);
  h = o.reshape(h, o.shape(x));
  return o.add(h, x);
}
