// numpy's linspace / arange / round as diffusers' set_timesteps uses them, so timesteps come out identical.
import { T2vError } from '../errors.js';

/** np.round: half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** np.linspace(start, stop, num) in float64: arange(num) * step + start, the last value set to stop. */
export function npLinspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** np.arange(start, stop, step) for a negative float step. */
export function npArangeDown(start: number, stop: number, step: number): number[] {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  return Array.from({ length: n }, (_, i) => start + i * step);
}

export function checkSteps(n: number, numTrainTimesteps: number): void {
  if (!Number.isInteger(n) || n < 1 || n > numTrainTimesteps) {
    throw new T2vError(`steps ${n}: expected a whole number in [1, ${numTrainTimesteps}] (the model's num_train_timesteps)`);
  }
}
