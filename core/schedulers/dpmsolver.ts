// DPM-Solver++ multistep (2M by default), ported from diffusers schedulers/scheduling_dpmsolver_multistep.py.
import { T2vError } from '../errors.js';
import { alphasCumprod, interpAtTimesteps, trainSigmas } from './betas.js';
import type { SchedulerConfig } from './config.js';
import { checkSteps, npArangeDown, npLinspace, roundHalfEven } from './spacing.js';
import type { AffineStep, Scheduler } from './types.js';

const f = Math.fround;

/** (alpha_t, sigma_t, lambda_t) of a float32 sigma, each op rounded to float32 as on a torch scalar tensor. */
function alphaSigmaLambda(sigma: number): [number, number, number] {
  const alpha = f(1 / f(Math.sqrt(f(f(sigma * sigma) + 1))));
  const s = f(sigma * alpha);
  return [alpha, s, f(f(Math.log(alpha)) - f(Math.log(s)))];
}

export class DPMSolverMultistepScheduler implements Scheduler {
  readonly initNoiseSigma = 1;
  timesteps: number[] = [];
  private readonly alphasCumprod: Float64Array;
  private sigmas: number[] = [];
  private modelOutputs: (Float32Array | null)[] = [];
  private lowerOrderNums = 0;
  private stepIndex: number | null = null;

  constructor(readonly config: SchedulerConfig) {
    this.alphasCumprod = alphasCumprod(config, true);
  }

  /** Timesteps past lambda_min_clipped are cut (searchsorted on the flipped lambda_t). */
  private lastTimestep(): number {
    const T = this.config.numTrainTimesteps;
    let below = 0;
    for (let i = T - 1; i >= 0; i--) {
      const a = this.alphasCumprod[i]!;
      const lambda = f(f(Math.log(f(Math.sqrt(a)))) - f(Math.log(f(Math.sqrt(f(1 - a))))));
      if (lambda < this.config.lambdaMinClipped) below++;
      else break;
    }
    return T - below;
  }

