// The device-resident loop (webgpu: U-Net, guidance and scheduler step on GPU buffers) against the host loop on the same
// sessions, per step, on pipeline-tiny's model. Runs on SwiftShader where there is no GPU (see webgpu.test.ts); a U-Net
// call takes 5-15 s there, so few rows: DPM++ (second order, y_prev on the device) with a guidance interval (batch 2 then 1),
// and DeepCache (its feature kept on the device; the conditional half of a guidance batch's feature sliced there).
// Every scheduler's step graph is checked without the U-Net in test/core/runtime/step-graphs.test.ts, and the
// pipeline-micro golden (DDIM, FreeU, guidance) runs this loop against diffusers in test/core/verify/webgpu.test.ts.
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DeepCacheCounts, DeepCacheSettings } from '../../../core/pipeline/deep-cache.js';
import { webgpuUnavailableReason } from '../../../core/runtime/device.js';
import { DeviceSteps } from '../../../core/runtime/step-graphs.js';
import { loadPipeline, type Pipeline } from '../../../core/pipeline/pipeline.js';
import type { SchedulerName } from '../../../core/pipeline/types.js';
import { BOUNDS, relativeError } from '../../../core/verify/metrics.js';
import { openModelFolder } from '../../../models/folder.js';
import { golden, useTempCache } from '../../helpers.js';

const skip = process.env.T2V_SKIP_WEBGPU === '1';
const SWIFTSHADER = process.env.T2V_TEST_VK_ICD ?? '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
useTempCache();
let pipe: Pipeline;

beforeAll(async () => {
  if (skip) return;
  const why = await webgpuUnavailableReason();
  if (why) throw new Error(`no WebGPU adapter (${why}): install chromium and libvulkan1 (see webgpu.test.ts), or set T2V_SKIP_WEBGPU=1 to skip these tests`);
  pipe = await loadPipeline(await openModelFolder(golden('pipeline-tiny', 'model'), 'golden'), { device: 'webgpu', sessions: 'keep', threads: 2 });
}, 300_000);
afterAll(async () => {
  await pipe?.release();
});

interface Row {
  scheduler: SchedulerName;
  config?: Record<string, unknown>;
  steps: number;
  guidance: number;
  eta?: number;
  interval?: readonly [number, number];
  freeu?: boolean;
  deepCache?: Pick<DeepCacheSettings, 'interval'>;
  /** DeepCache: full and shallow U-Net calls, and how many shallow steps take a guidance batch's conditional half. */
  calls?: DeepCacheCounts & { halves: number };
}

interface Run {
  steps: Float32Array[];
  final: Float32Array;
  previews: number[];
  calls: DeepCacheCounts | null;
  /** Device tensors read back to the host, and conditional halves taken on the device. */
  downloads: number;
  halves: number;
}

afterEach(() => {
  vi.restoreAllMocks();
});

async function run(row: Row, resident: boolean): Promise<Run> {
  const embeds = await pipe.encodePrompt('a red ball', 'blurry', row.guidance > 1);
  const scheduler = pipe.scheduler(row.scheduler, row.steps, { ...pipe.configs.schedulerConfig, ...row.config });
  const { latents, dims, generator } = pipe.prepareLatents({ frames: 2, height: 16, width: 16 }, 7n, scheduler);
  const steps: Float32Array[] = [];
  const previews: number[] = [];
  const freeu = row.freeu ? { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2, version: 1 as const, start: 0, end: 1 } : null;
  const deepCache = row.deepCache ? { ...row.deepCache, branch: 0, schedule: 'uniform' as const } : null;
  let calls: DeepCacheCounts | null = null;
  const downloads = vi.spyOn(DeviceSteps.prototype, 'download');
  const halves = vi.spyOn(DeviceSteps.prototype, 'lastRows');
  const final = await pipe.denoise(
    { scheduler, latents, dims, embeds, guidanceScale: row.guidance, freeu, eta: row.eta ?? 0, generator, guidanceInterval: row.interval ?? null, deepCache, resident },
    {
      onLatents: (_i, x) => steps.push(x),
      onOutput: (i) => {
        previews.push(i);
      },
      outputSteps: (i) => i % 2 === 1,
      onUnetCalls: (c) => {
        calls = { ...c };
      },
    },
  );
  const counted = { downloads: downloads.mock.calls.length, halves: halves.mock.calls.length };
  vi.restoreAllMocks();
  return { steps, final, previews, calls, ...counted };
}

describe.skipIf(skip)('device-resident sampling on webgpu = the host loop (golden bounds)', () => {
  it.each<Row>([
    // lower_order_final off and a sigma_min final sigma: the last of two steps is second order
    { scheduler: 'dpmpp2m', config: { lower_order_final: false, final_sigmas_type: 'sigma_min' }, steps: 2, guidance: 7.5, interval: [0, 0.5], freeu: true },
    // DeepCache 2: full, then shallow on the guidance batch's feature (a full U-Net call costs ~6 s here, a shallow ~1.4 s)
    { scheduler: 'ddim', steps: 2, guidance: 7.5, freeu: true, deepCache: { interval: 2 }, calls: { full: 1, shallow: 1, halves: 0 } },
    // DeepCache 3 with guidance on the first half (batches 2, 2, 1): full, shallow, shallow on the conditional half
    { scheduler: 'ddim', steps: 3, guidance: 7.5, interval: [0, 0.5], freeu: true, deepCache: { interval: 3 }, calls: { full: 1, shallow: 2, halves: 1 } },
  ])(
    '$scheduler $config x$steps guidance $guidance eta $eta interval $interval deepCache $deepCache',
    async (row) => {
      const host = await run(row, false);
      const device = await run(row, true);
      expect(device.steps).toHaveLength(row.steps);
      for (let i = 0; i < row.steps; i++) {
        expect(relativeError(device.steps[i]!, host.steps[i]!), `step ${i}`).toBeLessThanOrEqual(BOUNDS.pipelineLatents);
      }
      expect(device.final).toEqual(device.steps[row.steps - 1]);
      // the host loop calls onOutput every step; on the device only the steps asked for are read back
      expect(host.previews).toEqual(Array.from({ length: row.steps }, (_, i) => i));
      expect(device.previews).toEqual(host.previews.filter((i) => i % 2 === 1));
      // on the device only the listeners' reads come back (latents each step, two per preview step) and the final latents
      expect(device.downloads).toBe(row.steps + 2 * device.previews.length + 1);
      if (row.calls) {
        const { halves, ...counts } = row.calls;
        expect(device.calls).toEqual(counts);
        expect(host.calls).toEqual(counts);
        expect(device.halves).toBe(halves);
        // the host loop on the same webgpu sessions reads every U-Net output back (and the full steps' features)
        expect(host.downloads).toBe(2 * counts.full + counts.shallow);
      }
    },
    600_000,
  );
});
