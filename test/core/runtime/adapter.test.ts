// Naming the WebGPU adapter and telling a CPU implementation (a test driver) from a GPU.
import { describe, expect, it } from 'vitest';
import { describeAdapter } from '../../../core/runtime/adapter.js';

const adapter = (info: Record<string, unknown>, features: string[] = []) => ({
  info: { vendor: '', architecture: '', device: '', description: '', ...info },
  features: new Set(features),
});

describe('describeAdapter', () => {
  it.each([
    [
      'SwiftShader (Dawn marks it fallback)',
      { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true, subgroupMinSize: 4 },
      [],
      'google / swiftshader / SwiftShader driver 5.0.0',
      true,
      false,
    ],
    ['lavapipe, not marked fallback', { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, [], 'mesa / llvmpipe (LLVM 15.0.6, 256 bits)', true, false],
    [
      'an NVIDIA GPU with shader-f16',
      { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100 80GB HBM3' },
      ['shader-f16', 'subgroups'],
      'nvidia / hopper / NVIDIA H100 80GB HBM3',
      false,
      true,
    ],
    ['no fields at all', {}, [], 'unnamed adapter', false, false],
  ] as const)('%s', (_what, info, features, name, cpu, f16) => {
    const a = describeAdapter(adapter(info, [...features]));
    expect(a.name).toBe(name);
    expect(a.cpu).toBe(cpu);
    expect(a.shaderF16).toBe(f16);
  });
});
