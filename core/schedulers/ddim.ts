// DDIM (eta 0 deterministic, eta > 0 with variance noise), ported from diffusers schedulers/scheduling_ddim.py.
import { alphasCumprod } from './betas.js';
import type { SchedulerConfig } from './config.js';
import { checkSteps, npArangeDown, npLinspace, roundHalfEven } from './spacing.js';
import { T2vError } from '../errors.js';
import type { AffineStep, Scheduler, StepOptions } from './types.js';

const f = Math.fround;

export class DDIMScheduler implements Scheduler {
  readonly initNoiseSigma = 1;
  timesteps: number[] = [];
  private readonly alphasCumprod: Float64Array;
  private readonly finalAlphaCumprod: number;
  private numInferenceSteps = 0;

  constructor(readonly config: SchedulerConfig) {
    this.alphasCumprod = alphasCumprod(config, false);
    this.finalAlphaCumprod = config.setAlphaToOne ? 1 : this.alphasCumprod[0]!;
  }

  setTimesteps(n: number): void {
    const c = this.config;
    const T = c.numTrainTimesteps;
    checkSteps(n, T);
    this.numInferenceSteps = n;
    if (c.timestepSpacing === 'linspace') {
      this.timesteps = npLinspace(0, T - 1, n)
        .map(roundHalfEven)
        .reverse();
    } else if (c.timestepSpacing === 'leading') {
      const ratio = Math.floor(T / n);
      this.timesteps = Array.from({ length: n }, (_, i) => (n - 1 - i) * ratio + c.stepsOffset);
    } else {
      this.timesteps = npArangeDown(T, 0, -T / n).map((t) => roundHalfEven(t) - 1);
    }
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  inputDivisor(): number {
    return 1;
  }

  /** The step's float32 scalars, as torch computes them on 0-d tensors; the comments are the DDIM paper's formula numbers. */
  private scalars(timestep: number, eta: number): { sqrtAlphaProdT: number; sqrtBetaProdT: number; sqrtAlphaProdTPrev: number; stdDevT: number; directionCoef: number } {
    const c = this.config;
    // 1. get previous step value (=t-1)
    const prevTimestep = timestep - Math.floor(c.numTrainTimesteps / this.numInferenceSteps);
    // 2. compute alphas, betas
    const alphaProdT = this.alphasCumprod[timestep]!;
    const alphaProdTPrev = prevTimestep >= 0 ? this.alphasCumprod[prevTimestep]! : this.finalAlphaCumprod;
    const betaProdT = f(1 - alphaProdT);
    // 5. compute variance: "sigma_t(eta)" -> see formula (16); _get_variance
    const variance = f(f(f(1 - alphaProdTPrev) / betaProdT) * f(1 - f(alphaProdT / alphaProdTPrev)));
    const stdDevT = f(f(eta) * f(Math.sqrt(variance)));
    return {
      sqrtAlphaProdT: f(Math.sqrt(alphaProdT)),
      sqrtBetaProdT: f(Math.sqrt(betaProdT)),
      sqrtAlphaProdTPrev: f(Math.sqrt(alphaProdTPrev)),
      stdDevT,
      // 6. the "direction pointing to x_t" of formula (12) is sqrt(1 - alpha_t-1 - std_dev_t^2) * pred_epsilon
      directionCoef: f(Math.sqrt(f(f(1 - alphaProdTPrev) - f(stdDevT * stdDevT)))),
    };
  }

  /** x0 and pred_epsilon are linear in (x, m) for every prediction type; only the clip of x0 is not. */
  affineStep(timestep: number, options: { readonly eta?: number } = {}): AffineStep {
    const c = this.config;
    const eta = options.eta ?? 0;
    const { sqrtAlphaProdT: sa, sqrtBetaProdT: sb, sqrtAlphaProdTPrev: sap, stdDevT, directionCoef: dc } = this.scalars(timestep, eta);
    const clip = c.clipSample ? c.clipSampleRange : Infinity;
    const on = eta > 0 ? stdDevT : 0;
    if (c.predictionType === 'epsilon') return { kx: 1 / sa, km: -sb / sa, clip, ox: 0, om: dc, oy: sap, op: 0, on };
    if (c.predictionType === 'sample') return { kx: 0, km: 1, clip, ox: dc / sb, om: (-dc * sa) / sb, oy: sap, op: 0, on };
    return { kx: sa, km: -sb, clip, ox: dc * sb, om: dc * sa, oy: sap, op: 0, on };
  }

  /** diffusers' DDIMScheduler.step in float32 as torch computes it. */
  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, options: StepOptions = {}): Float32Array {
    const c = this.config;
    const eta = options.eta ?? 0;
    const { sqrtAlphaProdT, sqrtBetaProdT, sqrtAlphaProdTPrev, stdDevT, directionCoef } = this.scalars(timestep, eta);
    const noise = eta > 0 ? options.varianceNoise : undefined;
    if (eta > 0 && (!noise || noise.length !== sample.length)) throw new T2vError('DDIM with eta > 0 needs variance noise shaped like the sample');
    const lim = c.clipSampleRange;
    const prevSample = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      const x = sample[i]!;
      const m = modelOutput[i]!;
      // 3. compute predicted original sample from predicted noise, "predicted x_0" of formula (12)
      let predOriginalSample: number;
      let predEpsilon: number;
      if (c.predictionType === 'epsilon') {
        predOriginalSample = f(f(x - f(sqrtBetaProdT * m)) / sqrtAlphaProdT);
        predEpsilon = m;
      } else if (c.predictionType === 'sample') {
        predOriginalSample = m;
        predEpsilon = f(f(x - f(sqrtAlphaProdT * predOriginalSample)) / sqrtBetaProdT);
      } else {
        predOriginalSample = f(f(sqrtAlphaProdT * x) - f(sqrtBetaProdT * m));
        predEpsilon = f(f(sqrtAlphaProdT * m) + f(sqrtBetaProdT * x));
      }
      // 4. clip "predicted x_0"
      if (c.clipSample) predOriginalSample = Math.min(lim, Math.max(-lim, predOriginalSample));
      // 7. x_t-1 without "random noise" of formula (12), then plus std_dev_t * variance_noise when eta > 0
      const deterministic = f(f(sqrtAlphaProdTPrev * predOriginalSample) + f(directionCoef * predEpsilon));
      prevSample[i] = noise ? f(deterministic + f(stdDevT * noise[i]!)) : deterministic;
    }
    return prevSample;
  }
}
