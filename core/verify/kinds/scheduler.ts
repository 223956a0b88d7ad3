// `scheduler` reference cases: timesteps exact, then the chain from x0 fed the recorded model outputs, each step relative 1e-5.
import { T2vError } from '../../errors.js';
import { createSchedulerFromClass, type SchedulerClass } from '../../schedulers/index.js';
import { BOUNDS, compare } from '../metrics.js';
import type { VerifyKind, VerifyRun } from '../types.js';

const CLASSES: readonly SchedulerClass[] = ['DDIMScheduler', 'DPMSolverMultistepScheduler', 'EulerDiscreteScheduler'];

interface SchedulerRun {
  readonly key: string;
  readonly cls: SchedulerClass;
  readonly steps: number;
  readonly initNoiseSigma: number;
  readonly config: Readonly<Record<string, unknown>>;
}

function parseRuns(caseJson: Readonly<Record<string, unknown>>, dir: string): SchedulerRun[] {
  if (!Array.isArray(caseJson.runs)) throw new T2vError(`${dir}/case.json: "runs" must be a list`);
  return caseJson.runs.map((r: unknown, i) => {
    const o = (r ?? {}) as Record<string, unknown>;
    const cls = o.scheduler as SchedulerClass;
    if (typeof o.key !== 'string' || !CLASSES.includes(cls) || typeof o.steps !== 'number' || typeof o.config !== 'object' || o.config === null) {
      throw new T2vError(`${dir}/case.json: runs[${i}] must be {key, scheduler (${CLASSES.join(' | ')}), steps, config}`);
    }
    return { key: o.key, cls, steps: o.steps, initNoiseSigma: Number(o.init_noise_sigma ?? 1), config: o.config as Record<string, unknown> };
  });
}

export const verifyScheduler: VerifyKind = async ({ dir, caseJson, tensors }) => {
  const out: VerifyRun[] = [];
  for (const run of parseRuns(caseJson, dir)) {
    const s = createSchedulerFromClass(run.cls, run.config);
    s.setTimesteps(run.steps);
    // the reference stores timesteps as int64; Euler's fractional ones were truncated by that cast
    const ref = Array.from(await tensors.readInt64(`${run.key}_timesteps`), Number);
    out.push(compare(`${run.key} timesteps`, 'exact', s.timesteps.map(Math.trunc), ref, 0));
    out.push(compare(`${run.key} init_noise_sigma`, 'relative', [s.initNoiseSigma], [run.initNoiseSigma], BOUNDS.schedulerStep));
    let x = await tensors.readFloat32(`${run.key}_x0`);
    for (let i = 0; i < s.timesteps.length; i++) {
      const t = s.timesteps[i]!;
      const xin = s.scaleModelInput(x, t);
      out.push(compare(`${run.key} xin${i}`, 'relative', xin, await tensors.readFloat32(`${run.key}_xin${i}`), BOUNDS.schedulerStep));
      x = s.step(await tensors.readFloat32(`${run.key}_eps${i}`), t, x);
      out.push(compare(`${run.key} x${i + 1}`, 'relative', x, await tensors.readFloat32(`${run.key}_x${i + 1}`), BOUNDS.schedulerStep));
    }
  }
  return out;
};
