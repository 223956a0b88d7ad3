// A run's memory, estimated from the configs and weight sizes before anything loads, against this machine's limit.
import { settingRef, T2vError } from '../errors.js';
import { weightIdentity } from '../../models/cache.js';
import type { WeightsSpec } from '../../models/networks/build.js';
import type { PipelineParts } from './parts.js';
import type { GenerateRequest } from './types.js';
import { gib, memoryLimit } from '../runtime/memory-limit.js';
import type { Device, Precision } from '../runtime/device-names.js';

export { memoryLimit } from '../runtime/memory-limit.js';

/** Node, onnxruntime, the tokenizer and the frame buffers of a small run. */
const BASE_BYTES = 200 * 1024 ** 2;
/**
 * Peak bytes per byte of the U-Net's first feature map (guidance batch x frames x block_out_channels[0] x h x w,
 * float32): onnxruntime's CPU attention does not hold the full score matrix, so the feature maps of the U-Net and
 * the VAE's top blocks set the peak. Measured on the tiny pipeline (64 -> 256 px: 155 -> 670 MB, a factor of 33)
 * and checked on the full ModelScope pipeline (256 px, 16 frames: estimate 7.5 GiB, `npm run bench:memory` peak 7.45 GiB).
 */
const MAPS_FACTOR = 40;

/** Where and in what the networks run: the estimate's factors depend on both (PRECISION_FACTORS). */
export interface RunOn {
  readonly device: Device;
  readonly precision: Precision;
}

/**
 * Bytes per float32 byte of the weights and of the feature maps. cpu fp16 was measured (a 350 M-parameter U-Net,
 * onnxruntime 1.30): its CPU provider has few fp16 kernels on x86, so it keeps float32 copies of the weights those ops
 * read (the inserted Casts folded at session start: after a small step, peak 2465 against 1797 MiB in fp32 for a
 * 1335 MiB float32 graph, about 1.5x the weights) and runs them in float32 between Casts (pipeline-tiny's U-Net,
 * guidance batch at 8 x 32x32 latents: 706 against 665-678 MiB). webgpu fp16 is what the graphs hold: fp16 weights (norm scales stay float32, under 1% of them) and maps at half, plus a norm's float32
 * input and output (the widest, up_blocks[-1]'s 2 x c0 channels: 4 of the 40 map bytes); not measured on a GPU.
 */
export const PRECISION_FACTORS: Readonly<Record<Device, Readonly<Record<Precision, { readonly weights: number; readonly maps: number }>>>> = {
  cpu: { fp32: { weights: 1, maps: 1 }, fp16: { weights: 1.5, maps: 1 } },
  webgpu: { fp32: { weights: 1, maps: 1 }, fp16: { weights: 0.5, maps: 0.6 } },
};

/** float32 bytes of a part's weights (an fp32 graph's whatever the file's dtype; PRECISION_FACTORS scales them). */
async function float32WeightBytes(weights: WeightsSpec): Promise<number> {
  if (!('dir' in weights)) return 0;
  const files = (await weightIdentity(weights, 'diffusion_pytorch_model')) as ReadonlyArray<{ path: string; size: number }>;
  return files.reduce((sum, f) => sum + f.size * (/\.fp16\./.test(f.path) ? 2 : 1), 0);
}

/** Bytes the run is expected to peak at: the U-Net's weights plus its activations (the largest network and stage). */
export async function estimatePeakBytes(parts: PipelineParts, req: GenerateRequest, on: RunOn): Promise<number> {
  const scale = parts.vaeConfig.scaleFactor;
  const batch = req.guidanceScale > 1 ? 2 : 1;
  const firstMap = batch * req.frames * parts.unetConfig.blockOutChannels[0]! * (req.height / scale) * (req.width / scale) * 4;
  const f = PRECISION_FACTORS[on.device][on.precision];
  return BASE_BYTES + f.weights * (await float32WeightBytes(parts.unetWeights)) + f.maps * MAPS_FACTOR * firstMap;
}

/** Refuses, in one line with both numbers, a run estimated above the limit (--max-memory, else the machine's). */
export async function checkMemory(parts: PipelineParts, req: GenerateRequest, maxMemory: number | undefined, on: RunOn): Promise<void> {
  if (maxMemory === 0) return;
  const limit = maxMemory !== undefined ? { bytes: maxMemory, source: settingRef('maxMemory') } : memoryLimit();
  const need = await estimatePeakBytes(parts, req, on);
  if (need > limit.bytes) {
    throw new T2vError(
      `${req.width}x${req.height}, ${req.frames} frames needs about ${gib(need)} of memory, over the ${gib(limit.bytes)} of ${limit.source}; lower ${settingRef('width', 'short')}/${settingRef('height', 'short')} or ${settingRef('frames')}, or pass ${settingRef('maxMemory')} to set the limit (0 turns the check off)`,
    );
  }
}
