// The pipeline object, as diffusers' `TextToVideoSDPipeline.from_pretrained(...)` then `pipe(...)`: load once, generate many.
//
// Example:
//   const pipe = await loadPipeline('default', { device: 'auto', sessions: 'keep' });
//   try { const video = await pipe.generate({ prompt: 'a red circle', steps: 25, guidanceScale: 9, frames: 8,
//     width: 64, height: 64, scheduler: 'ddim', seed: 42n }, { onProgress: console.error, signal }); }
//   finally { await pipe.release(); }
//
// What is done once, at `loadPipeline`: the model folder is resolved, every config is parsed (`configs`), the
// generation defaults are read (`defaults`). On first use: the device is resolved (the `auto` WebGPU probe runs
// once), the tokenizer is loaded. `generate` runs diffusers' phases in order, each also callable on its own:
// `encodePrompt` (steps 3), `prepareLatents` (4-5), `denoise` (6-7), `decode` (8).
//
// Session lifetime (`sessions`):
//   'per-phase' (default): a network's session is created when its phase starts and released when it ends, so at
//     most one network is resident (text encoder, then U-Net, then VAE): the lowest peak memory, for one video.
//   'keep': each session is created on first use and kept until `release()`: for many videos in one process
//     (compare, sweep, batch, verify), each network's session is created once. Peak memory: all three networks.
// `stats.sessionsCreated` counts the sessions made per network.
import { fillNormal, randomSeed, TorchGenerator } from '../rng/index.js';
import { resolveDevice, type Device, type LoadOptions } from '../runtime/index.js';
import type { Precision } from '../runtime/device-names.js';
import { resolvePrecision } from '../runtime/precision.js';
import { createScheduler } from '../schedulers/index.js';
import { loadTokenizer, type ClipTokenizer } from '../tokenizer/index.js';
import { resolveModel, type ModelFolder } from '../../models/folder.js';
import { decodeLatents } from './decode.js';
import { defaultsForParts, type ModelDefaults } from './defaults.js';
import { frames01ToRgb } from './frames.js';
import { partsFromFolder, type PipelineParts } from './parts.js';
import { previewProjector } from './preview-steps.js';
import { encodePrompts } from './prompt.js';
import { deepCacheEntry } from '../../models/networks/unet3d.js';
import { deepCacheStepper, fullSteps, type DeepCacheCounts } from './deep-cache.js';
import { guidedStep, sampleLatents, scaleInitialNoise, throwIfAborted, type UnetStep } from './sampler.js';
import { SessionPool } from './session-pool.js';
import type { ProgressEvent } from './types.js';
import { checkMemory, estimatePeakBytes } from './memory.js';
import { loadRecordingUnet, recordingHooks, recordingStep } from './record.js';
import { validateRequest } from './validate.js';

export type { NetworkPart, SessionPolicy } from './session-pool.js';
import type { GenerateHooks, LatentDims, Pipeline, PipelineOptions } from './pipeline-types.js';
export type { DenoiseHooks, DenoiseInput, GenerateHooks, LatentDims, Pipeline, PipelineOptions, PreparedLatents } from './pipeline-types.js';

/** Opens a model named as `--model` takes it (folder, Hub id in the cache, `default`) or an opened folder. */
export async function loadPipeline(model: string | ModelFolder | undefined, options: PipelineOptions = {}): Promise<Pipeline> {
  const folder = typeof model === 'object' ? model : await resolveModel(model, options.env);
  const parts = await partsFromFolder(folder);
  return pipelineFromParts(parts, await defaultsForParts(parts), options);
}

