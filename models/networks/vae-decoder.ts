// AutoencoderKL decode path: post_quant_conv + Decoder (diffusers models/autoencoders/autoencoder_kl.py, vae.py, unet_2d_blocks.py).
import type { VaeConfig } from '../configs/vae.js';
import type { GraphBuilder } from '../onnx/graph.js';
import { conv2d, groupNorm, linear, makeContext, resnetBlock2D, sdpa, upsample2D, type AttentionImpl, type BuildContext } from './layers.js';
import type { WeightSource } from './source.js';

/** The attention of UNetMidBlock2D: one head over all pixels, group norm and residual (diffusers Attention with _from_deprecated_attn_block). */
async function midAttention(ctx: BuildContext, prefix: string, x: string, channels: number, groups: number): Promise<string> {
  const { o, w } = ctx;
  // checkpoints saved before diffusers 0.14 name these query/key/value/proj_attn
  const name = (now: string, old: string): string => (w.has(`${prefix}.${now}.weight`) || !w.has(`${prefix}.${old}.weight`) ? `${prefix}.${now}` : `${prefix}.${old}`);
  let h = await groupNorm(ctx, `${prefix}.group_norm`, x, { numGroups: groups, numChannels: channels, eps: 1e-6 });
  h = o.transpose(o.reshape(h, [0, channels, -1]), [0, 2, 1]); // (N, HW, C)
  const q = await linear(ctx, name('to_q', 'query'), h, channels, channels);
  const k = await linear(ctx, name('to_k', 'key'), h, channels, channels);
  const v = await linear(ctx, name('to_v', 'value'), h, channels, channels);
  const a = await linear(ctx, name('to_out.0', 'proj_attn'), sdpa(ctx, q, k, v, { heads: 1, dimHead: channels }), channels, channels);
  return o.add(o.reshape(o.transpose(a, [0, 2, 1]), o.shape(x)), x);
}

/** Builds the decoder into `g`: input latents (N, latent_channels, h, w) (already divided by scaling_factor), output sample (N, 3, 8h, 8w). */
export async function buildVaeDecoder(g: GraphBuilder, cfg: VaeConfig, w: WeightSource, opts: { attention?: AttentionImpl } = {}): Promise<void> {
  const ctx = makeContext(g, w, opts.attention ?? 'mha');
  const { o } = ctx;
  const groups = cfg.normNumGroups;
  const latents = g.castTo(g.input('latents', 'float32', ['batch', cfg.latentChannels, 'height', 'width']), g.precision);
  let h = latents;
  if (cfg.usePostQuantConv) h = await conv2d(ctx, 'post_quant_conv', h, { inChannels: cfg.latentChannels, outChannels: cfg.latentChannels, kernelSize: 1 });
  const rev = [...cfg.blockOutChannels].reverse();
  const top = rev[0]!;
  h = await conv2d(ctx, 'decoder.conv_in', h, { inChannels: cfg.latentChannels, outChannels: top, kernelSize: 3 });
  const res = (prefix: string, x: string, inChannels: number, outChannels: number): Promise<string> =>
    resnetBlock2D(ctx, prefix, x, null, { inChannels, outChannels, groups, eps: 1e-6, tembChannels: null });
  h = await res('decoder.mid_block.resnets.0', h, top, top);
  if (cfg.midBlockAddAttention) h = await midAttention(ctx, 'decoder.mid_block.attentions.0', h, top, groups);
  h = await res('decoder.mid_block.resnets.1', h, top, top);
  let prev = top;
  for (let i = 0; i < rev.length; i++) {
    const cout = rev[i]!;
    for (let j = 0; j < cfg.layersPerBlock + 1; j++) h = await res(`decoder.up_blocks.${i}.resnets.${j}`, h, j === 0 ? prev : cout, cout);
    if (i < rev.length - 1) {
      const sizes = o.concat([o.shape(h, 0, 2), o.mul(o.shape(h, 2, 4), g.constI([2, 2]))], 0);
      h = await upsample2D(ctx, `decoder.up_blocks.${i}.upsamplers.0`, h, cout, sizes);
    }
    prev = cout;
  }
  const last = rev[rev.length - 1]!;
  h = o.silu(await groupNorm(ctx, 'decoder.conv_norm_out', h, { numGroups: groups, numChannels: last, eps: 1e-6 }));
  h = await conv2d(ctx, 'decoder.conv_out', h, { inChannels: last, outChannels: cfg.outChannels, kernelSize: 3 });
  g.output(g.castTo(h, 'float32'), 'sample', 'float32', ['batch', cfg.outChannels, 'out_height', 'out_width']);
}
