// torch.randn(shape, generator) in float32 on the CPU, value for value (aten/src/ATen/native/cpu/DistributionTemplates.h normal_fill / normal_kernel).
import { TorchGenerator } from './generator.js';

/** Box-Muller over 16 uniforms in place: lanes j and j+8 become one (cos, sin) pair, rounded to float32. */
function normalFill16(data: Float32Array, at: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = Math.fround(1 - data[at + j]!);
    const u2 = data[at + j + 8]!;
    const radius = Math.fround(Math.sqrt(Math.fround(-2 * Math.fround(Math.log(u1)))));
    const theta = Math.fround(2 * Math.PI * u2);
    data[at + j] = radius * Math.fround(Math.cos(theta));
    data[at + j + 8] = radius * Math.fround(Math.sin(theta));
  }
}

/** Fills `out` as torch's normal_ (mean 0, std 1) does for a contiguous float32 tensor. */
export function fillNormal(out: Float32Array, gen: TorchGenerator): Float32Array {
  const size = out.length;
  if (size >= 16) {
    // vectorised path: all uniforms first, then 16-lane blocks; a ragged tail redraws the last 16
    for (let i = 0; i < size; i++) out[i] = gen.uniformFloat();
    for (let i = 0; i + 16 <= size; i += 16) normalFill16(out, i);
    if (size % 16 !== 0) {
      const at = size - 16;
      for (let i = 0; i < 16; i++) out[at + i] = gen.uniformFloat();
      normalFill16(out, at);
    }
  } else {
    // scalar path: one double normal per element, cached pairs included
    for (let i = 0; i < size; i++) out[i] = gen.normalDouble();
  }
  return out;
}

/** `torch.randn(shape, generator=torch.Generator('cpu').manual_seed(seed))` as float32. */
export function randn(shape: readonly number[], seed: bigint): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return fillNormal(new Float32Array(n), new TorchGenerator().manualSeed(seed));
}