/** A pipeline over given parts (benchmarks: configs with random weights). */
export function pipelineFromParts(parts: PipelineParts, defaults: ModelDefaults, options: PipelineOptions = {}): Pipeline {
  const pool = new SessionPool(options.sessions ?? 'per-phase');
  let device: Promise<{ device: Device; precision: Precision; note: string }> | undefined;
  let tokenizer: Promise<ClipTokenizer> | undefined;
  const scale = parts.vaeConfig.scaleFactor;

  const resolveOnce = (): Promise<{ device: Device; precision: Precision; note: string }> => {
    device ??= resolveDevice(options.device ?? 'auto').then(async (d) => {
      const p = await resolvePrecision(d.device, options.precision);
      return { ...d, precision: p.precision, note: p.precision === 'fp32' && !options.precision ? d.note : `${d.note}, precision ${p.note}` };
    });
    device.catch(() => {
      device = undefined;
    });
    return device;
  };
  const loadOptions = async (hooks: GenerateHooks): Promise<LoadOptions> => ({
    device: (await resolveOnce()).device,
    precision: (await resolveOnce()).precision,
    ...(options.threads ? { threads: options.threads } : {}),
    onProgress: (message: string) => hooks.onProgress?.({ phase: 'load', message }),
    onWarning: (message: string) => hooks.onProgress?.({ phase: 'warning', message }),
  });

  const pipe: Pipeline = {
    id: parts.id,
    ...(parts.revision ? { revision: parts.revision } : {}),
    configs: { unetConfig: parts.unetConfig, vaeConfig: parts.vaeConfig, schedulerConfig: parts.schedulerConfig },
    defaults,
    stats: { sessionsCreated: pool.created },
    device: resolveOnce,
    scheduler(name, steps, config = parts.schedulerConfig) {
      const s = createScheduler(name, config);
      s.setTimesteps(steps);
      return s;
    },

    async encodePrompt(prompt, negativePrompt, guided, hooks = {}) {
      tokenizer ??= loadTokenizer(parts.tokenizerDir);
      const tok = await tokenizer;
      const opts = await loadOptions(hooks);
      return pool.use(
        'text_encoder',
        () => parts.loadTextEncoder(opts),
        (encoder) => encodePrompts(tok, encoder, prompt, negativePrompt, guided),
      );
    },

    prepareLatents(size, seed, scheduler) {
      const dims: LatentDims = [1, parts.unetConfig.inChannels, size.frames, size.height / scale, size.width / scale];
      const generator = new TorchGenerator().manualSeed(seed);
      const noise = fillNormal(new Float32Array(dims.reduce((a, b) => a * b, 1)), generator);
      return { noise, latents: scaleInitialNoise(noise, scheduler.initNoiseSigma), dims, generator };
    },

    async denoise(input, hooks = {}) {
      const opts = await loadOptions(hooks);
      const run = (unet: UnetStep) => {
        hooks.onReady?.();
        return sampleLatents({
          unet,
          scheduler: input.scheduler,
          latents: input.latents,
          dims: input.dims,
          cond: input.embeds.cond,
          uncond: input.embeds.uncond,
          embedDims: input.embeds.dims,
          guidanceScale: input.guidanceScale,
          freeu: input.freeu,
          guidanceInterval: input.guidanceInterval ?? null,
          ...(input.eta !== undefined ? { eta: input.eta } : {}),
          ...(input.generator ? { generator: input.generator } : {}),
          ...(input.resident !== undefined ? { resident: input.resident } : {}),
          ...(hooks.signal ? { signal: hooks.signal } : {}),
          ...(hooks.onStep ? { onStep: hooks.onStep } : {}),
          ...(hooks.onLatents ? { onLatents: hooks.onLatents } : {}),
          ...(hooks.onOutput ? { onOutput: hooks.onOutput } : {}),
          ...(hooks.outputSteps ? { outputSteps: hooks.outputSteps } : {}),
        });
      };
      const steps = input.scheduler.timesteps.length;
      const dc = input.deepCache && input.deepCache.interval > 1 ? input.deepCache : null;
      if (hooks.onRecorded)
        return pool.use(
          'unet',
          () => loadRecordingUnet(parts, opts, dc),
          (unet) => run(recordingStep(unet, hooks.onRecorded!)),
          'unet-record',
        );
      // DeepCache off loads the plain graph: the run is bit-identical to one without the option
      if (!dc) {
        const out = await pool.use('unet', () => parts.loadUnet(opts), run);
        hooks.onUnetCalls?.({ full: steps, shallow: 0 });
        return out;
      }
      return pool.use(
        'unet',
        () => parts.loadDeepCacheUnet(opts, dc.branch),
        async (unet) => {
          const stepper = deepCacheStepper(unet, fullSteps(steps, dc));
          const out = await run(stepper);
          hooks.onUnetCalls?.(stepper.counts);
          return out;
        },
        `unet-deepcache-${dc.branch}`,
      );
    },

    async decode(latents, dims, hooks = {}) {
      const opts = await loadOptions(hooks);
      return pool.use(
        'vae',
        () => parts.loadVae(opts),
        (vae) =>
          decodeLatents(latents, dims, {
            vae,
            scalingFactor: parts.vaeConfig.scalingFactor,
            ...(hooks.signal ? { signal: hooks.signal } : {}),
            onChunk: (done, total) => hooks.onProgress?.({ phase: 'decode', done, total }),
          }),
      );
    },

    estimateMemory: async (req) => estimatePeakBytes(parts, req, await resolveOnce()),

    async generate(req, hooks = {}) {
      const t0 = performance.now();
      const report = (e: ProgressEvent): void => hooks.onProgress?.(e);
      validateRequest(req, scale);
      await checkMemory(parts, req, options.maxMemory, await resolveOnce());
      // the branch range depends on the U-Net: refused before any network loads
      if (req.deepCache && req.deepCache.interval > 1) deepCacheEntry(parts.unetConfig, req.deepCache.branch);
      report({ phase: 'device', message: (await resolveOnce()).note });
      const seed = req.seed ?? randomSeed();
      const guided = req.guidanceScale > 1;

      report({ phase: 'encode-prompt' });
      const embeds = await pipe.encodePrompt(req.prompt, req.negativePrompt, guided, hooks);
      const limit = (await tokenizer)?.maxLength ?? 77;
      for (const which of embeds.truncated) report({ phase: 'warning', message: `the ${which} is longer than ${limit} tokens and was truncated` });
      throwIfAborted(hooks.signal);

      const scheduler = pipe.scheduler(req.scheduler, req.steps);
      const { latents, dims, generator } = pipe.prepareLatents(req, seed, scheduler);
      let t1 = performance.now();
      let elapsed = 0;
      let calls: DeepCacheCounts = { full: req.steps, shallow: 0 };
      const denoiseInput = {
        scheduler,
        latents,
        dims,
        embeds,
        guidanceScale: req.guidanceScale,
        freeu: req.freeu ?? null,
        deepCache: req.deepCache ?? null,
        guidanceInterval: req.guidanceInterval ?? null,
        eta: req.eta ?? 0,
        generator,
      };
      // the preview's colour map is fitted with the model's own VAE, loaded beside the U-Net for the sampling loop
      const preview = req.previewEvery ? await previewProjector(parts, req, await loadOptions(hooks), dims, report) : undefined;
      const record = hooks.onRecord ? recordingHooks(parts.schedulerConfig, req.scheduler, dims, req.steps, hooks.onRecord, preview?.onOutput) : undefined;
      let final: Float32Array;
      try {
        final = await pipe.denoise(record ? { ...denoiseInput, deepCache: null } : denoiseInput, {
          ...hooks,
          ...(preview ? { onOutput: preview.onOutput, outputSteps: preview.previews } : {}),
          ...(record ? { onOutput: record.onOutput, outputSteps: () => true, onRecorded: record.onRecorded } : {}),
          onReady: () => {
            t1 = performance.now();
          },
          onUnetCalls: (c) => {
            calls = c;
          },
          onStep: (i, seconds) => {
            elapsed += seconds;
            report({ phase: 'step', step: i + 1, total: req.steps, secondsPerStep: seconds, etaSeconds: (elapsed / (i + 1)) * (req.steps - i - 1) });
          },
        });
      } finally {
        await preview?.release();
      }
      const t2 = performance.now();
      const decoded = await pipe.decode(final, dims, hooks);
      return {
        rgb: frames01ToRgb(decoded.frames01),
        frames01: decoded.frames01,
        frames: req.frames,
        width: decoded.width,
        height: decoded.height,
        seed,
        device: (await resolveOnce()).device,
        precision: (await resolveOnce()).precision,
        timings: { loadSeconds: (t1 - t0) / 1000, sampleSeconds: (t2 - t1) / 1000, decodeSeconds: (performance.now() - t2) / 1000 },
        unetCalls: { ...calls, guided: guided ? Array.from({ length: req.steps }, (_, i) => guidedStep(i, req.steps, req.guidanceInterval)).filter(Boolean).length : 0 },
        modelId: parts.id,
        ...(parts.revision ? { modelRevision: parts.revision } : {}),
      };
    },

    release: () => pool.releaseAll(),
  };
  return pipe;
}
