// `freeu` reference cases: fourier_filter and apply_freeu (v1 diffusers, v2 official repo) through core/freeu/reference.ts.
import { T2vError } from '../../errors.js';
import { applyFreeU, fourierFilter, type Dims4 } from '../../freeu/reference.js';
import { BOUNDS, compare } from '../metrics.js';
import type { VerifyKind, VerifyRun } from '../types.js';

function dims4(shape: unknown, where: string): Dims4 {
  if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((d) => Number.isInteger(d) && (d as number) > 0)) {
    throw new T2vError(`${where}: shape must be [B, C, H, W]`);
  }
  return shape as unknown as Dims4;
}

export const verifyFreeU: VerifyKind = async ({ dir, caseJson, tensors }) => {
  if (!Array.isArray(caseJson.cases)) throw new T2vError(`${dir}/case.json: "cases" must be a list`);
  const runs: VerifyRun[] = [];
  for (const [i, raw] of (caseJson.cases as unknown[]).entries()) {
    const c = (raw ?? {}) as Record<string, unknown>;
    const where = `${dir}/case.json cases[${i}]`;
    const key = String(c.key);
    const dims = dims4(c.shape, where);
    if (c.op === 'fourier_filter') {
      const out = fourierFilter(await tensors.readFloat32(`${key}_in`), dims, Number(c.threshold), Number(c.scale));
      runs.push(compare(`${key} fourier_filter`, 'relative', out, await tensors.readFloat32(`${key}_out`), BOUNDS.freeu));
    } else if (c.op === 'apply_freeu') {
      const h = await tensors.readFloat32(`${key}_h`);
      const hs = await tensors.readFloat32(`${key}_hs`);
      const skipDims = dims4(tensors.info(`${key}_hs`).shape, where);
      for (const version of [1, 2] as const) {
        const factors = { b1: Number(c.b1), b2: Number(c.b2), s1: Number(c.s1), s2: Number(c.s2), version };
        const out = applyFreeU(h, hs, dims, Number(c.resolution_idx), factors, skipDims);
        runs.push(compare(`${key} v${version} h`, 'relative', out.h, await tensors.readFloat32(`${key}_v${version}_h`), BOUNDS.freeu));
        runs.push(compare(`${key} v${version} hs`, 'relative', out.hs, await tensors.readFloat32(`${key}_v${version}_hs`), BOUNDS.freeu));
      }
    } else {
      throw new T2vError(`${where}: op must be fourier_filter or apply_freeu`);
    }
  }
  return runs;
};
