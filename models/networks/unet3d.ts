// UNet3DConditionModel as an ONNX graph (diffusers models/unets/unet_3d_condition.py, unet_3d_blocks.py, resnet.py).
import { T2vError, UsageError } from '../../core/errors.js';
import type { Unet3dConfig } from '../configs/unet3d.js';
import type { FloatType, GraphBuilder } from '../onnx/graph.js';
import { FREEU_INPUTS, freeuStage } from './freeu.js';
import { conv2d, downsample2D, groupNorm, linear, makeContext, readWeight, resnetBlock2D, upsample2D, type AttentionImpl, type BuildContext } from './layers.js';
import type { WeightSource } from './source.js';
import { transformer2DModel, transformerTemporalModel, type VideoDims } from './transformers.js';

export interface Unet3dBuildOptions {
  readonly attention?: AttentionImpl;
  /** false leaves the FreeU stage out (the plain diffusers U-Net; its freeu_* inputs stay, unused). Default true. */
  readonly freeuStage?: boolean;
  /** DeepCache (Ma et al., CVPR 2024): absent builds the plain U-Net; see `DeepCacheBuild`. */
  readonly deepCache?: DeepCacheBuild;
  /** FreeU lab: also output both FreeU stages' tensors before and after scaling (`recordingOutputs`). Default false. */
  readonly record?: boolean;
  /** Weights and activations (default float32); inputs and outputs stay float32 either way. */
  readonly precision?: FloatType;
}

/** The four tensors recorded at each skip concatenation of a FreeU stage. */
export const CONCAT_KINDS = ['backbone_before', 'backbone_after', 'skip_before', 'skip_after'] as const;
/**
 * Plus the stage's output (after its last layer, before the upsampler; recorded as layer layers_per_block + 1): b scales
 * whole maps, which leaves a relative log spectrum of those maps unchanged, so its effect shows in what the block makes.
 */
export const RECORDED_KINDS = [...CONCAT_KINDS, 'block_output'] as const;
export type RecordedKind = (typeof RECORDED_KINDS)[number];

/** Output name of a recorded tensor: stage = resolution_idx (0, 1), layer = the skip concatenation within up_blocks[stage]. */
export function recordedName(stage: number, layer: number, kind: RecordedKind): string {
  return `freeu_record.${stage}.${layer}.${kind}`;
}

/**
 * DeepCache's two graphs for skip `branch` of `up_blocks[-1]` (0: conv_in's, k: down_blocks[0] layer k-1's).
 * `full`: the whole U-Net, also outputting `deep_feature`, the hidden state entering up layer `layersPerBlock - branch`
 * before its skip concat. `shallow`: conv_in, transformer_in, the first `branch` layers of `down_blocks[0]`, then that
 * tail of `up_blocks[-1]` + conv_out, fed by the `deep_feature` input.
 */
export interface DeepCacheBuild {
  readonly part: 'full' | 'shallow';
  /** Which skip the shallow path keeps: 0 (conv_in's, the shallowest) .. layersPerBlock. DeepCache's branch b is b + 1. */
  readonly branch: number;
}

/**
 * The layer of `up_blocks[-1]` the cached feature enters (DeepCache svd/unet_spatio_temporal_condition.py's
 * up_cache_module_idx; its numbering skips conv_in's branch, which it leaves out and we keep as 0).
 */
export function deepCacheEntry(cfg: Unet3dConfig, branch: number): number {
  const L = cfg.layersPerBlock;
  if (!Number.isInteger(branch) || branch < 0 || branch > L) {
    throw new UsageError(`--deep-cache-branch ${branch}: this U-Net's up_blocks[-1] has ${L + 1} skips; expected 0..${L} (0 = the shallowest)`);
  }
  return L - branch;
}

/** Channels of the cached feature (what enters that layer). */
export function deepFeatureChannels(cfg: Unet3dConfig, branch: number): number {
  const n = cfg.blockOutChannels.length;
  return deepCacheEntry(cfg, branch) === 0 && n > 1 ? cfg.blockOutChannels[1]! : cfg.blockOutChannels[0]!;
}

interface Net {
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
  for (const [i, stage] of [[0, 'conv1.0'], [1, 'conv2.0'], [2, 'conv3.0'], [3, 'conv4.0']] as const) {
    h = o.silu(await groupNorm(ctx, `${prefix}.${stage}`, h, channels, net.cfg.normNumGroups, 1e-5));
    const convName = `${prefix}.conv${i + 1}.${i === 0 ? 2 : 3}`;
    const w = await readWeight(ctx, `${convName}.weight`, [channels, channels, 3, 1, 1]);
    const wi = g.initializer(`${convName}.weight`, w, [channels, channels, 3, 1]);
    const b = g.initializer(`${convName}.bias`, await readWeight(ctx, `${convName}.bias`, [channels]), [channels]);
    h = o.conv(h, wi, b, { kernel: [3, 1], pads: [1, 0, 1, 0] });
  }
  h = o.add(identity, h);
  return o.reshape(o.transpose(h, [0, 2, 1, 3]), o.shape(x));
}

