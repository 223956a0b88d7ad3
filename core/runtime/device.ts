// Execution providers: cpu always; webgpu (bundled in onnxruntime-node, Dawn over Vulkan) when an adapter exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { errorMessage, settingRef, T2vError } from '../errors.js';
import type { Device, DeviceChoice } from './device-names.js';
import { probeWebgpu } from './webgpu-probe.js';

export type { Device, DeviceChoice } from './device-names.js';

let probed: Promise<{ reason: string | null; shaderF16: boolean }> | undefined;

/** The first line of an error, for one-line messages. */
export function firstLine(e: unknown): string {
  const text = errorMessage(e);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  // onnxruntime prefixes its source location; keep the human part when there is one
  const line = lines.find((l) => /adapter|not|fail|error/i.test(l)) ?? lines[0] ?? 'unknown error';
  const adapter = /Failed to get a WebGPU adapter.*$/.exec(line);
  if (adapter) return adapter[0].slice(0, 300);
  return line
    .replace(/^.*?\)::<lambda\(\)> /, '')
    .replace(/^\/onnxruntime_src\S+ /, '')
    .slice(0, 300);
}

const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib'];

/** Linux only: Dawn needs the Vulkan loader, and probing without one just prints a native warning on stderr. */
export function hasVulkanLoader(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== 'linux') return true;
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LIB_DIRS];
  if (dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')))) return true;
  try {
    return readFileSync('/etc/ld.so.cache').includes('libvulkan.so.1');
  } catch {
    return false;
  }
}

function probeOnce(env: NodeJS.ProcessEnv): Promise<{ reason: string | null; shaderF16: boolean }> {
  probed ??= (async () => {
    if (!hasVulkanLoader(env)) return { reason: 'no Vulkan loader (libvulkan.so.1) is installed; install libvulkan1 and the GPU driver', shaderF16: false };
    const answer = await probeWebgpu(env);
    return { reason: answer.reason === null ? null : firstLine(answer.reason), shaderF16: answer.shaderF16 };
  })();
  return probed;
}

/** Null when a WebGPU adapter works; otherwise why not (one line). Probed in a child process, cached per machine. */
export async function webgpuUnavailableReason(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  return (await probeOnce(env)).reason;
}

/** Whether the WebGPU adapter runs fp16 shaders (shader-f16), from the same probe; false without an adapter. */
export async function webgpuShaderF16(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return (await probeOnce(env)).shaderF16;
}

/** `--device`: auto picks webgpu when an adapter exists, else cpu, and says which it picked. */
export async function resolveDevice(choice: DeviceChoice): Promise<{ device: Device; note: string }> {
  if (choice === 'cpu') return { device: 'cpu', note: 'device: cpu' };
  if (choice === 'webgpu') {
    await assertDeviceUsable('webgpu');
    return { device: 'webgpu', note: 'device: webgpu' };
  }
  const why = await webgpuUnavailableReason();
  if (!why) return { device: 'webgpu', note: 'device: webgpu (auto: a WebGPU adapter was found)' };
  return { device: 'cpu', note: `device: cpu (auto: no usable WebGPU adapter: ${why})` };
}

/** Throws the one-line `--device webgpu` error when there is no adapter (before any graph is built for it). */
export async function assertDeviceUsable(device: Device): Promise<void> {
  if (device !== 'webgpu') return;
  const why = await webgpuUnavailableReason();
  if (why) throw new T2vError(`${settingRef('device')} webgpu: no usable WebGPU adapter (${why}); use ${settingRef('device')} cpu or ${settingRef('device')} auto`);
}

export function executionProviders(device: Device): ort.InferenceSession.ExecutionProviderConfig[] {
  return device === 'webgpu' ? ['webgpu'] : ['cpu'];
}
