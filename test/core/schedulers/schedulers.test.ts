import { describe, expect, it } from 'vitest';
import { T2vError } from '../../../core/errors.js';
import { createScheduler, createSchedulerFromClass, parseSchedulerConfig, type SchedulerClass } from '../../../core/schedulers/index.js';

// ModelScope's scheduler_config.json (DDIM, no timestep_spacing), as older model folders have it.
const MODELSCOPE = {
  _class_name: 'DDIMScheduler',
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  clip_sample: false,
  set_alpha_to_one: false,
  steps_offset: 1,
  num_train_timesteps: 1000,
};

describe('timesteps', () => {
  it.each<{ cls: SchedulerClass; spacing?: string; steps: number; expected: number[] }>([
    { cls: 'DDIMScheduler', steps: 3, expected: [667, 334, 1] },
    { cls: 'DDIMScheduler', spacing: 'trailing', steps: 3, expected: [999, 666, 332] },
    { cls: 'DDIMScheduler', spacing: 'linspace', steps: 4, expected: [999, 666, 333, 0] },
    { cls: 'DDIMScheduler', spacing: 'linspace', steps: 3, expected: [999, 500, 0] },
    { cls: 'DPMSolverMultistepScheduler', steps: 3, expected: [999, 666, 333] },
    { cls: 'DPMSolverMultistepScheduler', spacing: 'leading', steps: 3, expected: [751, 501, 251] },
    { cls: 'DPMSolverMultistepScheduler', spacing: 'trailing', steps: 3, expected: [999, 666, 332] },
    { cls: 'EulerDiscreteScheduler', steps: 3, expected: [999, 499.5, 0] },
    { cls: 'EulerDiscreteScheduler', spacing: 'leading', steps: 4, expected: [751, 501, 251, 1] },
  ])('$cls $spacing x$steps', ({ cls, spacing, steps, expected }) => {
    const s = createSchedulerFromClass(cls, spacing ? { ...MODELSCOPE, timestep_spacing: spacing } : MODELSCOPE);
    s.setTimesteps(steps);
    expect(s.timesteps).toEqual(expected);
  });
});

describe('config', () => {
  it('takes each class default for keys the folder lacks (from_config)', () => {
    expect(parseSchedulerConfig('DDIMScheduler', MODELSCOPE).timestepSpacing).toBe('leading');
    expect(parseSchedulerConfig('EulerDiscreteScheduler', MODELSCOPE).timestepSpacing).toBe('linspace');
    expect(parseSchedulerConfig('DDIMScheduler', {}).clipSample).toBe(true);
    expect(parseSchedulerConfig('DPMSolverMultistepScheduler', { lambda_min_clipped: -Infinity }).lambdaMinClipped).toBe(-Infinity);
  });

  it('euler init noise sigma is the largest sigma (linspace)', () => {
    const s = createScheduler('euler', MODELSCOPE);
    s.setTimesteps(25);
    expect(s.initNoiseSigma).toBeCloseTo(14.614646911621094, 10);
  });

  it.each([
    { raw: { prediction_type: 'flow' }, message: /prediction_type/ },
    { raw: { timestep_spacing: 'even' }, message: /timestep_spacing/ },
    { raw: { solver_order: 3 }, message: /solver_order/ },
    { raw: { use_karras_sigmas: true }, message: /use_karras_sigmas/ },
    { raw: { beta_start: 'x' }, message: /beta_start/ },
  ])('refuses $raw', ({ raw, message }) => {
    expect(() => createScheduler('dpmpp2m', raw)).toThrow(T2vError);
    expect(() => createScheduler('dpmpp2m', raw)).toThrow(message);
  });

  it.each([0, 1001, 2.5])('refuses %s steps', (n) => {
    expect(() => createScheduler('ddim', MODELSCOPE).setTimesteps(n)).toThrow(/steps/);
  });
});
