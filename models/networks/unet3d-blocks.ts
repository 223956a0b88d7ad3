// The U-Net's blocks (diffusers models/unets/unet_3d_blocks.py, and resnet.py's TemporalConvLayer): what get_down_block, get_up_block and the mid block build.
import type { Unet3dConfig } from '../configs/unet3d.js';
import { freeuStage } from './freeu.js';
import { CONCAT_KINDS, recordedName } from './freeu-record.js';
import { downsample2D, groupNorm, param, resnetBlock2D, upsample2D, type BuildContext } from './layers.js';
import { transformer2DModel, transformerTemporalModel, type TransformerSpec, type VideoDims } from './transformers.js';

export interface Net {
  readonly ctx: BuildContext;
  readonly cfg: Unet3dConfig;
  readonly dims: VideoDims;
  readonly tembAct: string;
  readonly context: { value: string; dim: number };
  readonly tembChannels: number;
  readonly freeu: { b: readonly [string, string]; s: readonly [string, string]; v2: string };
  /** Recorded values (null: not recording); declared as outputs after out_sample, so the graph before them is the plain one. */
  readonly recorded: { name: string; value: string; channels: number }[] | null;
}

/** diffusers `TemporalConvLayer`: four GroupNorm-SiLU-Conv3d(3,1,1) stages along frames, plus the identity (diffusers models/resnet.py). */
async function temporalConvLayer(net: Net, prefix: string, x: string, channels: number): Promise<string> {
  const { ctx, dims } = net;
  const { o, g } = ctx;
  const c = g.constI([channels]);
  // (B*F, C, H, W) -> (B, C, F, H*W); a (3,1,1) Conv3d is a (3,1) Conv2d there
  const identity = o.transpose(o.reshape(x, o.concat([dims.batch, dims.frames, c, g.constI([-1])], 0)), [0, 2, 1, 3]);
  let h = identity;
  for (const [i, stage] of [
    [0, 'conv1.0'],
    [1, 'conv2.0'],
    [2, 'conv3.0'],
    [3, 'conv4.0'],
  ] as const) {
    h = o.silu(await groupNorm(ctx, `${prefix}.${stage}`, h, { numGroups: net.cfg.normNumGroups, numChannels: channels, eps: 1e-5 }));
    const convName = `${prefix}.conv${i + 1}.${i === 0 ? 2 : 3}`;
    const wi = await param(ctx, `${convName}.weight`, [channels, channels, 3, 1, 1], [channels, channels, 3, 1]);
    const b = await param(ctx, `${convName}.bias`, [channels]);
    h = o.conv(h, wi, b, { kernel: [3, 1], pads: [1, 0, 1, 0] });
  }
  h = o.add(identity, h);
  return o.reshape(o.transpose(h, [0, 2, 1, 3]), o.shape(x));
}

function spec(net: Net, channels: number): TransformerSpec {
  const d = net.cfg.attentionHeadDim;
  // diffusers passes (out_channels // attention_head_dim, attention_head_dim) as (num_attention_heads, attention_head_dim)
  return { channels, heads: channels / d, dimHead: d, groups: net.cfg.normNumGroups };
}

async function resnet(net: Net, prefix: string, x: string, inChannels: number, outChannels: number): Promise<string> {
  return resnetBlock2D(net.ctx, prefix, x, net.tembAct, { inChannels, outChannels, groups: net.cfg.normNumGroups, eps: net.cfg.normEps, tembChannels: net.tembChannels });
}

/** Layer `j` of a block: its resnet's in/out channels and whether it has the (temporal) transformers. */
interface LayerArgs {
  readonly prefix: string;
  readonly j: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly crossAttention: boolean;
}

/** One resnet + temporal conv (+ spatial and temporal transformers in the cross-attention blocks). */
async function layer(net: Net, x: string, a: LayerArgs): Promise<string> {
  const { prefix, j, outChannels } = a;
  let h = await resnet(net, `${prefix}.resnets.${j}`, x, a.inChannels, outChannels);
  h = await temporalConvLayer(net, `${prefix}.temp_convs.${j}`, h, outChannels);
  if (a.crossAttention) {
    h = await transformer2DModel(net.ctx, `${prefix}.attentions.${j}`, h, net.context, spec(net, outChannels));
    h = await transformerTemporalModel(net.ctx, `${prefix}.temp_attentions.${j}`, h, net.dims, spec(net, outChannels));
  }
  return h;
}

/** A feature map and its channel count: a skip kept for the up path, or the backbone entering a concatenation. */
export interface Skip {
  readonly value: string;
  readonly channels: number;
}

/** get_down_block's kwargs (in_channels, out_channels, add_downsample, num_layers); each output is pushed on `skips`. */
interface DownBlockArgs {
  readonly prefix: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly addDownsample: boolean;
  /** diffusers' output_states, collected for the up path. */
  readonly skips: Skip[];
  /** Fewer than layers_per_block: DeepCache's shallow graph. */
  readonly numLayers?: number;
}

async function downBlock(net: Net, x: string, a: DownBlockArgs, crossAttention: boolean): Promise<string> {
  const { prefix, outChannels, skips } = a;
  let h = x;
  for (let j = 0; j < (a.numLayers ?? net.cfg.layersPerBlock); j++) {
    h = await layer(net, h, { prefix, j, inChannels: j === 0 ? a.inChannels : outChannels, outChannels, crossAttention });
    skips.push({ value: h, channels: outChannels });
  }
  if (a.addDownsample) {
    h = await downsample2D(net.ctx, `${prefix}.downsamplers.0`, h, outChannels, net.cfg.downsamplePadding);
    skips.push({ value: h, channels: outChannels });
  }
  return h;
}

