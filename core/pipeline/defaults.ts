// Generation defaults for a model: diffusers' TextToVideoSDPipeline values unless the folder's t2v.json says otherwise.
import { join } from 'node:path';
import { isSchedulerName, SCHEDULER_NAMES, type FreeUFactors } from '../common/types.js';
import { T2vError } from '../errors.js';
import { asObject, readJsonFile } from '../../models/json.js';
import { isFile } from '../../models/safetensors.js';
import { GENERIC_FAST, parseFastPreset, type FastPreset } from './fast.js';
import { SCHEDULER_CLASSES } from '../schedulers/index.js';
import type { PipelineParts } from './parts.js';
import type { SchedulerName } from './types.js';

export interface ModelDefaults {
  readonly name: string;
  readonly description?: string;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly steps: number;
  readonly guidanceScale: number;
  readonly fps: number;
  readonly scheduler: SchedulerName;
  /** Width and height must be multiples of this (the VAE's 2^(blocks-1)). */
  readonly vaeScaleFactor: number;
  /** The scheduler's num_train_timesteps: the most sampling steps there can be. */
  readonly maxSteps: number;
  /** The model's FreeU preset (what `--freeu` alone applies). */
  readonly freeu: FreeUFactors;
  /** What `--fast` applies (t2v.json `fast`, else GENERIC_FAST). */
  readonly fast: FastPreset;
}

/** diffusers' TextToVideoSDPipeline defaults and the FreeU values diffusers documents for ModelScope. */
export const PIPELINE_DEFAULTS = {
  frames: 16,
  steps: 50,
  guidanceScale: 9,
  fps: 8,
  freeu: { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2 },
} as const;

/** The CLI name of each diffusers scheduler class: the inverse of SCHEDULER_CLASSES. */
const SCHEDULER_BY_CLASS: Readonly<Record<string, SchedulerName>> = Object.fromEntries(SCHEDULER_NAMES.map((n) => [SCHEDULER_CLASSES[n], n]));

function num(obj: Record<string, unknown>, key: string, fallback: number, file: string): number {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new T2vError(`${file}: defaults.${key} must be a number`);
  return v;
}

/** The defaults of loaded parts: diffusers' pipeline values at the U-Net's sample size, under the folder's t2v.json. */
export async function defaultsForParts(parts: PipelineParts): Promise<ModelDefaults> {
  const vaeScaleFactor = parts.vaeConfig.scaleFactor;
  const size = (parts.unetConfig.sampleSize ?? 32) * vaeScaleFactor;
  const trained = parts.schedulerConfig.num_train_timesteps;
  const base: ModelDefaults = {
    name: parts.id,
    vaeScaleFactor,
    maxSteps: typeof trained === 'number' && Number.isInteger(trained) && trained >= 2 ? trained : 1000,
    frames: PIPELINE_DEFAULTS.frames,
    width: size,
    height: size,
    steps: PIPELINE_DEFAULTS.steps,
    guidanceScale: PIPELINE_DEFAULTS.guidanceScale,
    fps: PIPELINE_DEFAULTS.fps,
    scheduler: SCHEDULER_BY_CLASS[String(parts.schedulerConfig._class_name)] ?? 'ddim',
    freeu: PIPELINE_DEFAULTS.freeu,
    fast: GENERIC_FAST,
  };
  if (parts.root === undefined) return base;
  const t2vPath = join(parts.root, 't2v.json');
  if (!(await isFile(t2vPath))) return base;
  const t2v = asObject(await readJsonFile(t2vPath), t2vPath);
  const d = asObject(t2v.defaults ?? {}, `${t2vPath} defaults`);
  const f = asObject(t2v.freeu ?? base.freeu, `${t2vPath} freeu`);
  const sched = d.scheduler === undefined ? base.scheduler : String(d.scheduler);
  if (!isSchedulerName(sched)) throw new T2vError(`${t2vPath}: defaults.scheduler must be one of ${SCHEDULER_NAMES.join(', ')}`);
  return {
    ...base,
    name: typeof t2v.name === 'string' ? t2v.name : base.name,
    ...(typeof t2v.description === 'string' ? { description: t2v.description } : {}),
    frames: num(d, 'num_frames', base.frames, t2vPath),
    width: num(d, 'width', base.width, t2vPath),
    height: num(d, 'height', base.height, t2vPath),
    steps: num(d, 'steps', base.steps, t2vPath),
    guidanceScale: num(d, 'guidance_scale', base.guidanceScale, t2vPath),
    fps: num(d, 'fps', base.fps, t2vPath),
    scheduler: sched,
    freeu: { b1: num(f, 'b1', base.freeu.b1, t2vPath), b2: num(f, 'b2', base.freeu.b2, t2vPath), s1: num(f, 's1', base.freeu.s1, t2vPath), s2: num(f, 's2', base.freeu.s2, t2vPath) },
    fast: t2v.fast === undefined ? base.fast : parseFastPreset(t2v.fast, t2vPath),
  };
}
