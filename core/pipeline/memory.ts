// A run's memory, estimated from the configs and weight sizes before anything loads, against this machine's limit.
import { settingRef, T2vError } from '../errors.js';
import { weightIdentity } from '../../models/cache.js';
import type { WeightsSpec } from '../../models/networks/build.js';
import type { PipelineParts } from './parts.js';
import type { GenerateRequest } from './types.js';
import { gib, memoryLimit } from '../runtime/memory-limit.js';

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

/** float32 bytes of a part's weights (the graphs are float32 whatever the file's dtype). */
async function float32WeightBytes(weights: WeightsSpec): Promise<number> {
  if (!('dir' in weights)) return 0;
  const files = (await weightIdentity(weights, 'diffusion_pytorch_model')) as ReadonlyArray<{ path: string; size: number }>;
  return files.reduce((sum, f) => sum + f.size * (/\.fp16\./.test(f.path) ? 2 : 1), 0);
}

/** Bytes the run is expected to peak at: the U-Net's weights plus its activations (the largest network and stage). */
export async function estimatePeakBytes(parts: PipelineParts, req: GenerateRequest): Promise<number> {
  const scale = parts.vaeConfig.scaleFactor;
  const batch = req.guidanceScale > 1 ? 2 : 1;
  const firstMap = batch * req.frames * parts.unetConfig.blockOutChannels[0]! * (req.height / scale) * (req.width / scale) * 4;
  return BASE_BYTES + (await float32WeightBytes(parts.unetWeights)) + MAPS_FACTOR * firstMap;
}

/** Refuses, in one line with both numbers, a run estimated above the limit (--max-memory, else the machine's). */
export async function checkMemory(parts: PipelineParts, req: GenerateRequest, maxMemory?: number): Promise<void> {
  if (maxMemory === 0) return;
  const limit = maxMemory !== undefined ? { bytes: maxMemory, source: settingRef('maxMemory') } : memoryLimit();
  const need = await estimatePeakBytes(parts, req);
  if (need > limit.bytes) {
    throw new T2vError(
      `${req.width}x${req.height}, ${req.frames} frames needs about ${gib(need)} of memory, over the ${gib(limit.bytes)} of ${limit.source}; lower ${settingRef('width', 'short')}/${settingRef('height', 'short')} or ${settingRef('frames')}, or pass ${settingRef('maxMemory')} to set the limit (0 turns the check off)`,
    );
  }
}
