// DDIM with eta 0, ported from diffusers schedulers/scheduling_ddim.py.
import { alphasCumprod } from './betas.js';
import type { SchedulerConfig } from './config.js';
import { checkSteps, npArangeDown, npLinspace, roundHalfEven } from './spacing.js';
import type { Scheduler } from './types.js';

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
      this.timesteps = npLinspace(0, T - 1, n).map(roundHalfEven).reverse();
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

  step(eps: Float32Array, timestep: number, sample: Float32Array): Float32Array {
    const c = this.config;
    const prevT = timestep - Math.floor(c.numTrainTimesteps / this.numInferenceSteps);
    const aT = this.alphasCumprod[timestep]!;
    const aPrev = prevT >= 0 ? this.alphasCumprod[prevT]! : this.finalAlphaCumprod;
    const bT = f(1 - aT);
    const sqA = f(Math.sqrt(aT));
    const sqB = f(Math.sqrt(bT));
    const sqAPrev = f(Math.sqrt(aPrev));
    // eta = 0: std_dev_t = 0, so the direction coefficient is sqrt(1 - alpha_prev)
    const dirCoef = f(Math.sqrt(f(1 - aPrev)));
    const lim = c.clipSampleRange;
    const out = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      const x = sample[i]!;
      const m = eps[i]!;
      let x0: number;
      let e: number;
      if (c.predictionType === 'epsilon') {
        x0 = f(f(x - f(sqB * m)) / sqA);
        e = m;
      } else if (c.predictionType === 'sample') {
        x0 = m;
        e = f(f(x - f(sqA * x0)) / sqB);
      } else {
        x0 = f(f(sqA * x) - f(sqB * m));
        e = f(f(sqA * m) + f(sqB * x));
      }
      if (c.clipSample) x0 = Math.min(lim, Math.max(-lim, x0));
      out[i] = f(sqAPrev * x0) + f(dirCoef * e);
    }
    return out;
  }
}
