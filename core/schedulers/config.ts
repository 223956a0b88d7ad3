// scheduler_config.json -> typed config, with each diffusers scheduler class's __init__ defaults in one place.
import { T2vError } from '../errors.js';
import { showValue } from '../../models/configs/common.js';

export type SchedulerClass = 'DDIMScheduler' | 'DPMSolverMultistepScheduler' | 'EulerDiscreteScheduler';
export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
export type TimestepSpacing = 'linspace' | 'leading' | 'trailing';
export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';

export interface SchedulerConfig {
  readonly numTrainTimesteps: number;
  readonly betaStart: number;
  readonly betaEnd: number;
  readonly betaSchedule: BetaSchedule;
  readonly trainedBetas: readonly number[] | null;
  readonly predictionType: PredictionType;
  readonly timestepSpacing: TimestepSpacing;
  readonly stepsOffset: number;
  readonly rescaleBetasZeroSnr: boolean;
  readonly thresholding: boolean;
  // DDIM
  readonly clipSample: boolean;
  readonly clipSampleRange: number;
  readonly setAlphaToOne: boolean;
  // DPM-Solver
  readonly solverOrder: number;
  readonly algorithmType: 'dpmsolver++' | 'dpmsolver';
  readonly solverType: 'midpoint' | 'heun';
  readonly lowerOrderFinal: boolean;
  readonly eulerAtFinal: boolean;
  readonly lambdaMinClipped: number;
  // DPM-Solver and Euler
  readonly finalSigmasType: 'zero' | 'sigma_min';
  readonly useKarrasSigmas: boolean;
  // Euler
  readonly interpolationType: 'linear';
  readonly timestepType: 'discrete';
}

type Key = keyof SchedulerConfig;

const COMMON: SchedulerConfig = {
  numTrainTimesteps: 1000,
  betaStart: 0.0001,
  betaEnd: 0.02,
  betaSchedule: 'linear',
  trainedBetas: null,
  predictionType: 'epsilon',
  timestepSpacing: 'linspace',
  stepsOffset: 0,
  rescaleBetasZeroSnr: false,
  thresholding: false,
  clipSample: false,
  clipSampleRange: 1,
  setAlphaToOne: true,
  solverOrder: 2,
  algorithmType: 'dpmsolver++',
  solverType: 'midpoint',
  lowerOrderFinal: true,
  eulerAtFinal: false,
  lambdaMinClipped: -Infinity,
  finalSigmasType: 'zero',
  useKarrasSigmas: false,
  interpolationType: 'linear',
  timestepType: 'discrete',
};

/** Where each class's __init__ default differs from COMMON (diffusers schedulers/scheduling_*.py). */
const CLASS_DEFAULTS: Record<SchedulerClass, Partial<SchedulerConfig>> = {
  DDIMScheduler: { timestepSpacing: 'leading', clipSample: true },
  DPMSolverMultistepScheduler: {},
  EulerDiscreteScheduler: {},
};

/** Keys each class's __init__ accepts: `from_config` ignores the others, so a DDIM config's keys do not leak into Euler. */
const ACCEPTS: Record<SchedulerClass, readonly Key[]> = {
  DDIMScheduler: ['clipSample', 'clipSampleRange', 'setAlphaToOne'],
  DPMSolverMultistepScheduler: ['solverOrder', 'algorithmType', 'solverType', 'lowerOrderFinal', 'eulerAtFinal', 'lambdaMinClipped', 'finalSigmasType', 'useKarrasSigmas'],
  EulerDiscreteScheduler: ['finalSigmasType', 'useKarrasSigmas', 'interpolationType', 'timestepType'],
};
const SHARED: readonly Key[] = ['numTrainTimesteps', 'betaStart', 'betaEnd', 'betaSchedule', 'trainedBetas', 'predictionType', 'timestepSpacing', 'stepsOffset', 'rescaleBetasZeroSnr', 'thresholding'];

const SNAKE: Record<Key, string> = {
  numTrainTimesteps: 'num_train_timesteps',
  betaStart: 'beta_start',
  betaEnd: 'beta_end',
  betaSchedule: 'beta_schedule',
  trainedBetas: 'trained_betas',
  predictionType: 'prediction_type',
  timestepSpacing: 'timestep_spacing',
  stepsOffset: 'steps_offset',
  rescaleBetasZeroSnr: 'rescale_betas_zero_snr',
  thresholding: 'thresholding',
  clipSample: 'clip_sample',
  clipSampleRange: 'clip_sample_range',
  setAlphaToOne: 'set_alpha_to_one',
  solverOrder: 'solver_order',
  algorithmType: 'algorithm_type',
  solverType: 'solver_type',
  lowerOrderFinal: 'lower_order_final',
  eulerAtFinal: 'euler_at_final',
  lambdaMinClipped: 'lambda_min_clipped',
  finalSigmasType: 'final_sigmas_type',
  useKarrasSigmas: 'use_karras_sigmas',
  interpolationType: 'interpolation_type',
  timestepType: 'timestep_type',
};

