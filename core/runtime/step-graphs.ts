// The sampling loop's small graphs on the device: guidance + scheduler step, the first U-Net input, and copies to and from it.
import * as ort from './ort.js';
import type { AffineStep } from '../schedulers/types.js';
import { GraphBuilder } from '../../models/onnx/graph.js';
import { Ops } from '../../models/onnx/ops.js';
import { createSessionFrom } from './session.js';

const LATENT = ['batch', 'channels', 'frames', 'height', 'width'] as const;
const ONE = [1, 'channels', 'frames', 'height', 'width'] as const;
/** Stands for "no clip" on the device: WGSL may assume no infinities, so none is fed. */
const FLT_MAX = 3.4028234663852886e38;
const STEP_SCALARS = ['guidance_scale', 'kx', 'km', 'clip', 'ox', 'om', 'oy', 'op', 'on'] as const;

/** Tile(x / divisor, repeats): the next U-Net input, the latents once or twice along the batch (the guidance batch). */
function nextInput(g: GraphBuilder, o: Ops, x: string): void {
  const div = g.input('input_divisor', 'float32', []);
  const reps = g.input('repeats', 'int64', [5]);
  g.output(g.node('Tile', [o.div(x, div), reps]), 'next_input', 'float32', [...LATENT]);
}

/**
 * Guidance then one scheduler step in the AffineStep form (core/schedulers/types.ts), every op in float32:
 * m = u + g * (c - u) on the batch's first and last entries (the same entry when the step is unguided, so m = u).
 */
export function buildStepGraph(): Uint8Array {
  const g = new GraphBuilder({ name: 't2v_sampler_step' });
  const o = new Ops(g);
  const x = g.input('sample', 'float32', [...ONE]);
  const out = g.input('model_output', 'float32', [...LATENT]);
  const yPrev = g.input('y_prev', 'float32', [...ONE]);
  const noise = g.input('noise', 'float32', [...ONE]);
  const s = Object.fromEntries(STEP_SCALARS.map((n) => [n, g.input(n, 'float32', [])])) as Record<(typeof STEP_SCALARS)[number], string>;
  const u = o.slice(out, [0], [1], [0]);
  const c = o.slice(out, [-1], [Number.MAX_SAFE_INTEGER], [0]);
  const m = o.add(u, o.mul(s.guidance_scale, o.sub(c, u)));
  const y = o.add(o.mul(s.kx, x), o.mul(s.km, m));
  const x0 = g.node('Clip', [y, g.node('Neg', [s.clip]), s.clip]);
  const terms = [o.mul(s.ox, x), o.mul(s.om, m), o.mul(s.oy, x0), o.mul(s.op, yPrev), o.mul(s.on, noise)];
  const prev = terms.reduce((a, b) => o.add(a, b));
  g.output(prev, 'prev_sample', 'float32', [...ONE]);
  g.output(y, 'y', 'float32', [...ONE]);
  g.output(m, 'guided', 'float32', [...ONE]);
  nextInput(g, o, prev);
  return g.serialize();
}

/** The initial latents copied to the device, and the first U-Net input made from them. */
export function buildPrepareGraph(): Uint8Array {
  const g = new GraphBuilder({ name: 't2v_sampler_prepare' });
  const o = new Ops(g);
  const x = g.input('sample', 'float32', [...ONE]);
  g.output(x, 'latents', 'float32', [...ONE]);
  nextInput(g, o, x);
  return g.serialize();
}

/** The last `rows` entries along the batch axis (DeepCache: the conditional half of a guidance batch's feature); a copy, exact. */
export function buildLastRowsGraph(): Uint8Array {
  const g = new GraphBuilder({ name: 't2v_last_rows' });
  const start = g.input('start', 'int64', [1]);
  const y = g.node('Slice', [g.input('x', 'float32', null), start, g.constI([Number.MAX_SAFE_INTEGER]), g.constI([0])]);
  g.output(y, 'y', 'float32', null);
  return g.serialize();
}

function buildCopyGraph(): Uint8Array {
  const g = new GraphBuilder({ name: 't2v_copy' });
  g.output(g.input('x', 'float32', null), 'y', 'float32', null);
  return g.serialize();
}

