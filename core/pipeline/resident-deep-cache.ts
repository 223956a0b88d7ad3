// DeepCache's stepper on the device (webgpu): the full graph's deep feature stays a device tensor and feeds the shallow graph.
import type * as ort from 'onnxruntime-node';
import type { ResidentDeepCacheUnet, ResidentUnet } from '../runtime/index.js';
import { cacheUse, type DeepCacheCounts } from './deep-cache.js';

/**
 * deepCacheStepper's rule on device tensors, step for step: the whole U-Net on the schedule's steps and wherever the
 * cache cannot serve the batch; else the shallow graph on the cached feature, or on its conditional (last) half, taken
 * on the device by an exact Slice, when a conditional-only step follows a guidance batch.
 */
export function residentDeepCacheStep(unet: ResidentDeepCacheUnet, schedule: ReadonlySet<number>, counts: DeepCacheCounts): ResidentUnet {
  let cached: ort.Tensor | null = null;
  const drop = (): void => {
    cached?.dispose();
    cached = null;
  };
  return {
    steps: unet.steps,
    async run(x, step) {
      const [batch, , frames] = x.sample.dims;
      const rows = batch! * frames!;
      const use = cacheUse(cached?.dims[0] ?? null, rows, schedule.has(step));
      if (cached && use === 'whole') {
        counts.shallow++;
        return unet.shallow(x, cached);
      }
      if (cached && use === 'half') {
        counts.shallow++;
        const half = await unet.steps.lastRows(cached, rows);
        try {
          return await unet.shallow(x, half);
        } finally {
          half.dispose();
        }
      }
      counts.full++;
      const r = await unet.full(x);
      drop();
      cached = r.feature;
      return r.out;
    },
    dispose: drop,
  };
}
