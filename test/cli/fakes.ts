// Test doubles for the CLI: memory streams and an engine that reports progress like the real one without running a network.
import { resolve, dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { InterruptedError, UsageError, T2vError } from '../../core/errors.js';
import type { ModelDefaults } from '../../core/pipeline/defaults.js';
import type { GenerateHooks, PipelineOptions } from '../../core/pipeline/pipeline.js';
import type { GenerateRequest, GenerateResult } from '../../core/pipeline/types.js';
import { resolveModel } from '../../models/folder.js';
import { grid, sideBySide } from '../../video/compose.js';
import type { Deps, Frames } from '../../cli/deps.js';
import type { Io } from '../../cli/context.js';
import type { OutputPlan, WriteOptions, WrittenOutput } from '../../video/output.js';

export class MemoryStream {
  text = '';
  constructor(readonly isTTY = false) {}
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

export function memoryIo(env: NodeJS.ProcessEnv = {}): Io & { stdout: MemoryStream; stderr: MemoryStream } {
  return { stdout: new MemoryStream(), stderr: new MemoryStream(), env: { XDG_CONFIG_HOME: '/nonexistent-t2v-test', ...env } };
}

export const TINY_DEFAULTS: ModelDefaults = {
  name: 'tiny',
  frames: 4,
  width: 32,
  height: 32,
  steps: 3,
  guidanceScale: 9,
  fps: 8,
  scheduler: 'ddim',
  vaeScaleFactor: 8,
  maxSteps: 1000,
  freeu: { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2 },
  fast: { deepCache: { interval: 3, branch: 0, schedule: 'uniform' }, guidanceInterval: [0, 0.5], steps: 2, scheduler: 'dpmpp2m' },
};

export interface FakeDeps extends Deps {
  readonly requests: GenerateRequest[];
  /** Every loadPipeline call (one per command, or per model the wizard was told about). */
  readonly loads: { model: string | undefined; options: PipelineOptions }[];
  /** The id of each pipeline release. */
  readonly releases: string[];
  /** The hooks of each generate call (parallel to requests). */
  readonly hooks: GenerateHooks[];
  readonly writes: { plan: OutputPlan; frames: Frames; options: WriteOptions }[];
}

export function fakeDeps(opts: { readonly defaults?: ModelDefaults; readonly onStep?: (step: number) => void; readonly fail?: Error } = {}): FakeDeps {
  const requests: GenerateRequest[] = [];
  const writes: FakeDeps['writes'] = [];
  const loads: FakeDeps['loads'] = [];
  const releases: string[] = [];
  const hooksSeen: GenerateHooks[] = [];
  const fakeGenerate = async (req: GenerateRequest, modelId: string, hooks: GenerateHooks): Promise<GenerateResult> => {
    const onProgress = hooks.onProgress;
    requests.push(req);
    hooksSeen.push(hooks);
    if (opts.fail) throw opts.fail;
    if (req.width % 8 !== 0) throw new UsageError(`--width ${req.width}: must be a multiple of 8 (the model's VAE scale factor)`);
    onProgress?.({ phase: 'load', message: 'cpu (no WebGPU adapter)' });
    onProgress?.({ phase: 'encode-prompt' });
    onProgress?.({ phase: 'warning', message: 'the prompt is longer than 77 tokens and was truncated' });
    onProgress?.({ phase: 'warning', message: 'the prompt is longer than 77 tokens and was truncated' });
    for (let i = 1; i <= req.steps; i++) {
      if (hooks.signal?.aborted) throw new InterruptedError();
      opts.onStep?.(i);
      await new Promise((r) => setImmediate(r));
      onProgress?.({ phase: 'step', step: i, total: req.steps, secondsPerStep: 0.5, etaSeconds: 0.5 * (req.steps - i) });
    }
    onProgress?.({ phase: 'decode', done: req.frames, total: req.frames });
    const n = req.frames * req.width * req.height * 3;
    const rgb = new Uint8Array(n).fill(req.freeu ? 200 : 100);
    return {
      rgb,
      frames01: new Float32Array(n),
      frames: req.frames,
      width: req.width,
      height: req.height,
      seed: req.seed ?? 1n,
      device: 'cpu',
      precision: 'fp32',
      timings: { loadSeconds: 0.1, sampleSeconds: 0.2, decodeSeconds: 0.3 },
      unetCalls: { full: req.steps, shallow: 0, guided: req.steps },
      modelId,
    };
  };
  return {
    requests,
    writes,
    loads,
    releases,
    hooks: hooksSeen,
    loadPipeline: async (given, options) => {
      const model = typeof given === 'object' ? given.id : given; // a resolved folder (models info) is recorded by what the user named
      if (model === 'broken') throw new T2vError('model broken: unet/config.json is missing; the unet part of the model folder is incomplete');
      if (typeof given !== 'object') await resolveModel(model, options.env); // the real folder lookup: a bad --model fails as it does for real
      loads.push({ model, options });
      const id = model ?? 'default';
      return {
        id,
        defaults: opts.defaults ?? TINY_DEFAULTS,
        device: async () => ({ device: 'cpu', precision: 'fp32', note: 'cpu' }),
        estimateMemory: async () => 64 * 1024 ** 2,
        generate: (req, hooks = {}) => fakeGenerate(req, id, hooks),
        decode: async () => {
          throw new Error('the fake pipeline has no VAE');
        },
        release: async () => {
          releases.push(id);
        },
      };
    },
    prepareOutput: async (path, { overwrite }) => {
      if (!/\.(mp4|webm|gif)$/.test(path)) throw new UsageError(`-o ${path}: unknown output type; use .mp4, .webm, .gif, .png, name_%03d.png or a folder/`);
      const abs = resolve(path);
      if (existsSync(abs) && !overwrite) throw new T2vError(`${abs} exists; pass --overwrite to replace it or choose another -o`);
      return { format: 'mp4', path: abs, dir: dirname(abs), overwrite: overwrite ?? false, createDir: false };
    },
    writeVideo: async (plan, frames, options): Promise<WrittenOutput> => {
      writes.push({ plan, frames, options });
      options.onProgress?.(frames.count, frames.count);
      return { format: plan.format, path: plan.path, files: [plan.path], width: frames.width, height: frames.height, frames: frames.count, fps: options.fps, metadata: options.metadata };
    },
    sideBySide,
    grid,
  };
}
