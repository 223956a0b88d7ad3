// --precision: fp32 or fp16 graphs; the default follows the device (fp16 on webgpu when the adapter has shader-f16).
import { settingRef, T2vError } from '../errors.js';
import type { Device, Precision } from './device-names.js';
import { webgpuShaderF16 } from './device.js';

export interface ResolvedPrecision {
  readonly precision: Precision;
  /** Why this precision, for the device line: "fp16 (the adapter has shader-f16)". */
  readonly note: string;
}

/**
 * The precision a run uses. Absent: fp32 on cpu (onnxruntime's CPU kernels are float32; an fp16 graph there runs
 * slower, its nodes cast to float32 and back), fp16 on webgpu when the adapter has shader-f16, else fp32. fp16 asked
 * of a webgpu adapter without shader-f16 is refused in one line: nothing falls back silently.
 */
export async function resolvePrecision(device: Device, asked?: Precision, shaderF16: () => Promise<boolean> = () => webgpuShaderF16()): Promise<ResolvedPrecision> {
  if (device === 'cpu') return { precision: asked ?? 'fp32', note: asked === 'fp16' ? 'fp16 (asked; on cpu it checks fp16 numerics and runs slower than fp32)' : 'fp32' };
  const f16 = await shaderF16();
  if (asked === 'fp16' && !f16) {
    throw new T2vError(`${settingRef('precision')} fp16: the WebGPU adapter has no shader-f16 (fp16 shaders; SwiftShader and some drivers lack it); use ${settingRef('precision')} fp32`);
  }
  if (asked) return { precision: asked, note: asked };
  return f16 ? { precision: 'fp16', note: 'fp16 (the adapter has shader-f16)' } : { precision: 'fp32', note: 'fp32 (the adapter has no shader-f16)' };
}
