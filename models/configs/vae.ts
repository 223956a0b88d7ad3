// AutoencoderKL config.json with diffusers' defaults (diffusers models/autoencoders/autoencoder_kl.py); decoder path only.
import { ConfigReader } from './common.js';

export interface VaeConfig {
  readonly outChannels: number;
  readonly latentChannels: number;
  readonly blockOutChannels: readonly number[];
  readonly layersPerBlock: number;
  readonly normNumGroups: number;
  readonly scalingFactor: number;
  readonly usePostQuantConv: boolean;
  readonly midBlockAddAttention: boolean;
  /** Pixels per latent along each side: 2^(len(block_out_channels) - 1). */
  readonly scaleFactor: number;
}

export function parseVaeConfig(raw: Readonly<Record<string, unknown>>, what = 'vae/config.json'): VaeConfig {
  const r = new ConfigReader(raw, what);
  const blockOutChannels = r.ints('block_out_channels', [64]);
  const up = r.strs(
    'up_block_types',
    blockOutChannels.map(() => 'UpDecoderBlock2D'),
    ['UpDecoderBlock2D'],
  );
  if (up.length !== blockOutChannels.length) r.reject(`up_block_types has ${up.length} entries but block_out_channels has ${blockOutChannels.length}`);
  r.str('act_fn', 'silu', ['silu', 'swish']);
  r.only('norm_type', 'group');
  r.only('shift_factor', null);
  const normNumGroups = r.int('norm_num_groups', 32);
  for (const c of blockOutChannels) if (c % normNumGroups !== 0) r.reject(`block_out_channels entry ${c} is not divisible by norm_num_groups ${normNumGroups}`);
  return Object.freeze({
    outChannels: r.int('out_channels', 3),
    latentChannels: r.int('latent_channels', 4),
    blockOutChannels: Object.freeze(blockOutChannels),
    layersPerBlock: r.int('layers_per_block', 1),
    normNumGroups,
    scalingFactor: r.num('scaling_factor', 0.18215),
    usePostQuantConv: r.bool('use_post_quant_conv', true),
    midBlockAddAttention: r.bool('mid_block_add_attention', true),
    scaleFactor: 2 ** (blockOutChannels.length - 1),
  });
}