/** diffusers `CrossAttnDownBlock3D`: (resnet, temp conv, transformer, temporal transformer) x layers, then a downsampler. */
export function crossAttnDownBlock3D(net: Net, x: string, a: DownBlockArgs): Promise<string> {
  return downBlock(net, x, a, true);
}

/** diffusers `DownBlock3D`: (resnet, temp conv) x layers, then a downsampler. */
export function downBlock3D(net: Net, x: string, a: DownBlockArgs): Promise<string> {
  return downBlock(net, x, a, false);
}

/** diffusers `UNetMidBlock3DCrossAttn`: resnet, temp conv, then (transformer, temporal transformer, resnet, temp conv). */
export async function unetMidBlock3DCrossAttn(net: Net, prefix: string, x: string, channels: number): Promise<string> {
  const { ctx, cfg } = net;
  const resnet = (j: number, v: string): Promise<string> =>
    resnetBlock2D(ctx, `${prefix}.resnets.${j}`, v, net.tembAct, {
      inChannels: channels,
      outChannels: channels,
      groups: cfg.normNumGroups,
      eps: cfg.normEps,
      tembChannels: net.tembChannels,
      outputScaleFactor: cfg.midBlockScaleFactor,
    });
  let h = await temporalConvLayer(net, `${prefix}.temp_convs.0`, await resnet(0, x), channels);
  h = await transformer2DModel(ctx, `${prefix}.attentions.0`, h, net.context, spec(net, channels));
  h = await transformerTemporalModel(ctx, `${prefix}.temp_attentions.0`, h, net.dims, spec(net, channels));
  return temporalConvLayer(net, `${prefix}.temp_convs.1`, await resnet(1, h), channels);
}

/** Where DeepCache meets an up block: layers run from `from`; at layer `at`, `swap` sees the hidden state entering it and returns the one to use. */
export interface UpEntry {
  readonly from: number;
  readonly at: number;
  readonly swap: (h: string) => string;
}

interface FreeUAt {
  readonly b: string;
  readonly s: string;
  readonly stage: number;
}

/** get_up_block's kwargs (prev_output_channel, out_channels, add_upsample) and FreeU's factors at its resolution_idx. */
interface UpBlockArgs {
  readonly prefix: string;
  readonly prevOutputChannel: number;
  readonly outChannels: number;
  readonly addUpsample: boolean;
  /** diffusers' res_hidden_states_tuple: popped last-first, one per layer. */
  readonly skips: Skip[];
  /** FreeU's backbone and skip factors at this stage (resolution_idx 0 and 1), or null. */
  readonly freeu: FreeUAt | null;
  readonly entry?: UpEntry;
}

/** FreeU before one skip concatenation of `layer` (backbone `h`, skip `skip`), keeping the four tensors when recording. */
function freeuAt(net: Net, freeu: FreeUAt, layer: number, h: Skip, skip: Skip): { h: string; hs: string } {
  const out = freeuStage(net.ctx.o, h.value, skip.value, { channels: h.channels, b: freeu.b, s: freeu.s, v2: net.freeu.v2 });
  const values: Record<(typeof CONCAT_KINDS)[number], [string, number]> = {
    backbone_before: [h.value, h.channels],
    backbone_after: [out.h, h.channels],
    skip_before: [skip.value, skip.channels],
    skip_after: [out.hs, skip.channels],
  };
  for (const kind of CONCAT_KINDS) net.recorded?.push({ name: recordedName(freeu.stage, layer, kind), value: values[kind][0], channels: values[kind][1] });
  return out;
}

async function upBlock(net: Net, x: string, a: UpBlockArgs, crossAttention: boolean): Promise<string> {
  const { o } = net.ctx;
  const { prefix, outChannels, skips, freeu, entry } = a;
  let h = x;
  for (let j = entry?.from ?? 0; j < net.cfg.layersPerBlock + 1; j++) {
    if (entry && j === entry.at) h = entry.swap(h);
    const skip = skips.pop()!;
    const channels = j === 0 ? a.prevOutputChannel : outChannels;
    let hh = h;
    let hs = skip.value;
    if (freeu) ({ h: hh, hs } = freeuAt(net, freeu, j, { value: hh, channels }, skip));
    h = await layer(net, o.concat([hh, hs], 1), { prefix, j, inChannels: channels + skip.channels, outChannels, crossAttention });
  }
  if (freeu) net.recorded?.push({ name: recordedName(freeu.stage, net.cfg.layersPerBlock + 1, 'block_output'), value: h, channels: outChannels });
  if (a.addUpsample) {
    // upsample to the exact size of the next skip: diffusers' 2x nearest, or forward_upsample_size when H, W are not divisible
    const next = skips[skips.length - 1]!.value;
    h = await upsample2D(net.ctx, `${prefix}.upsamplers.0`, h, outChannels, o.concat([o.shape(h, 0, 2), o.shape(next, 2, 4)], 0));
  }
  return h;
}

/** diffusers `CrossAttnUpBlock3D`: (FreeU, concat skip, resnet, temp conv, transformer, temporal transformer) x (layers + 1), then an upsampler. */
export function crossAttnUpBlock3D(net: Net, x: string, a: UpBlockArgs): Promise<string> {
  return upBlock(net, x, a, true);
}

/** diffusers `UpBlock3D`: (FreeU, concat skip, resnet, temp conv) x (layers + 1), then an upsampler. */
export function upBlock3D(net: Net, x: string, a: UpBlockArgs): Promise<string> {
  return upBlock(net, x, a, false);
}
