// The contract every sampler scheduler meets: diffusers' set_timesteps / scale_model_input / step, on flat float32 tensors.

/** diffusers' extra step kwargs (the pipeline's prepare_extra_step_kwargs); schedulers that take none ignore them. */
export interface StepOptions {
  /** DDIM's eta: 0 is deterministic DDIM, 1 is DDPM-like ancestral sampling. */
  readonly eta?: number;
  /** The N(0, 1) noise for eta > 0, laid out like `sample` (diffusers' variance_noise). */
  readonly varianceNoise?: Float32Array;
}

/**
 * One step as an affine map of whole tensors, for running it on the device (core/runtime/step-graphs.ts):
 *   y = kx*x + km*m;  x0 = clip(y, -clip, clip);  prev = ox*x + om*m + oy*x0 + op*yPrev + on*noise
 * m is the guided model output, yPrev the previous step's y (DPM-Solver's stored model output), noise DDIM's variance
 * noise. The coefficients are combined in double precision from the same float32 scalars the host step uses.
 */
export interface AffineStep {
  readonly kx: number;
  readonly km: number;
  /** Clip range of x0; Infinity when the scheduler does not clip. */
  readonly clip: number;
  readonly ox: number;
  readonly om: number;
  readonly oy: number;
  readonly op: number;
  readonly on: number;
}

export interface Scheduler {
  /** Timesteps of the current schedule, as the U-Net receives them (Euler's may be fractional). */
  readonly timesteps: number[];
  /** Scale of the initial noise: latents = randn * initNoiseSigma. */
  readonly initNoiseSigma: number;
  setTimesteps(numInferenceSteps: number): void;
  scaleModelInput(sample: Float32Array, timestep: number): Float32Array;
  /** One denoising step: model output eps at timestep t on sample x -> the previous sample. Stateful, like diffusers. */
  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, options?: StepOptions): Float32Array;
  /** scale_model_input as a divisor of the sample (1 when the scheduler does not scale). */
  inputDivisor(timestep: number): number;
  /** `step` as coefficients, advancing the same state; a run uses either this or `step`, not both. */
  affineStep(timestep: number, options?: { readonly eta?: number }): AffineStep;
}