  setTimesteps(n: number): void {
    const c = this.config;
    checkSteps(n, c.numTrainTimesteps);
    const last = this.lastTimestep();
    let ts: number[];
    if (c.timestepSpacing === 'linspace') {
      ts = npLinspace(0, last - 1, n + 1)
        .map(roundHalfEven)
        .reverse()
        .slice(0, -1);
    } else if (c.timestepSpacing === 'leading') {
      const ratio = Math.floor(last / (n + 1));
      ts = Array.from({ length: n }, (_, i) => (n - i) * ratio + c.stepsOffset);
    } else {
      ts = npArangeDown(last, 0, -c.numTrainTimesteps / n).map((t) => roundHalfEven(t) - 1);
    }
    const table = trainSigmas(this.alphasCumprod);
    const sigmaLast = c.finalSigmasType === 'sigma_min' ? table[0]! : 0;
    this.sigmas = [...interpAtTimesteps(ts, table), sigmaLast].map(f);
    this.timesteps = ts;
    this.modelOutputs = new Array<Float32Array | null>(c.solverOrder).fill(null);
    this.lowerOrderNums = 0;
    this.stepIndex = null;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  /** index_for_timestep: the second match if the timestep repeats, the last index if it is absent. */
  private indexFor(t: number): number {
    const hits = this.timesteps.flatMap((v, i) => (v === t ? [i] : []));
    return hits.length === 0 ? this.timesteps.length - 1 : hits.length > 1 ? hits[1]! : hits[0]!;
  }

  /** dpmsolver++ works on the predicted x0; dpmsolver on the predicted noise. */
  private convertModelOutput(m: Float32Array, x: Float32Array, idx: number): Float32Array {
    const c = this.config;
    const [alpha, sigma] = alphaSigmaLambda(this.sigmas[idx]!);
    const out = new Float32Array(m.length);
    for (let i = 0; i < m.length; i++) {
      const mi = m[i]!;
      const xi = x[i]!;
      if (c.algorithmType === 'dpmsolver++') {
        out[i] = c.predictionType === 'epsilon' ? f(f(xi - f(sigma * mi)) / alpha) : c.predictionType === 'sample' ? mi : f(f(alpha * xi) - f(sigma * mi));
      } else {
        out[i] = c.predictionType === 'epsilon' ? mi : c.predictionType === 'sample' ? f(f(xi - f(alpha * mi)) / sigma) : f(f(alpha * mi) + f(sigma * xi));
      }
    }
    return out;
  }

  /** The step index and which solver order it takes, advancing the state (`step` and `affineStep` share it). */
  private advance(timestep: number): { idx: number; second: boolean } {
    const c = this.config;
    if (this.timesteps.length === 0) throw new T2vError('scheduler: setTimesteps must run before step');
    if (this.stepIndex === null) this.stepIndex = this.indexFor(timestep);
    const idx = this.stepIndex;
    const n = this.timesteps.length;
    const lowerOrderFinal = idx === n - 1 && (c.eulerAtFinal || (c.lowerOrderFinal && n < 15) || c.finalSigmasType === 'zero');
    const second = !(c.solverOrder === 1 || this.lowerOrderNums < 1 || lowerOrderFinal);
    if (this.lowerOrderNums < c.solverOrder) this.lowerOrderNums++;
    this.stepIndex = idx + 1;
    return { idx, second };
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array): Float32Array {
    const { idx, second } = this.advance(timestep);
    const m0 = this.convertModelOutput(modelOutput, sample, idx);
    this.modelOutputs.shift();
    this.modelOutputs.push(m0);
    return second ? this.secondOrder(m0, this.modelOutputs[this.modelOutputs.length - 2]!, sample, idx) : this.firstOrder(m0, sample, idx);
  }

  inputDivisor(): number {
    return 1;
  }

  /** y is convert_model_output (x0 for dpmsolver++); the second order adds d * (y - yPrev) / r0. */
  affineStep(timestep: number): AffineStep {
    const { idx, second } = this.advance(timestep);
    const c = this.config;
    const [alpha, sigma] = alphaSigmaLambda(this.sigmas[idx]!);
    const eps = c.predictionType === 'epsilon';
    const sample = c.predictionType === 'sample';
    const [kx, km] = c.algorithmType === 'dpmsolver++' ? (eps ? [1 / alpha, -sigma / alpha] : sample ? [0, 1] : [alpha, -sigma]) : eps ? [0, 1] : sample ? [1 / sigma, -alpha / sigma] : [sigma, alpha];
    const base = { kx: kx!, km: km!, clip: Infinity, om: 0, on: 0 };
    if (!second) {
      const { a, b } = this.firstOrderScalars(idx);
      return { ...base, ox: a, oy: -b, op: 0 };
    }
    const { a, b, d, invR0 } = this.secondOrderScalars(idx);
    return { ...base, ox: a, oy: -b - d * invR0, op: d * invR0 };
  }

  private firstOrderScalars(idx: number): { a: number; b: number } {
    const [alphaT, sigmaT, lambdaT] = alphaSigmaLambda(this.sigmas[idx + 1]!);
    const [alphaS, sigmaS, lambdaS] = alphaSigmaLambda(this.sigmas[idx]!);
    const h = f(lambdaT - lambdaS);
    const pp = this.config.algorithmType === 'dpmsolver++';
    return { a: pp ? f(sigmaT / sigmaS) : f(alphaT / alphaS), b: pp ? f(alphaT * f(f(Math.exp(-h)) - 1)) : f(sigmaT * f(f(Math.exp(h)) - 1)) };
  }

  private secondOrderScalars(idx: number): { a: number; b: number; d: number; invR0: number } {
    const [alphaT, sigmaT, lambdaT] = alphaSigmaLambda(this.sigmas[idx + 1]!);
    const [alphaS0, sigmaS0, lambdaS0] = alphaSigmaLambda(this.sigmas[idx]!);
    const [, , lambdaS1] = alphaSigmaLambda(this.sigmas[idx - 1]!);
    const h = f(lambdaT - lambdaS0);
    const r0 = f(f(lambdaS0 - lambdaS1) / h);
    const pp = this.config.algorithmType === 'dpmsolver++';
    const mid = this.config.solverType === 'midpoint';
    const a = pp ? f(sigmaT / sigmaS0) : f(alphaT / alphaS0);
    const em = pp ? f(f(Math.exp(-h)) - 1) : f(f(Math.exp(h)) - 1);
    const b = pp ? f(alphaT * em) : f(sigmaT * em);
    // midpoint: 0.5 * b on D1; heun: alpha_t * ((exp(-h) - 1) / h + 1) (++), sigma_t * ((exp(h) - 1) / h - 1)
    const d = mid ? f(0.5 * b) : pp ? -f(alphaT * f(f(em / h) + 1)) : f(sigmaT * f(f(em / h) - 1));
    return { a, b, d, invR0: f(1 / r0) };
  }

  private firstOrder(m: Float32Array, x: Float32Array, idx: number): Float32Array {
    const { a, b } = this.firstOrderScalars(idx);
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = f(a * x[i]!) - f(b * m[i]!);
    return out;
  }

  private secondOrder(m0: Float32Array, m1: Float32Array, x: Float32Array, idx: number): Float32Array {
    const { a, b, d, invR0 } = this.secondOrderScalars(idx);
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const D1 = f(invR0 * f(m0[i]! - m1[i]!));
      out[i] = f(f(a * x[i]!) - f(b * m0[i]!)) - f(d * D1);
    }
    return out;
  }
}