function spec(net: Net, channels: number): { channels: number; heads: number; dimHead: number; groups: number } {
  const d = net.cfg.attentionHeadDim;
  // diffusers passes (out_channels // attention_head_dim, attention_head_dim) as (num_attention_heads, attention_head_dim)
  return { channels, heads: channels / d, dimHead: d, groups: net.cfg.normNumGroups };
}

async function resnet(net: Net, prefix: string, x: string, cin: number, cout: number): Promise<string> {
  return resnetBlock2D(net.ctx, prefix, x, net.tembAct, { cin, cout, groups: net.cfg.normNumGroups, eps: net.cfg.normEps, tembChannels: net.tembChannels });
}

/** One resnet + temporal conv (+ spatial and temporal transformers in the cross-attention blocks). */
async function layer(net: Net, prefix: string, j: number, x: string, cin: number, cout: number, cross: boolean): Promise<string> {
  let h = await resnet(net, `${prefix}.resnets.${j}`, x, cin, cout);
  h = await temporalConvLayer(net, `${prefix}.temp_convs.${j}`, h, cout);
  if (cross) {
    h = await transformer2DModel(net.ctx, `${prefix}.attentions.${j}`, h, net.context, spec(net, cout));
    h = await transformerTemporalModel(net.ctx, `${prefix}.temp_attentions.${j}`, h, net.dims, spec(net, cout));
  }
  return h;
}

interface Skip {
  readonly value: string;
  readonly channels: number;
}

async function downBlock(net: Net, prefix: string, x: string, cin: number, cout: number, addDownsample: boolean, skips: Skip[], cross: boolean, layers = net.cfg.layersPerBlock): Promise<string> {
  let h = x;
  for (let j = 0; j < layers; j++) {
    h = await layer(net, prefix, j, h, j === 0 ? cin : cout, cout, cross);
    skips.push({ value: h, channels: cout });
  }
  if (addDownsample) {
    h = await downsample2D(net.ctx, `${prefix}.downsamplers.0`, h, cout, net.cfg.downsamplePadding);
    skips.push({ value: h, channels: cout });
  }
  return h;
}

/** diffusers `CrossAttnDownBlock3D`: (resnet, temp conv, transformer, temporal transformer) x layers, then a downsampler. */
function crossAttnDownBlock3D(net: Net, prefix: string, x: string, cin: number, cout: number, addDownsample: boolean, skips: Skip[], layers?: number): Promise<string> {
  return downBlock(net, prefix, x, cin, cout, addDownsample, skips, true, layers);
}

/** diffusers `DownBlock3D`: (resnet, temp conv) x layers, then a downsampler. */
function downBlock3D(net: Net, prefix: string, x: string, cin: number, cout: number, addDownsample: boolean, skips: Skip[], layers?: number): Promise<string> {
  return downBlock(net, prefix, x, cin, cout, addDownsample, skips, false, layers);
}

/** diffusers `UNetMidBlock3DCrossAttn`: resnet, temp conv, then (transformer, temporal transformer, resnet, temp conv). */
async function unetMidBlock3DCrossAttn(net: Net, prefix: string, x: string, channels: number): Promise<string> {
  const { ctx, cfg } = net;
  const resnet = (j: number, v: string): Promise<string> =>
    resnetBlock2D(ctx, `${prefix}.resnets.${j}`, v, net.tembAct, { cin: channels, cout: channels, groups: cfg.normNumGroups, eps: cfg.normEps, tembChannels: net.tembChannels, outputScale: cfg.midBlockScaleFactor });
  let h = await temporalConvLayer(net, `${prefix}.temp_convs.0`, await resnet(0, x), channels);
  h = await transformer2DModel(ctx, `${prefix}.attentions.0`, h, net.context, spec(net, channels));
  h = await transformerTemporalModel(ctx, `${prefix}.temp_attentions.0`, h, net.dims, spec(net, channels));
  return temporalConvLayer(net, `${prefix}.temp_convs.1`, await resnet(1, h), channels);
}

/** Where DeepCache meets an up block: layers run from `from`; at layer `at`, `swap` sees the hidden state entering it and returns the one to use. */
interface UpEntry {
  readonly from: number;
  readonly at: number;
  readonly swap: (h: string) => string;
}

interface FreeUAt {
  readonly b: string;
  readonly s: string;
  readonly stage: number;
}