export interface StepTensors {
  readonly prev: ort.Tensor;
  readonly y: ort.Tensor;
  readonly guided: ort.Tensor;
  readonly next: ort.Tensor;
}

/** What comes next after a step: the divisor of scale_model_input and the batch (2 when guided) of the next U-Net call. */
export interface NextCall {
  readonly divisor: number;
  readonly batch: number;
}

function scalar(v: number): ort.Tensor {
  return new ort.Tensor('float32', new Float32Array([v]), []);
}

function nextFeeds(n: NextCall): Record<string, ort.Tensor> {
  return { input_divisor: scalar(n.divisor), repeats: new ort.Tensor('int64', BigInt64Array.from([BigInt(n.batch), 1n, 1n, 1n, 1n]), [5]) };
}

/** The sampler's sessions on webgpu; every tensor they return lives on the device until disposed. */
export class DeviceSteps {
  private constructor(
    private readonly step: ort.InferenceSession,
    private readonly prep: ort.InferenceSession,
    private readonly up: ort.InferenceSession,
    private readonly down: ort.InferenceSession,
    private readonly rows: ort.InferenceSession,
  ) {}

  static async create(): Promise<DeviceSteps> {
    const made: ort.InferenceSession[] = [];
    try {
      for (const [graph, location] of [
        [buildStepGraph(), 'gpu-buffer'],
        [buildPrepareGraph(), 'gpu-buffer'],
        [buildCopyGraph(), 'gpu-buffer'],
        [buildCopyGraph(), 'cpu'],
        [buildLastRowsGraph(), 'gpu-buffer'],
      ] as const) {
        made.push(await createSessionFrom(graph, 'webgpu', location));
      }
    } catch (e) {
      await Promise.all(made.map((s) => s.release()));
      throw e;
    }
    return new DeviceSteps(made[0]!, made[1]!, made[2]!, made[3]!, made[4]!);
  }

  /** A host array copied to the device. */
  async upload(data: Float32Array, dims: readonly number[]): Promise<ort.Tensor> {
    return (await this.up.run({ x: new ort.Tensor('float32', data, [...dims]) })).y!;
  }

  /** A device tensor copied back to the host. */
  async download(t: ort.Tensor): Promise<Float32Array> {
    const out = await this.down.run({ x: t });
    const data = out.y?.data;
    if (!(data instanceof Float32Array)) throw new Error('onnxruntime returned no float32 copy');
    return data;
  }

  /** A new device tensor holding the last `rows` entries of `t` along axis 0. */
  async lastRows(t: ort.Tensor, rows: number): Promise<ort.Tensor> {
    const start = new ort.Tensor('int64', BigInt64Array.from([BigInt(t.dims[0]! - rows)]), [1]);
    return (await this.rows.run({ x: t, start })).y!;
  }

  async prepare(latents: Float32Array, dims: readonly number[], next: NextCall): Promise<{ latents: ort.Tensor; next: ort.Tensor }> {
    const out = await this.prep.run({ sample: new ort.Tensor('float32', latents, [...dims]), ...nextFeeds(next) });
    return { latents: out.latents!, next: out.next_input! };
  }

  async run(x: { sample: ort.Tensor; modelOutput: ort.Tensor; yPrev: ort.Tensor; noise: ort.Tensor; guidanceScale: number; step: AffineStep; next: NextCall }): Promise<StepTensors> {
    const a = x.step;
    const coefficients = { guidance_scale: x.guidanceScale, ...a, clip: Number.isFinite(a.clip) ? a.clip : FLT_MAX };
    const feeds: Record<string, ort.Tensor> = { sample: x.sample, model_output: x.modelOutput, y_prev: x.yPrev, noise: x.noise, ...nextFeeds(x.next) };
    for (const n of STEP_SCALARS) feeds[n] = scalar(coefficients[n]);
    const out = await this.step.run(feeds);
    return { prev: out.prev_sample!, y: out.y!, guided: out.guided!, next: out.next_input! };
  }

  async release(): Promise<void> {
    await Promise.all([this.step, this.prep, this.up, this.down, this.rows].map((s) => s.release()));
  }
}
