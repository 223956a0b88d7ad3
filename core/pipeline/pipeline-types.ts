// What the pipeline object offers (diffusers' TextToVideoSDPipeline: its options, its phases' inputs and hooks); pipeline.ts builds it.
import type { TorchGenerator } from '../rng/index.js';
import type { Device, DeviceChoice } from '../runtime/index.js';
import type { Precision } from '../runtime/device-names.js';
import type { Scheduler } from '../schedulers/index.js';
import type { ModelDefaults } from './defaults.js';
import type { PipelineParts } from './parts.js';
import type { PromptEmbeddings } from './prompt.js';
import type { DeepCacheCounts, DeepCacheSettings } from './deep-cache.js';
import type { NetworkPart, SessionPolicy } from './session-pool.js';
import type { FreeUSettings, GenerateRequest, GenerateResult, ProgressEvent, SchedulerName } from './types.js';
import type { RecordedHook, RecordHook } from './record.js';

export type LatentDims = readonly [number, number, number, number, number];

export interface PipelineOptions {
  /** Where the networks run (default `auto`: webgpu when an adapter exists, else cpu). */
  readonly device?: DeviceChoice;
  /** Weights and activations (absent: fp16 on webgpu when the adapter has shader-f16, else fp32; runtime/precision.ts). */
  readonly precision?: Precision;
  /** onnxruntime intra-op threads (default: the machine's cores). */
  readonly threads?: number;
  /** Session lifetime policy (default `per-phase`), see pipeline.ts's header. */
  readonly sessions?: SessionPolicy;
  /** Bytes a video may use; a larger estimate is refused before any network loads. 0: no check; absent: the machine's limit. */
  readonly maxMemory?: number;
  /** Where Hub ids are looked up (HF_HOME and friends); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** What a caller hears while a phase runs, and how it stops it. */
export interface GenerateHooks extends RecordHook {
  readonly onProgress?: (e: ProgressEvent) => void;
  readonly signal?: AbortSignal;
}

export interface DenoiseInput {
  readonly scheduler: Scheduler;
  /** Initial latents, already times init_noise_sigma (prepareLatents' `latents`). */
  readonly latents: Float32Array;
  readonly dims: LatentDims;
  readonly embeds: PromptEmbeddings;
  readonly guidanceScale: number;
  readonly freeu: FreeUSettings | null;
  /** DDIM's eta (default 0); > 0 needs `generator`. */
  readonly eta?: number;
  /** prepareLatents' generator, continued: it draws each step's variance noise when eta > 0. */
  readonly generator?: TorchGenerator;
  /** Null or interval 1: the plain U-Net graph, every step. */
  readonly deepCache?: DeepCacheSettings | null;
  /** Guidance only on steps with start <= i / steps < end; null: every step. */
  readonly guidanceInterval?: readonly [number, number] | null;
  /** False: guidance and scheduler steps on the host even on webgpu (default: on the device there; sampler.ts). */
  readonly resident?: boolean;
}

export interface DenoiseHooks extends GenerateHooks, RecordedHook {
  /** After each step: its index and how long it took. */
  readonly onStep?: (index: number, seconds: number) => void;
  /** After each step: the new latents (on webgpu read back from the device for this listener only). */
  readonly onLatents?: (index: number, latents: Float32Array) => void;
  /** When the U-Net session is ready, before the first step. */
  readonly onReady?: () => void;
  /** At each step: the U-Net's variance-preserving input and the guided output (the live preview). */
  readonly onOutput?: (index: number, sampleVp: Float32Array, output: Float32Array, timestep: number) => Promise<void> | void;
  /** The steps whose onOutput is used; absent: every step. */
  readonly outputSteps?: (index: number) => boolean;
  /** After the loop: how many steps ran the whole U-Net and how many DeepCache's shallow branch. */
  readonly onUnetCalls?: (counts: DeepCacheCounts) => void;
}

export interface PreparedLatents {
  /** The seed's N(0, 1) noise, as torch.randn with a CPU generator draws it. */
  readonly noise: Float32Array;
  /** noise * scheduler.init_noise_sigma: the first input of the denoising loop. */
  readonly latents: Float32Array;
  readonly dims: LatentDims;
  /** torch.Generator('cpu').manual_seed(seed) after drawing the noise: what the scheduler draws from next. */
  readonly generator: TorchGenerator;
}

export interface Pipeline {
  readonly id: string;
  readonly revision?: string;
  /** Every part's parsed config, read once at load. */
  readonly configs: Pick<PipelineParts, 'unetConfig' | 'vaeConfig' | 'schedulerConfig'>;
  /** The generation defaults of this model (its t2v.json over diffusers' pipeline defaults). */
  readonly defaults: ModelDefaults;
  readonly stats: { readonly sessionsCreated: Readonly<Record<NetworkPart, number>> };
  /** The device every session runs on (resolved once). */
  device(): Promise<{ readonly device: Device; readonly precision: Precision; readonly note: string }>;
  /** A scheduler for `name` from this model's scheduler config (or `config`), with `steps` timesteps set. */
  scheduler(name: SchedulerName, steps: number, config?: Readonly<Record<string, unknown>>): Scheduler;
  /** Step 3: prompt (and, when guided, negative prompt) to CLIP embeddings. */
  encodePrompt(prompt: string, negativePrompt: string | undefined, guided: boolean, hooks?: GenerateHooks): Promise<PromptEmbeddings>;
  /** Steps 4-5: the initial latents (1, C, F, h, w) of a seed. */
  prepareLatents(size: { readonly frames: number; readonly height: number; readonly width: number }, seed: bigint, scheduler: Scheduler): PreparedLatents;
  /** Steps 6-7: the denoising loop (guidance, FreeU schedule, scheduler steps). */
  denoise(input: DenoiseInput, hooks?: DenoiseHooks): Promise<Float32Array>;
  /** Step 8: latents to frames (F, H, W, 3) in [0, 1] through the VAE decoder. */
  decode(latents: Float32Array, dims: LatentDims, hooks?: GenerateHooks): Promise<{ frames01: Float32Array; height: number; width: number }>;
  /** Bytes one video of `req` is expected to peak at (the estimate `generate` checks against the memory limit). */
  estimateMemory(req: GenerateRequest): Promise<number>;
  /** One whole video. */
  generate(req: GenerateRequest, hooks?: GenerateHooks): Promise<GenerateResult>;
  /** Releases every session still held; the pipeline may be used again afterwards (sessions are re-created). */
  release(): Promise<void>;
}