/** FreeU before one skip concatenation, keeping the four tensors when recording. */
function freeuAt(net: Net, freeu: FreeUAt, layer: number, h: string, hs: string, channels: number, skipChannels: number): { h: string; hs: string } {
  const out = freeuStage(net.ctx.o, h, hs, channels, freeu.b, freeu.s, net.freeu.v2);
  const values: Record<(typeof CONCAT_KINDS)[number], [string, number]> = { backbone_before: [h, channels], backbone_after: [out.h, channels], skip_before: [hs, skipChannels], skip_after: [out.hs, skipChannels] };
  for (const kind of CONCAT_KINDS) net.recorded?.push({ name: recordedName(freeu.stage, layer, kind), value: values[kind][0], channels: values[kind][1] });
  return out;
}

async function upBlock(net: Net, prefix: string, x: string, prev: number, cout: number, addUpsample: boolean, skips: Skip[], freeu: FreeUAt | null, cross: boolean, entry?: UpEntry): Promise<string> {
  const { o } = net.ctx;
  let h = x;
  for (let j = entry?.from ?? 0; j < net.cfg.layersPerBlock + 1; j++) {
    if (entry && j === entry.at) h = entry.swap(h);
    const skip = skips.pop()!;
    const channels = j === 0 ? prev : cout;
    let hh = h;
    let hs = skip.value;
    if (freeu) ({ h: hh, hs } = freeuAt(net, freeu, j, hh, hs, channels, skip.channels));
    h = await layer(net, prefix, j, o.concat([hh, hs], 1), channels + skip.channels, cout, cross);
  }
  if (freeu) net.recorded?.push({ name: recordedName(freeu.stage, net.cfg.layersPerBlock + 1, 'block_output'), value: h, channels: cout });
  if (addUpsample) {
    // upsample to the exact size of the next skip: diffusers' 2x nearest, or forward_upsample_size when H, W are not divisible
    const next = skips[skips.length - 1]!.value;
    h = await upsample2D(net.ctx, `${prefix}.upsamplers.0`, h, cout, o.concat([o.shape(h, 0, 2), o.shape(next, 2, 4)], 0));
  }
  return h;
}

/** diffusers `CrossAttnUpBlock3D`: (FreeU, concat skip, resnet, temp conv, transformer, temporal transformer) x (layers + 1), then an upsampler. */
function crossAttnUpBlock3D(net: Net, prefix: string, x: string, prev: number, cout: number, addUpsample: boolean, skips: Skip[], freeu: FreeUAt | null, entry?: UpEntry): Promise<string> {
  return upBlock(net, prefix, x, prev, cout, addUpsample, skips, freeu, true, entry);
}

/** diffusers `UpBlock3D`: (FreeU, concat skip, resnet, temp conv) x (layers + 1), then an upsampler. */
function upBlock3D(net: Net, prefix: string, x: string, prev: number, cout: number, addUpsample: boolean, skips: Skip[], freeu: FreeUAt | null, entry?: UpEntry): Promise<string> {
  return upBlock(net, prefix, x, prev, cout, addUpsample, skips, freeu, false, entry);
}

