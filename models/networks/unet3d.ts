// UNet3DConditionModel as an ONNX graph (diffusers models/unets/unet_3d_condition.py); its blocks are in unet3d-blocks.ts.
import { T2vError } from '../../core/errors.js';
import type { Unet3dConfig } from '../configs/unet3d.js';
import type { FloatType, GraphBuilder } from '../onnx/graph.js';
import { FREEU_INPUTS } from './freeu.js';
import { deepCacheEntry, deepFeatureChannels, type DeepCacheBuild } from './deep-cache-build.js';
import { conv2d, groupNorm, linear, makeContext, type AttentionImpl } from './layers.js';
import type { WeightSource } from './source.js';
import { transformerTemporalModel, type VideoDims } from './transformers.js';
import { crossAttnDownBlock3D, crossAttnUpBlock3D, downBlock3D, unetMidBlock3DCrossAttn, upBlock3D, type Net, type Skip, type UpEntry } from './unet3d-blocks.js';

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

export { CONCAT_KINDS, RECORDED_KINDS, recordedName, type RecordedKind } from './freeu-record.js';

export { deepCacheEntry, deepFeatureChannels, type DeepCacheBuild } from './deep-cache-build.js';

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
  h = await conv2d(ctx, 'conv_in', h, { inChannels: cfg.inChannels, outChannels: c0, kernelSize: 3 });
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
    h = await block(net, h, { prefix: `down_blocks.${i}`, inChannels: cin, outChannels: cout, addDownsample: i < n - 1 && !shallow, skips, ...(shallow ? { numLayers: dc.branch } : {}) });
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
        : {
            from: 0,
            at: entryLayer,
            swap: (x) => {
              g.output(g.castTo(x, 'float32'), 'deep_feature', 'float32', featureDims);
              return x;
            },
          };
    }
    h = await block(net, h, { prefix: `up_blocks.${i}`, prevOutputChannel: prev, outChannels: rev[i]!, addUpsample: i < n - 1, skips, freeu, ...(entry ? { entry } : {}) });
    prev = rev[i]!;
  }

  h = o.silu(await groupNorm(ctx, 'conv_norm_out', h, { numGroups: cfg.normNumGroups, numChannels: c0, eps: cfg.normEps }));
  h = await conv2d(ctx, 'conv_out', h, { inChannels: c0, outChannels: cfg.outChannels, kernelSize: 3 });
  // (B*F, C, H, W) -> (B, C, F, H, W)
  h = o.transpose(o.reshape(h, o.concat([dims.batch, dims.frames, g.constI([cfg.outChannels]), o.shape(h, 2, 4)], 0)), [0, 2, 1, 3, 4]);
  g.output(g.castTo(h, 'float32'), 'out_sample', 'float32', ['batch', cfg.outChannels, 'frames', 'height', 'width']);
  // recorded tensors as float32 too, whatever the graph's precision
  for (const r of net.recorded ?? []) g.output(g.castTo(r.value, 'float32'), r.name, 'float32', ['batch_frames', r.channels, `${r.name}_height`, `${r.name}_width`]);
}
