// The network golden kinds on --device webgpu within the CPU bounds, plus shapes and FreeU factors beyond the fixtures.
// CI runs them on SwiftShader (a CPU Vulkan driver, see .ci/run); without an adapter they fail with the fix in one
// line, unless T2V_SKIP_WEBGPU=1 asks to skip them (vitest then reports them as skipped).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webgpuAdapterInfo } from '../../../core/runtime/adapter.js';
import { webgpuUnavailableReason } from '../../../core/runtime/device.js';
import { loadUnet3d } from '../../../core/runtime/unet3d.js';
import { relativeError } from '../../../core/verify/metrics.js';
import { verifyCase } from '../../../core/verify/run.js';
import { GraphBuilder } from '../../../models/onnx/graph.js';
import { golden } from '../../helpers.js';
import { xorshiftValues } from '../../../core/rng/xorshift.js';

const skip = process.env.T2V_SKIP_WEBGPU === '1';
// this file alone runs on SwiftShader (the Vulkan loader reads VK_ICD_FILENAMES when Dawn starts, after this line)
const SWIFTSHADER = process.env.T2V_TEST_VK_ICD ?? '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
let cache: string;
const saved = process.env.T2V_CACHE;

beforeAll(async () => {
  if (skip) return;
  const why = await webgpuUnavailableReason();
  if (why)
    throw new Error(
      `no WebGPU adapter (${why}): install chromium and libvulkan1 and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (this file does when the driver is at $T2V_TEST_VK_ICD or Debian's path), or set T2V_SKIP_WEBGPU=1 to skip these tests`,
    );
  cache = await mkdtemp(join(tmpdir(), 't2v-webgpu-'));
  process.env.T2V_CACHE = cache;
}, 300_000);
afterAll(async () => {
  if (saved === undefined) delete process.env.T2V_CACHE;
  else process.env.T2V_CACHE = saved;
  if (cache) await rm(cache, { recursive: true, force: true });
});

describe.skipIf(skip)('golden network cases on webgpu (the CPU bounds)', () => {
  it.each([
    ['clip-small', 'clip-text', 6],
    ['vae-small', 'vae-decode', 1],
    ['unet3d-micro', 'unet3d', 3],
    ['pipeline-micro', 'pipeline', 6],
  ])(
    '%s',
    async (name, kind, runs) => {
      const report = await verifyCase(golden(name), 'webgpu');
      expect(report.kind).toBe(kind);
      expect(report.runs).toHaveLength(runs);
      for (const r of report.runs) expect(r.error, `${r.name} (bound ${r.bound})`).toBeLessThanOrEqual(r.bound);
      expect(report.pass).toBe(true);
    },
    600_000,
  );
});

const noise = (n: number, seed: number): Float32Array => xorshiftValues(n, seed);

describe.skipIf(skip)('webgpu against cpu on the same graph', () => {
  it('U-Net at an odd shape (1, 4, 3, 9, 13), FreeU v2 at other factors, two timesteps: relative <= 1e-4', async () => {
    const dir = golden('pipeline-tiny', 'model', 'unet');
    const dims = [2, 4, 3, 9, 13] as const;
    const x = {
      sample: noise(
        dims.reduce((a, b) => a * b, 1),
        5,
      ),
      sampleDims: dims,
      timestep: [999, 37],
      encoderHiddenStates: noise(2 * 7 * 32, 6),
      ehsDims: [2, 7, 32] as const,
      freeu: { b1: 1.3, b2: 1.5, s1: 0.6, s2: 0.3, version: 2 as const },
    };
    const outs: Float32Array[] = [];
    for (const device of ['cpu', 'webgpu'] as const) {
      const unet = await loadUnet3d(dir, { device, threads: 2 });
      try {
        outs.push(await unet.run(x));
      } finally {
        await unet.release();
      }
    }
    expect(relativeError(outs[1]!, outs[0]!)).toBeLessThanOrEqual(1e-4);
  }, 600_000);

  // the upstream bug behind defaultAttention: when this starts failing, onnxruntime fixed it (revisit the choice)
  it('onnxruntime 1.30 WebGPU MultiHeadAttention is wrong on adapters with subgroups under 8 lanes', async () => {
    const info = await webgpuAdapterInfo();
    if (typeof info === 'string' || (info.subgroupMinSize ?? 32) >= 8) return;
    const g = new GraphBuilder({ name: 'mha' });
    const [q, k, v] = [
      ['q', 36],
      ['k', 12],
      ['v', 12],
    ].map(([n, s]) => g.input(n as string, 'float32', [1, s as number, 4]));
    g.output(g.node('MultiHeadAttention', [q!, k!, v!], { num_heads: 1 }, 'com.microsoft'), 'out', 'float32', [1, 36, 4]);
    const feeds = { q: new ort.Tensor('float32', noise(144, 1), [1, 36, 4]), k: new ort.Tensor('float32', noise(48, 2), [1, 12, 4]), v: new ort.Tensor('float32', noise(48, 3), [1, 12, 4]) };
    const outs: Float32Array[] = [];
    for (const ep of ['cpu', 'webgpu']) {
      const s = await ort.InferenceSession.create(g.serialize(), { executionProviders: [ep], logSeverityLevel: 3 });
      outs.push((await s.run(feeds)).out!.data as Float32Array);
      await s.release();
    }
    expect(relativeError(outs[1]!, outs[0]!)).toBeGreaterThan(1e-2);
  }, 120_000);
});
