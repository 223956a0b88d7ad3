// The device-resident loop (webgpu: U-Net, guidance and scheduler step on GPU buffers) against the host loop on the same
// sessions, per step, on pipeline-tiny's model. Runs on SwiftShader where there is no GPU (see webgpu.test.ts); a U-Net
// call takes 5-15 s there, so one row: DPM++ (second order, y_prev on the device) with a guidance interval (batch 2 then 1).
// Every scheduler's step graph is checked without the U-Net in test/core/runtime/step-graphs.test.ts, and the
// pipeline-micro golden (DDIM, FreeU, guidance) runs this loop against diffusers in test/core/verify/webgpu.test.ts.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webgpuUnavailableReason } from '../../../core/runtime/device.js';
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
}

async function run(row: Row, resident: boolean): Promise<{ steps: Float32Array[]; final: Float32Array; previews: number[] }> {
  const embeds = await pipe.encodePrompt('a red ball', 'blurry', row.guidance > 1);
  const scheduler = pipe.scheduler(row.scheduler, row.steps, { ...pipe.configs.schedulerConfig, ...row.config });
  const { latents, dims, generator } = pipe.prepareLatents({ frames: 2, height: 16, width: 16 }, 7n, scheduler);
  const steps: Float32Array[] = [];
  const previews: number[] = [];
  const freeu = row.freeu ? { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2, version: 1 as const, start: 0, end: 1 } : null;
  const final = await pipe.denoise(
    { scheduler, latents, dims, embeds, guidanceScale: row.guidance, freeu, eta: row.eta ?? 0, generator, guidanceInterval: row.interval ?? null, resident },
    {
      onLatents: (_i, x) => steps.push(x),
      onOutput: (i) => {
        previews.push(i);
      },
      outputSteps: (i) => i % 2 === 1,
    },
  );
  return { steps, final, previews };
}

describe.skipIf(skip)('device-resident sampling on webgpu = the host loop (golden bounds)', () => {
  it.each<Row>([
    // lower_order_final off and a sigma_min final sigma: the last of two steps is second order
    { scheduler: 'dpmpp2m', config: { lower_order_final: false, final_sigmas_type: 'sigma_min' }, steps: 2, guidance: 7.5, interval: [0, 0.5], freeu: true },
  ])(
    '$scheduler $config x$steps guidance $guidance eta $eta interval $interval',
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
    },
    600_000,
  );
});
