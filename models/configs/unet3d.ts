// UNet3DConditionModel config.json with diffusers' defaults (diffusers models/unets/unet_3d_condition.py).
import { ConfigReader } from './common.js';

export type DownBlock3DType = 'CrossAttnDownBlock3D' | 'DownBlock3D';
export type UpBlock3DType = 'CrossAttnUpBlock3D' | 'UpBlock3D';

export interface Unet3dConfig {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly downBlockTypes: readonly DownBlock3DType[];
  readonly upBlockTypes: readonly UpBlock3DType[];
  readonly blockOutChannels: readonly number[];
  readonly layersPerBlock: number;
  readonly downsamplePadding: number;
  readonly midBlockScaleFactor: number;
  readonly normNumGroups: number;
  readonly normEps: number;
  readonly crossAttentionDim: number;
  /** diffusers uses `attention_head_dim` as the number of heads (`num_attention_heads = attention_head_dim`). */
  readonly attentionHeadDim: number;
  readonly sampleSize: number | null;
}

/** The full-size ModelScope text-to-video U-Net (1.41 B parameters). */
export const MODELSCOPE_UNET: Readonly<Record<string, unknown>> = {
  block_out_channels: [320, 640, 1280, 1280],
  layers_per_block: 2,
  attention_head_dim: 64,
  cross_attention_dim: 1024,
  norm_num_groups: 32,
  in_channels: 4,
  out_channels: 4,
  sample_size: 32,
};

export function parseUnet3dConfig(raw: Readonly<Record<string, unknown>>, what = 'unet/config.json'): Unet3dConfig {
  const r = new ConfigReader(raw, what);
  const blockOutChannels = r.ints('block_out_channels', [320, 640, 1280, 1280]);
  const n = blockOutChannels.length;
  const downBlockTypes = r.strs(
    'down_block_types',
    ['CrossAttnDownBlock3D', 'CrossAttnDownBlock3D', 'CrossAttnDownBlock3D', 'DownBlock3D'],
    ['CrossAttnDownBlock3D', 'DownBlock3D'],
  ) as DownBlock3DType[];
  const upBlockTypes = r.strs('up_block_types', ['UpBlock3D', 'CrossAttnUpBlock3D', 'CrossAttnUpBlock3D', 'CrossAttnUpBlock3D'], ['CrossAttnUpBlock3D', 'UpBlock3D']) as UpBlock3DType[];
  if (downBlockTypes.length !== n) r.reject(`down_block_types has ${downBlockTypes.length} entries but block_out_channels has ${n}`);
  if (upBlockTypes.length !== n) r.reject(`up_block_types has ${upBlockTypes.length} entries but block_out_channels has ${n}`);
  const v = raw.attention_head_dim;
  if (Array.isArray(v)) r.reject('attention_head_dim as a list is not supported (give one integer)');
  r.only('num_attention_heads', null);
  r.only('time_cond_proj_dim', null);
  r.str('act_fn', 'silu', ['silu', 'swish']);
  const normNumGroups = r.int('norm_num_groups', 32);
  for (const c of blockOutChannels) if (c % normNumGroups !== 0) r.reject(`block_out_channels entry ${c} is not divisible by norm_num_groups ${normNumGroups}`);
  const attentionHeadDim = r.int('attention_head_dim', 64);
  for (const c of blockOutChannels) if (c % attentionHeadDim !== 0) r.reject(`block_out_channels entry ${c} is not divisible by attention_head_dim ${attentionHeadDim}`);
  return Object.freeze({
    inChannels: r.int('in_channels', 4),
    outChannels: r.int('out_channels', 4),
    downBlockTypes: Object.freeze(downBlockTypes),
    upBlockTypes: Object.freeze(upBlockTypes),
    blockOutChannels: Object.freeze(blockOutChannels),
    layersPerBlock: r.int('layers_per_block', 2),
    downsamplePadding: r.int('downsample_padding', 1, 0),
    midBlockScaleFactor: r.num('mid_block_scale_factor', 1),
    normNumGroups,
    normEps: r.num('norm_eps', 1e-5),
    crossAttentionDim: r.int('cross_attention_dim', 1024),
    attentionHeadDim,
    sampleSize: r.has('sample_size') ? r.int('sample_size', 32) : null,
  });
}
