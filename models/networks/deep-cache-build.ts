// DeepCache's build option for the U-Net graph: which graph, which skip branch, and where the cached feature enters.
import { settingRef, UsageError } from '../../core/errors.js';
import type { Unet3dConfig } from '../configs/unet3d.js';

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
    throw new UsageError(`${settingRef('deepCache.branch')} ${branch}: this U-Net's up_blocks[-1] has ${L + 1} skips; expected 0..${L} (0 = the shallowest)`);
  }
  return L - branch;
}

/** Channels of the cached feature (what enters that layer). */
export function deepFeatureChannels(cfg: Unet3dConfig, branch: number): number {
  const n = cfg.blockOutChannels.length;
  return deepCacheEntry(cfg, branch) === 0 && n > 1 ? cfg.blockOutChannels[1]! : cfg.blockOutChannels[0]!;
}
