// The denoising loop with every tensor on the device (webgpu): U-Net, guidance and scheduler step chained on GPU buffers.
// Only small per-step inputs go up (the timestep projection, FreeU factors, the step's coefficients, DDIM's eta noise);
// the final latents come back, plus whatever a listener asks for (onLatents, the preview's steps).
import type * as ort from 'onnxruntime-node';
import { T2vError } from '../errors.js';
import { freeuFactorsForStep } from '../freeu/schedule.js';
import type { ResidentUnet } from '../runtime/index.js';
import { concatBatch } from './guidance.js';
import type { SampleOptions } from './sampler.js';
import { checkFinite, guidedStep, throwIfAborted, varianceNoise } from './step-helpers.js';

/** Disposes device tensors once each (the same tensor may be held under two names). */
class Held {
  private readonly live = new Set<ort.Tensor>();
  keep<T extends ort.Tensor>(t: T): T {
    this.live.add(t);
    return t;
  }
  drop(...ts: (ort.Tensor | undefined)[]): void {
    for (const t of ts) if (t && this.live.delete(t)) t.dispose();
  }
  dropAll(): void {
    this.drop(...this.live);
  }
}

export async function sampleResident(o: SampleOptions, unet: ResidentUnet): Promise<Float32Array> {
  const dev = unet.steps;
  const [, c, f, h, w] = o.dims;
  const [len, dim] = o.embedDims;
  const timesteps = o.scheduler.timesteps;
  const n = timesteps.length;
  const eta = o.eta ?? 0;
  if (eta > 0 && !o.generator) throw new T2vError('sampling with eta > 0 needs the generator of the initial latents');
  const guided = (i: number): boolean => o.uncond !== null && guidedStep(i, n, o.guidanceInterval);
  // the next call's scale_model_input divisor, read after the step that precedes it, as the host loop does
  const next = (i: number) => ({ divisor: i < n ? o.scheduler.inputDivisor(timesteps[i]!) : 1, batch: i < n && guided(i) ? 2 : 1 });
  const held = new Held();
  try {
    const cond = held.keep(await dev.upload(o.cond, [1, len, dim]));
    const both = o.uncond ? held.keep(await dev.upload(concatBatch(o.uncond, o.cond), [2, len, dim])) : cond;
    const first = await dev.prepare(o.latents, o.dims, next(0));
    let x = held.keep(first.latents);
    let input = held.keep(first.next);
    let yPrev = x;
    for (let i = 0; i < n; i++) {
      throwIfAborted(o.signal);
      const started = performance.now();
      const t = timesteps[i]!;
      const out = held.keep(await unet.run({ sample: input, timestep: t, encoderHiddenStates: guided(i) ? both : cond, freeu: freeuFactorsForStep(o.freeu, i, n) }, i));
      const coefficients = o.scheduler.affineStep(t, { eta });
      const noise = eta > 0 ? held.keep(await dev.upload(varianceNoise(o.generator!, o.dims), o.dims)) : x;
      const r = await dev.run({ sample: x, modelOutput: out, yPrev, noise, guidanceScale: o.guidanceScale, step: coefficients, next: next(i + 1) });
      for (const t of Object.values(r)) held.keep(t);
      if (noise !== x) held.drop(noise);
      if (o.onOutput && (o.outputSteps?.(i) ?? true)) {
        const vp = await dev.download(input);
        await o.onOutput(i, vp.subarray(0, c * f * h * w), await dev.download(r.guided), t);
      }
      held.drop(r.guided, out, input, yPrev, x);
      x = r.prev;
      yPrev = r.y;
      input = r.next;
      if (o.onLatents) {
        const latents = await dev.download(x);
        checkFinite(latents, i, n, o.guidanceScale);
        o.onLatents(i, latents);
      }
      o.onStep?.(i, (performance.now() - started) / 1000);
    }
    const final = await dev.download(x);
    // without a per-step read the first NaN is only seen here; it names the last step
    checkFinite(final, n - 1, n, o.guidanceScale);
    return final;
  } finally {
    unet.dispose?.();
    held.dropAll();
  }
}
