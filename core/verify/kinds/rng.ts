// `rng` reference cases: torch.randn on a seeded CPU generator, max abs error per run.
import { T2vError } from '../../errors.js';
import { randn } from '../../rng/randn.js';
import { BOUNDS, compare } from '../metrics.js';
import type { VerifyKind, VerifyRun } from '../types.js';

interface RngRun {
  readonly key: string;
  readonly seed: bigint;
  readonly shape: number[];
}

function parseRuns(caseJson: Readonly<Record<string, unknown>>, dir: string): RngRun[] {
  const cases = caseJson.cases;
  if (!Array.isArray(cases)) throw new T2vError(`${dir}/case.json: "cases" must be a list of {key, seed, shape}`);
  return cases.map((c: unknown, i) => {
    const o = (c ?? {}) as Record<string, unknown>;
    const shape = o.shape;
    if (typeof o.key !== 'string' || (typeof o.seed !== 'number' && typeof o.seed !== 'string') || !Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
      throw new T2vError(`${dir}/case.json: cases[${i}] must be {key, seed, shape}`);
    }
    return { key: o.key, seed: BigInt(o.seed), shape: shape as number[] };
  });
}

export const verifyRng: VerifyKind = async ({ dir, caseJson, tensors }) => {
  const runs: VerifyRun[] = [];
  for (const run of parseRuns(caseJson, dir)) {
    const ref = await tensors.readFloat32(run.key);
    runs.push(compare(run.key, 'max-abs', randn(run.shape, run.seed), ref, BOUNDS.rng));
  }
  return runs;
};
