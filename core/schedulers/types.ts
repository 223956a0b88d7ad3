// The contract every sampler scheduler meets: diffusers' set_timesteps / scale_model_input / step, on flat float32 tensors.

/** diffusers' extra step kwargs (the pipeline's prepare_extra_step_kwargs); schedulers that take none ignore them. */
export interface StepOptions {
  /** DDIM's eta: 0 is deterministic DDIM, 1 is DDPM-like ancestral sampling. */
  readonly eta?: number;
  /** The N(0, 1) noise for eta > 0, laid out like `sample` (diffusers' variance_noise). */
  readonly varianceNoise?: Float32Array;
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
}