/** Builds the U-Net into `g`: inputs sample (B, C, F, H, W), time_proj (B, c0), encoder_hidden_states (B, L, D), FreeU factors. */
export async function buildUnet3d(g: GraphBuilder, cfg: Unet3dConfig, w: WeightSource, opts: Unet3dBuildOptions = {}): Promise<void> {
  const ctx = makeContext(g, w, opts.attention ?? 'mha');
  const { o } = ctx;
  const c0 = cfg.blockOutChannels[0]!;
  if (c0 % 2 !== 0) throw new T2vError(`unet/config.json: block_out_channels[0] = ${c0} is odd; t2v builds even timestep embeddings only`);
  const act = g.precision;
  const sample = g.castTo(g.input('sample', 'float32', ['batch', cfg.inChannels, 'frames', 'height', 'width']), act);
  // Timesteps(c0, flip_sin_to_cos=True, shift 0) comes from the host in double precision (models/networks/timestep.ts)
  const tEmb = g.castTo(g.input('time_proj', 'float32', ['batch', c0]), act);
  const ehs = g.castTo(g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', cfg.crossAttentionDim]), act);
  const [b1, b2, s1, s2, v2] = FREEU_INPUTS.map((n) => g.input(n, 'float32', [])) as [string, string, string, string, string];
  const dims: VideoDims = { batch: o.shape(sample, 0, 1), frames: o.shape(sample, 2, 3) };

  // time: TimestepEmbedding of the projection, repeated per frame
  const tembChannels = c0 * 4;
  let emb = await linear(ctx, 'time_embedding.linear_1', tEmb, c0, tembChannels);
  emb = await linear(ctx, 'time_embedding.linear_2', o.silu(emb), tembChannels, tembChannels);
  emb = o.reshape(o.expand(o.unsqueeze(emb, [1]), o.concat([dims.batch, dims.frames, g.constI([tembChannels])], 0)), [-1, tembChannels]);
  const tembAct = o.silu(emb);
  // encoder_hidden_states.repeat_interleave(F)
  const ld = o.shape(ehs, 1, 3);
  const ehsN = o.reshape(o.expand(o.unsqueeze(ehs, [1]), o.concat([dims.batch, dims.frames, ld], 0)), o.concat([g.constI([-1]), ld], 0));

  const net: Net = { ctx, cfg, dims, tembAct, context: { value: ehsN, dim: cfg.crossAttentionDim }, tembChannels, freeu: { b: [b1, b2], s: [s1, s2], v2 }, recorded: opts.record ? [] : null };

  // (B, C, F, H, W) -> (B*F, C, H, W)
  let h = o.reshape(o.transpose(sample, [0, 2, 1, 3, 4]), o.concat([g.constI([-1, cfg.inChannels]), o.shape(sample, 3, 5)], 0));
  h = await conv2d(ctx, 'conv_in', h, cfg.inChannels, c0, 3);
  h = await transformerTemporalModel(ctx, 'transformer_in', h, dims, { channels: c0, heads: 8, dimHead: cfg.attentionHeadDim, groups: cfg.normNumGroups });

  const skips: Skip[] = [{ value: h, channels: c0 }];
  const n = cfg.blockOutChannels.length;
  const dc = opts.deepCache;
  const entryLayer = dc ? deepCacheEntry(cfg, dc.branch) : -1;
  const featureDims = ['batch_frames', dc ? deepFeatureChannels(cfg, dc.branch) : 0, 'height', 'width'];
  // the shallow graph runs down_blocks[0] up to the kept skip, then only the tail of up_blocks[-1]
  const shallow = dc?.part === 'shallow';
  let cin = c0;
  for (let i = 0; i < (shallow ? 1 : n); i++) {
    const cout = cfg.blockOutChannels[i]!;
    const block = cfg.downBlockTypes[i] === 'CrossAttnDownBlock3D' ? crossAttnDownBlock3D : downBlock3D;
    h = await block(net, `down_blocks.${i}`, h, cin, cout, i < n - 1 && !shallow, skips, shallow ? dc.branch : undefined);
    cin = cout;
  }
  if (!shallow) h = await unetMidBlock3DCrossAttn(net, 'mid_block', h, cfg.blockOutChannels[n - 1]!);
  const rev = [...cfg.blockOutChannels].reverse();
  let prev = rev[0]!;
  for (let i = shallow ? n - 1 : 0; i < n; i++) {
    const block = cfg.upBlockTypes[i] === 'CrossAttnUpBlock3D' ? crossAttnUpBlock3D : upBlock3D;
    // FreeU at resolution_idx 0 and 1 (diffusers utils/torch_utils.py apply_freeu)
    const freeu = i < 2 && opts.freeuStage !== false ? { b: net.freeu.b[i]!, s: net.freeu.s[i]!, stage: i } : null;
    let entry: UpEntry | undefined;
    if (dc && i === n - 1) {
      if (shallow) prev = rev[n - 2] ?? rev[0]!;
      entry = shallow
        ? { from: entryLayer, at: entryLayer, swap: () => g.castTo(g.input('deep_feature', 'float32', featureDims), act) }
        : { from: 0, at: entryLayer, swap: (x) => { g.output(g.castTo(x, 'float32'), 'deep_feature', 'float32', featureDims); return x; } };
    }
    h = await block(net, `up_blocks.${i}`, h, prev, rev[i]!, i < n - 1, skips, freeu, entry);
    prev = rev[i]!;
  }

  h = o.silu(await groupNorm(ctx, 'conv_norm_out', h, c0, cfg.normNumGroups, cfg.normEps));
  h = await conv2d(ctx, 'conv_out', h, c0, cfg.outChannels, 3);
  // (B*F, C, H, W) -> (B, C, F, H, W)
  h = o.transpose(o.reshape(h, o.concat([dims.batch, dims.frames, g.constI([cfg.outChannels]), o.shape(h, 2, 4)], 0)), [0, 2, 1, 3, 4]);
  g.output(g.castTo(h, 'float32'), 'out_sample', 'float32', ['batch', cfg.outChannels, 'frames', 'height', 'width']);
  // recorded tensors as float32 too, whatever the graph's precision
  for (const r of net.recorded ?? []) g.output(g.castTo(r.value, 'float32'), r.name, 'float32', ['batch_frames', r.channels, `${r.name}_height`, `${r.name}_width`]);
}
