// The checks diffusers' TextToVideoSDPipeline.check_inputs makes, on one request against the model's VAE scale factor.
import { ETA_RANGE, MAX_SEED } from '../common/types.js';
import { settingRef as ref, UsageError } from '../errors.js';
import { fullSteps } from './deep-cache.js';
import type { GenerateRequest } from './types.js';

/** Checks the numbers of a request against each other and the model; every problem names its setting. */
export function validateRequest(req: GenerateRequest, scale: number): void {
  const positiveInt = (v: number, setting: string) => {
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`${ref(setting)} ${v}: expected a whole number >= 1`);
  };
  positiveInt(req.steps, 'steps');
  positiveInt(req.frames, 'frames');
  for (const [v, setting] of [
    [req.width, 'width'],
    [req.height, 'height'],
  ] as const) {
    positiveInt(v, setting);
    if (v % scale !== 0) throw new UsageError(`${ref(setting)} ${v}: must be a multiple of ${scale} (the model's VAE scale factor), e.g. ${Math.max(scale, Math.round(v / scale) * scale)}`);
  }
  if (!(req.guidanceScale >= 1)) throw new UsageError(`${ref('guidanceScale')} ${req.guidanceScale}: expected a number >= 1 (1 turns guidance off)`);
  const eta = req.eta ?? 0;
  if (!(eta >= ETA_RANGE.min && eta <= ETA_RANGE.max)) throw new UsageError(`${ref('eta')} ${eta}: expected a number in [0, 1] (0 is deterministic DDIM)`);
  if (eta > 0 && req.scheduler !== 'ddim') throw new UsageError(`${ref('eta')} ${eta}: eta applies to the ddim scheduler only; use ${ref('scheduler')} ddim or drop ${ref('eta')}`);
  if (req.seed !== undefined && (req.seed < 0n || req.seed > MAX_SEED)) throw new UsageError(`${ref('seed')} ${req.seed}: expected a whole number in 0 .. 2^64-1`);
  if (req.deepCache) {
    positiveInt(req.deepCache.interval, 'deepCache.interval');
    if (!Number.isInteger(req.deepCache.branch) || req.deepCache.branch < 0)
      throw new UsageError(`${ref('deepCache.branch')} ${req.deepCache.branch}: expected a whole number >= 0 (0 = the shallowest skip)`);
    // the schedule must fit the steps (last-full count, non-uniform placement): refused here, not at the first step
    fullSteps(req.steps, req.deepCache);
  }
  const gi = req.guidanceInterval;
  if (gi && !(gi[0] >= 0 && gi[0] < gi[1] && gi[1] <= 1)) throw new UsageError(`${ref('guidanceInterval')} ${gi.join(',')}: expected A,B with 0 <= A < B <= 1 (fractions of the steps)`);
}
