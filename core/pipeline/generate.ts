// One generation end to end: model folder -> prompt embeddings -> sampled latents -> decoded frames.
import { UsageError } from '../errors.js';
import { randn, randomSeed } from '../rng/index.js';
import { resolveDevice } from '../runtime/index.js';
import { createScheduler } from '../schedulers/index.js';
import { loadTokenizer } from '../tokenizer/index.js';
import { resolveModel } from '../../models/folder.js';
import { decodeLatents } from './decode.js';
import { frames01ToRgb } from './frames.js';
import { partsFromFolder, type PipelineParts } from './parts.js';
import { encodePrompts } from './prompt.js';
import { sampleLatents, scaleInitialNoise, throwIfAborted } from './sampler.js';
import { previewProjector } from './preview-steps.js';
import type { GenerateRequest, GenerateResult, ProgressEvent } from './types.js';

const MAX_SEED = (1n << 64n) - 1n;

/** Checks the numbers of a request against each other and the model; every problem names its flag. */
export function validateRequest(req: GenerateRequest, scale: number): void {
  const positiveInt = (v: number, flag: string) => {
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`${flag} ${v}: expected a whole number >= 1`);
  };
  positiveInt(req.steps, '--steps');
  positiveInt(req.frames, '--frames');
  for (const [v, flag] of [[req.width, '--width'], [req.height, '--height']] as const) {
    positiveInt(v, flag);
    if (v % scale !== 0) throw new UsageError(`${flag} ${v}: must be a multiple of ${scale} (the model's VAE scale factor), e.g. ${Math.max(scale, Math.round(v / scale) * scale)}`);
  }
  if (!(req.guidanceScale >= 1)) throw new UsageError(`--guidance ${req.guidanceScale}: expected a number >= 1 (1 turns guidance off)`);
  if (req.seed !== undefined && (req.seed < 0n || req.seed > MAX_SEED)) throw new UsageError(`--seed ${req.seed}: expected a whole number in 0 .. 2^64-1`);
}

/** One generation from a model named as `--model` takes it (folder, Hub id in the cache, `default`). */
export async function generate(req: GenerateRequest, onProgress: (e: ProgressEvent) => void = () => undefined): Promise<GenerateResult> {
  return generateWith(await partsFromFolder(await resolveModel(req.model)), req, onProgress);
}

/** One generation from loaded-on-demand parts: each network is released as soon as the pipeline is past it. */
export async function generateWith(parts: PipelineParts, req: GenerateRequest, onProgress: (e: ProgressEvent) => void = () => undefined): Promise<GenerateResult> {
  const t0 = performance.now();
  const scale = parts.vaeConfig.scaleFactor;
  validateRequest(req, scale);
  const { device, note } = await resolveDevice(req.device);
  onProgress({ phase: 'device', message: note });
  const seed = req.seed ?? randomSeed();
  const opts = { device, ...(req.threads ? { threads: req.threads } : {}), onProgress: (message: string) => onProgress({ phase: 'load', message }) };
  const guided = req.guidanceScale > 1;

  onProgress({ phase: 'encode-prompt' });
  const tokenizer = await loadTokenizer(parts.tokenizerDir);
  const encoder = await parts.loadTextEncoder(opts);
  let embeds;
  try {
    embeds = await encodePrompts(tokenizer, encoder, req.prompt, req.negativePrompt, guided);
  } finally {
    await encoder.release(); // the text encoder is not needed again: free it before the U-Net loads
  }
  for (const which of embeds.truncated) onProgress({ phase: 'warning', message: `the ${which} is longer than 77 tokens and was truncated` });
  throwIfAborted(req.signal);

  const scheduler = createScheduler(req.scheduler, parts.schedulerConfig);
  scheduler.setTimesteps(req.steps);
  const dims = [1, parts.unetConfig.inChannels, req.frames, req.height / scale, req.width / scale] as const;
  const latents = scaleInitialNoise(randn(dims, seed), scheduler.initNoiseSigma);

  // the preview's colour map is fitted with the model's own VAE (loaded beside the U-Net until the first preview)
  const preview = req.previewEvery ? await previewProjector(parts, req, opts, dims, onProgress) : undefined;
  const unet = await parts.loadUnet(opts);
  const loadSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  let final: Float32Array;
  try {
    let elapsed = 0;
    final = await sampleLatents({
      unet, scheduler, latents, dims,
      cond: embeds.cond, uncond: embeds.uncond, embedDims: embeds.dims,
      guidanceScale: req.guidanceScale, freeu: req.freeu ?? null,
      ...(req.signal ? { signal: req.signal } : {}),
      ...(preview ? { onOutput: preview.onOutput } : {}),
      onStep: (i, _x, seconds) => {
        elapsed += seconds;
        onProgress({ phase: 'step', step: i + 1, total: req.steps, secondsPerStep: seconds, etaSeconds: (elapsed / (i + 1)) * (req.steps - i - 1) });
      },
    });
  } finally {
    await preview?.release();
    await unet.release(); // the U-Net is the largest network: gone before the VAE loads
  }
  const sampleSeconds = (performance.now() - t1) / 1000;

  const t2 = performance.now();
  const vae = await parts.loadVae(opts);
  let decoded;
  try {
    decoded = await decodeLatents(final, dims, {
      vae, scalingFactor: parts.vaeConfig.scalingFactor, ...(req.signal ? { signal: req.signal } : {}),
      onChunk: (done, total) => onProgress({ phase: 'decode', done, total }),
    });
  } finally {
    await vae.release();
  }
  return {
    rgb: frames01ToRgb(decoded.frames01),
    frames01: decoded.frames01,
    frames: req.frames,
    width: decoded.width,
    height: decoded.height,
    seed,
    device,
    timings: { loadSeconds, sampleSeconds, decodeSeconds: (performance.now() - t2) / 1000 },
    modelId: parts.id,
    ...(parts.revision ? { modelRevision: parts.revision } : {}),
  };
}