/** Allowed values of the string options this port implements; anything else is refused by name. */
const CHOICES: Partial<Record<Key, readonly string[]>> = {
  betaSchedule: ['linear', 'scaled_linear', 'squaredcos_cap_v2'],
  predictionType: ['epsilon', 'v_prediction', 'sample'],
  timestepSpacing: ['linspace', 'leading', 'trailing'],
  algorithmType: ['dpmsolver++', 'dpmsolver'],
  solverType: ['midpoint', 'heun'],
  finalSigmasType: ['zero', 'sigma_min'],
  interpolationType: ['linear'],
  timestepType: ['discrete'],
};

/** Options diffusers has that this port does not: refused when switched on rather than silently ignored. */
const UNSUPPORTED_FLAGS = ['use_exponential_sigmas', 'use_beta_sigmas', 'use_lu_lambdas', 'use_flow_sigmas', 'use_dynamic_shifting'];

function fail(key: string, why: string): never {
  throw new T2vError(`scheduler config: ${key} ${why}; fix scheduler/scheduler_config.json`);
}

function readValue(key: Key, raw: unknown, fallback: SchedulerConfig[Key]): SchedulerConfig[Key] {
  const name = SNAKE[key];
  if (raw === undefined || (raw === null && key !== 'trainedBetas')) return fallback;
  if (key === 'trainedBetas') {
    if (raw === null) return null;
    if (!Array.isArray(raw) || !raw.every((v) => typeof v === 'number')) fail(name, 'must be null or a list of numbers');
    return raw as number[];
  }
  const choices = CHOICES[key];
  if (choices) {
    if (typeof raw !== 'string' || !choices.includes(raw)) fail(name, `is ${showValue(raw)}; supported: ${choices.join(', ')}`);
    return raw as SchedulerConfig[Key];
  }
  if (typeof fallback === 'boolean') {
    if (typeof raw !== 'boolean') fail(name, 'must be true or false');
    return raw;
  }
  if (typeof raw !== 'number' || Number.isNaN(raw)) fail(name, 'must be a number');
  if ((key === 'numTrainTimesteps' || key === 'solverOrder' || key === 'stepsOffset') && (!Number.isInteger(raw) || raw < 0)) fail(name, 'must be a whole number >= 0');
  return raw;
}

/** The config `SchedulerClass.from_config(raw)` would hold: the class's defaults, overridden by the keys it accepts. */
export function parseSchedulerConfig(cls: SchedulerClass, raw: Readonly<Record<string, unknown>>): SchedulerConfig {
  const out: Record<string, unknown> = { ...COMMON, ...CLASS_DEFAULTS[cls] };
  for (const key of [...SHARED, ...ACCEPTS[cls]]) out[key] = readValue(key, raw[SNAKE[key]], out[key] as SchedulerConfig[Key]);
  for (const flag of UNSUPPORTED_FLAGS) if (raw[flag] === true) fail(flag, 'is not supported by t2v');
  const cfg = out as unknown as SchedulerConfig;
  if (cfg.thresholding) fail('thresholding', 'is not supported by t2v');
  if (cfg.useKarrasSigmas) fail('use_karras_sigmas', 'is not supported by t2v');
  if (cfg.numTrainTimesteps < 2) fail('num_train_timesteps', 'must be at least 2');
  if (cls === 'DPMSolverMultistepScheduler' && (cfg.solverOrder < 1 || cfg.solverOrder > 2)) fail('solver_order', `is ${cfg.solverOrder}; t2v implements 1 and 2`);
  if (cls === 'DPMSolverMultistepScheduler' && cfg.algorithmType === 'dpmsolver' && cfg.finalSigmasType === 'zero') fail('final_sigmas_type', 'zero needs algorithm_type dpmsolver++');
  if (cfg.trainedBetas && cfg.trainedBetas.length !== cfg.numTrainTimesteps) fail('trained_betas', `has ${cfg.trainedBetas.length} values for ${cfg.numTrainTimesteps} train timesteps`);
  return cfg;
}
