// --precision per device: the defaults, the refusal where the adapter has no shader-f16, and SwiftShader's real answer.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inFlagTerms } from '../../../cli/setting-flags.js';
import { T2vError } from '../../../core/errors.js';
import type { Device, Precision } from '../../../core/runtime/device-names.js';
import { resolvePrecision } from '../../../core/runtime/precision.js';
import { probeWebgpu } from '../../../core/runtime/webgpu-probe.js';
import { withTempDir } from '../../helpers.js';

const SWIFTSHADER = process.env.T2V_TEST_VK_ICD ?? '/usr/lib/chromium/vk_swiftshader_icd.json';

describe('resolvePrecision', () => {
  it.each([
    ['cpu', undefined, false, 'fp32'],
    ['cpu', 'fp16', false, 'fp16'],
    ['cpu', 'fp32', true, 'fp32'],
    ['webgpu', undefined, true, 'fp16'],
    ['webgpu', undefined, false, 'fp32'],
    ['webgpu', 'fp32', true, 'fp32'],
    ['webgpu', 'fp16', true, 'fp16'],
  ] as const)('%s, asked %s, shader-f16 %s -> %s', async (device: Device, asked: Precision | undefined, f16: boolean, want: Precision) => {
    expect((await resolvePrecision(device, asked, async () => f16)).precision).toBe(want);
  });

  it('refuses fp16 on an adapter without shader-f16 in one line with the fix (a runtime error, exit 1)', async () => {
    const err = await resolvePrecision('webgpu', 'fp16', async () => false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(T2vError);
    expect((err as T2vError).exitCode).toBe(1);
    expect(inFlagTerms(err as Error).message).toBe('--precision fp16: the WebGPU adapter has no shader-f16 (fp16 shaders; SwiftShader and some drivers lack it); use --precision fp32');
  });
});

describe('the WebGPU probe on SwiftShader', () => {
  it.skipIf(process.env.T2V_SKIP_WEBGPU === '1')(
    'finds the adapter and reports no shader-f16 (onnxruntime refuses its fp16 program)',
    async () => {
      expect(existsSync(SWIFTSHADER), `SwiftShader's ICD at ${SWIFTSHADER}: apt-get install chromium libvulkan1 (or T2V_SKIP_WEBGPU=1)`).toBe(true);
      await withTempDir(async (dir) => {
        const answer = await probeWebgpu({ ...process.env, T2V_CACHE: dir, VK_ICD_FILENAMES: SWIFTSHADER }, { fresh: true });
        expect(answer.reason).toBeNull();
        expect(answer.shaderF16).toBe(false);
      });
    },
    60_000,
  );
});
