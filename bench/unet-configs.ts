// The U-Net configurations the benchmarks step (full ModelScope, small, tiny for SwiftShader) and one step's inputs.
import * as ort from 'onnxruntime-node';
import { MODELSCOPE_UNET, type Unet3dConfig } from '../models/configs/unet3d.js';
import { timestepProjection } from '../models/networks/timestep.js';
import type { StepShape } from './flops.js';

const SMALL_UNET: Readonly<Record<string, unknown>> = {
  block_out_channels: [32, 64, 128, 128],
  layers_per_block: 2,
  attention_head_dim: 8,
  cross_attention_dim: 64,
  norm_num_groups: 8,
  in_channels: 4,
  out_channels: 4,
};
// tiny: pipeline-tiny's U-Net at pipeline-micro's step, for a software Vulkan driver (SwiftShader)
const TINY_UNET: Readonly<Record<string, unknown>> = {
  block_out_channels: [16, 32, 32],
  layers_per_block: 1,
  attention_head_dim: 4,
  cross_attention_dim: 32,
  norm_num_groups: 8,
  in_channels: 4,
  out_channels: 4,
  down_block_types: ['CrossAttnDownBlock3D', 'CrossAttnDownBlock3D', 'DownBlock3D'],
  up_block_types: ['UpBlock3D', 'CrossAttnUpBlock3D', 'CrossAttnUpBlock3D'],
};
export const CONFIGS: Record<string, { raw: Readonly<Record<string, unknown>>; shape: StepShape }> = {
  full: { raw: MODELSCOPE_UNET, shape: { batch: 2, frames: 16, height: 32, width: 32, context: 77 } },
  small: { raw: SMALL_UNET, shape: { batch: 2, frames: 8, height: 32, width: 32, context: 77 } },
  tiny: { raw: TINY_UNET, shape: { batch: 2, frames: 2, height: 8, width: 8, context: 77 } },
};
export const FREEU_ON = { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2, v2: 0 };
export const FREEU_OFF = { b1: 1, b2: 1, s1: 1, s2: 1, v2: 0 };

/** One guidance step's feeds (deterministic, float32), FreeU factors `f`. */
export function feeds(cfg: Unet3dConfig, s: StepShape, f: typeof FREEU_ON): Record<string, ort.Tensor> {
  const n = s.batch * cfg.inChannels * s.frames * s.height * s.width;
  const sample = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
  const ehs = Float32Array.from({ length: s.batch * s.context * cfg.crossAttentionDim }, (_, i) => Math.cos(i * 0.11));
  const sc = (v: number): ort.Tensor => new ort.Tensor('float32', new Float32Array([v]), []);
  return {
    sample: new ort.Tensor('float32', sample, [s.batch, cfg.inChannels, s.frames, s.height, s.width]),
    time_proj: new ort.Tensor('float32', timestepProjection([981], s.batch, cfg.blockOutChannels[0]!), [s.batch, cfg.blockOutChannels[0]!]),
    encoder_hidden_states: new ort.Tensor('float32', ehs, [s.batch, s.context, cfg.crossAttentionDim]),
    freeu_b1: sc(f.b1),
    freeu_b2: sc(f.b2),
    freeu_s1: sc(f.s1),
    freeu_s2: sc(f.s2),
    freeu_v2: sc(f.v2),
  };
}
