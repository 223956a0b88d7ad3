// The WebGPU adapter as Dawn describes it (optional `webgpu` package, Dawn's Node bindings): for `t2v doctor` only.
import { firstLine } from './device.js';

export interface AdapterInfo {
  /** vendor / architecture / description, as Dawn reports them. */
  readonly name: string;
  /** A software rasteriser (SwiftShader, llvmpipe / lavapipe): correct but slow, a test driver. */
  readonly cpu: boolean;
  readonly shaderF16: boolean;
  readonly subgroupMinSize?: number;
}

interface DawnAdapter {
  readonly info: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean; subgroupMinSize?: number };
  readonly features: ReadonlySet<string>;
}
interface DawnGpu {
  requestAdapter(o?: { powerPreference?: string }): Promise<DawnAdapter | null>;
}

const CPU_DRIVERS = /swiftshader|llvmpipe|lavapipe|softpipe|warp/i;

/** Dawn's fields joined into one name and the CPU verdict; exported for tests. */
export function describeAdapter(a: DawnAdapter): AdapterInfo {
  const { vendor, architecture, description, isFallbackAdapter, subgroupMinSize } = a.info;
  const name = [vendor, architecture, description].filter(Boolean).join(' / ') || 'unnamed adapter';
  return {
    name,
    cpu: isFallbackAdapter === true || CPU_DRIVERS.test(`${architecture} ${description} ${a.info.device}`),
    shaderF16: a.features.has('shader-f16'),
    ...(subgroupMinSize ? { subgroupMinSize } : {}),
  };
}

let asked: Promise<AdapterInfo | string> | undefined;

/** The adapter onnxruntime's WebGPU provider gets by default (high-performance), or why it cannot be named. */
export function webgpuAdapterInfo(): Promise<AdapterInfo | string> {
  asked ??= (async () => {
    let mod: { create: (flags: string[]) => unknown };
    try {
      mod = (await import('webgpu')) as unknown as typeof mod;
    } catch {
      return 'adapter name unknown: the optional package webgpu (Dawn for Node) is not installed';
    }
    try {
      const adapter = await (mod.create([]) as DawnGpu).requestAdapter({ powerPreference: 'high-performance' });
      return adapter ? describeAdapter(adapter) : 'Dawn found no adapter';
    } catch (e) {
      return `cannot ask Dawn for the adapter: ${firstLine(e)}`;
    }
  })();
  return asked;
}
