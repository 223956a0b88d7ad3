// The contract between `t2v verify` and each reference-case kind it can check.
import type { Device, Precision } from '../runtime/device-names.js';
import type { Bounds } from './metrics.js';
import type { SafetensorsFile } from '../../models/safetensors.js';

export type Metric = 'relative' | 'max-abs' | 'exact';

/** One compared output: its error beside the bound it must meet. */
export interface VerifyRun {
  readonly name: string;
  readonly metric: Metric;
  readonly error: number;
  readonly bound: number;
  readonly pass: boolean;
}

export type { Device };

export interface VerifyContext {
  /** The case folder (holds case.json, tensors.safetensors, model folders). */
  readonly dir: string;
  readonly caseJson: Readonly<Record<string, unknown>>;
  readonly tensors: SafetensorsFile;
  readonly device: Device;
  readonly precision: Precision;
  /** The golden README's bounds (fp32) or the fp16 ones (metrics.ts). */
  readonly bounds: Bounds;
}

/** Runs every run of one case and reports each comparison. */
export type VerifyKind = (ctx: VerifyContext) => Promise<VerifyRun[]>;
