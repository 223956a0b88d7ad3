// What a generation asks for, what it reports while it runs, and what it returns: the engine's contract with the UIs.
import type { FreeUSettings, SchedulerName } from '../common/types.js';
import type { Device, DeviceChoice, Precision } from '../runtime/device-names.js';
import type { PreviewFrames } from './preview.js';
import type { DeepCacheSettings } from './deep-cache.js';

export type { FreeUSettings, SchedulerName };
export type { DeviceChoice };

/** One video's settings; the model, device and threads belong to the pipeline (PipelineOptions). */
export interface GenerateRequest {
  readonly prompt: string;
  readonly negativePrompt?: string;
  /** 0 .. 2^64-1; drawn at random (and reported) when absent. */
  readonly seed?: bigint;
  readonly steps: number;
  readonly guidanceScale: number;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly scheduler: SchedulerName;
  /** DDIM's eta in [0, 1] (diffusers' `eta`, default 0); > 0 adds seeded variance noise each step. DDIM only. */
  readonly eta?: number;
  /** Absent or null: FreeU off. */
  readonly freeu?: FreeUSettings | null;
  /** Emit a `preview` event every this many steps (and at the last); absent or 0: no preview. */
  readonly previewEvery?: number;
  /** Absent, null or interval 1: DeepCache off (the plain U-Net graph). */
  readonly deepCache?: DeepCacheSettings | null;
  /** [start, end) fractions of the steps with classifier-free guidance; the rest run the conditional half alone. Absent: all. */
  readonly guidanceInterval?: readonly [number, number] | null;
}

export type ProgressEvent =
  | { readonly phase: 'load'; readonly message: string }
  /** Which device runs the networks and why, in one line (shown at every verbosity but --quiet). */
  | { readonly phase: 'device'; readonly message: string }
  /** The clean-image estimate at a step, through a cheap latent->RGB map (one small frame per video frame). */
  | { readonly phase: 'preview'; readonly step: number; readonly total: number; readonly frames: PreviewFrames }
  /** Printed once on stderr (e.g. a prompt truncated to 77 tokens). */
  | { readonly phase: 'warning'; readonly message: string }
  | { readonly phase: 'encode-prompt' }
  | { readonly phase: 'step'; readonly step: number; readonly total: number; readonly secondsPerStep: number; readonly etaSeconds: number }
  | { readonly phase: 'decode'; readonly done: number; readonly total: number };

export interface GenerateResult {
  /** Frames as packed RGB uint8, frame-major: frames * height * width * 3. */
  readonly rgb: Uint8Array;
  /** Frames as float32 in [0, 1], (frames, height, width, 3), before rounding (for parity checks). */
  readonly frames01: Float32Array;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly seed: bigint;
  readonly device: Device;
  /** The precision the networks ran in (resolved from PipelineOptions.precision and the adapter). */
  readonly precision: Precision;
  readonly timings: { readonly loadSeconds: number; readonly sampleSeconds: number; readonly decodeSeconds: number };
  /** U-Net calls of the sampling loop: whole U-Net, DeepCache's shallow branch, and how many ran the guidance batch. */
  readonly unetCalls: { readonly full: number; readonly shallow: number; readonly guided: number };
  readonly modelId: string;
  readonly modelRevision?: string;
}
