// The training noise schedule every scheduler starts from: betas and alphas_cumprod, float32 like torch (diffusers schedulers/scheduling_ddim.py __init__).
import type { SchedulerConfig } from './config.js';

const f = Math.fround;

/** torch.linspace(start, end, n, dtype=float32): float32 step, first half counted from start, second from end. */
function linspace32(start: number, end: number, n: number): Float64Array {
  const s = f(start);
  const e = f(end);
  const step = f(f(e - s) / (n - 1));
  const half = Math.floor(n / 2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = i < half ? f(s + f(step * i)) : f(e - f(step * (n - 1 - i)));
  return out;
}

/** Glide's cosine schedule (betas_for_alpha_bar, cosine), max_beta 0.999. */
function cosineBetas(n: number): Float64Array {
  const alphaBar = (t: number): number => Math.cos((((t + 0.008) / 1.008) * Math.PI) / 2) ** 2;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999));
  return out;
}

/** torch.cumprod on the CPU accumulates in double and rounds each output to float32. */
function cumprod32(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let acc = 1;
  for (let i = 0; i < values.length; i++) out[i] = f((acc *= values[i]!));
  return out;
}

/** Zero terminal SNR rescale (https://huggingface.co/papers/2305.08891, Algorithm 1), in float32 steps. */
function rescaleZeroTerminalSnr(betas: Float64Array): Float64Array {
  const ac = cumprod32(betas.map((b) => f(1 - b)));
  const sq = ac.map((a) => f(Math.sqrt(a)));
  const s0 = sq[0]!;
  const sT = sq[sq.length - 1]!;
  const scale = f(s0 / f(s0 - sT));
  const bar = sq.map((v) => f(f(v - sT) * scale));
  const alphaBar = bar.map((v) => f(v * v));
  const out = new Float64Array(betas.length);
  out[0] = f(1 - alphaBar[0]!);
  for (let i = 1; i < out.length; i++) out[i] = f(1 - f(alphaBar[i]! / alphaBar[i - 1]!));
  return out;
}

export function betasFor(cfg: SchedulerConfig): Float64Array {
  let betas: Float64Array;
  if (cfg.trainedBetas) betas = Float64Array.from(cfg.trainedBetas, f);
  else if (cfg.betaSchedule === 'linear') betas = linspace32(cfg.betaStart, cfg.betaEnd, cfg.numTrainTimesteps);
  else if (cfg.betaSchedule === 'scaled_linear') betas = linspace32(Math.sqrt(cfg.betaStart), Math.sqrt(cfg.betaEnd), cfg.numTrainTimesteps).map((b) => f(b * b));
  else betas = cosineBetas(cfg.numTrainTimesteps);
  return cfg.rescaleBetasZeroSnr ? rescaleZeroTerminalSnr(betas) : betas;
}

/** alphas_cumprod (float32 values); DPM-Solver and Euler pin the last one under zero-SNR so the terminal sigma stays finite. */
export function alphasCumprod(cfg: SchedulerConfig, pinTerminal: boolean): Float64Array {
  const ac = cumprod32(betasFor(cfg).map((b) => f(1 - b)));
  if (cfg.rescaleBetasZeroSnr && pinTerminal) ac[ac.length - 1] = 2 ** -24;
  return ac;
}

/** sigma_i = ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5 in float32 ops. */
export function trainSigmas(ac: Float64Array): Float64Array {
  return ac.map((a) => f(Math.sqrt(f(f(1 - a) / a))));
}

/** numpy.interp at x over the grid 0..n-1 (float64), as diffusers interpolates sigmas at timesteps. */
export function interpAtTimesteps(x: readonly number[], table: Float64Array): number[] {
  const last = table.length - 1;
  return x.map((t) => {
    if (t <= 0) return table[0]!;
    if (t >= last) return table[last]!;
    const j = Math.floor(t);
    if (j === t) return table[j]!;
    const slope = (table[j + 1]! - table[j]!) / 1;
    return slope * (t - j) + table[j]!;
  });
}
