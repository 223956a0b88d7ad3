// Scheduler factory: the CLI's scheduler name + a model's scheduler_config.json -> a ready scheduler.
import type { SchedulerName } from '../pipeline/types.js';
import { parseSchedulerConfig, type SchedulerClass } from './config.js';
import { DDIMScheduler } from './ddim.js';
import { DPMSolverMultistepScheduler } from './dpmsolver.js';
import { EulerDiscreteScheduler } from './euler.js';
import type { Scheduler } from './types.js';

export type { Scheduler } from './types.js';
export { parseSchedulerConfig, type SchedulerConfig, type SchedulerClass } from './config.js';
export { DDIMScheduler, DPMSolverMultistepScheduler, EulerDiscreteScheduler };

export const SCHEDULER_CLASSES: Readonly<Record<SchedulerName, SchedulerClass>> = {
  ddim: 'DDIMScheduler',
  dpmpp2m: 'DPMSolverMultistepScheduler',
  euler: 'EulerDiscreteScheduler',
};

/** Like diffusers' `Class.from_config(config)`: keys the class does not take are ignored, missing ones take its defaults. */
export function createSchedulerFromClass(cls: SchedulerClass, rawConfig: Readonly<Record<string, unknown>>): Scheduler {
  const cfg = parseSchedulerConfig(cls, rawConfig);
  if (cls === 'DDIMScheduler') return new DDIMScheduler(cfg);
  if (cls === 'DPMSolverMultistepScheduler') return new DPMSolverMultistepScheduler(cfg);
  return new EulerDiscreteScheduler(cfg);
}

export function createScheduler(name: SchedulerName, rawConfig: Readonly<Record<string, unknown>>): Scheduler {
  return createSchedulerFromClass(SCHEDULER_CLASSES[name], rawConfig);
}
