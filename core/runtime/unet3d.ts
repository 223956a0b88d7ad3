// The U-Net runner: one call per guidance batch, FreeU factors fed as graph inputs.
import { T2vError } from '../errors.js';
import { FREEU_OFF, type FreeUStep } from '../freeu/types.js';
import { parseUnet3dConfig, type Unet3dConfig } from '../../models/configs/unet3d.js';
import { readPartConfig } from '../../models/folder.js';
import type { WeightsSpec } from '../../models/networks/build.js';
import { RECORDED_KINDS, type RecordedKind } from '../../models/networks/unet3d.js';
import { timestepProjection } from '../../models/networks/timestep.js';
import { loadNetwork, outputF32, scalarF32, tensorF32, type LoadOptions } from './session.js';
import type * as ort from 'onnxruntime-node';
import { DeviceSteps } from './step-graphs.js';

export interface Unet3dInputs {
  readonly sample: Float32Array;
  readonly sampleDims: readonly [number, number, number, number, number];
  /** One timestep for the whole batch, or one per sample. */
  readonly timestep: number | readonly number[];
  readonly encoderHiddenStates: Float32Array;
  readonly ehsDims: readonly [number, number, number];
  readonly freeu?: FreeUStep;
}

/** One tensor of the FreeU lab's recording graph: (B*F, C, H, W), frames folded into the batch (b * F + f). */
export interface RecordedTensor {
  /** FreeU stage = diffusers' resolution_idx (0: up_blocks[0], 1: up_blocks[1]). */
  readonly stage: number;
  /** Which skip concatenation of that up block (0 .. layers_per_block). */
  readonly layer: number;
  readonly kind: RecordedKind;
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export interface Unet3dRunner {
  readonly config: Unet3dConfig;
  /** Where the built graph is (compile cache). */
  readonly modelPath: string;
  readonly built: boolean;
  run(inputs: Unet3dInputs): Promise<Float32Array>;
  /** The output and the recorded FreeU tensors (none unless the graph was built with `record`). */
  runRecorded(inputs: Unet3dInputs): Promise<{ out: Float32Array; recorded: RecordedTensor[] }>;
  /** On webgpu: the U-Net on tensors that stay on the device (core/pipeline/resident-sampler.ts). */
  readonly resident?: ResidentUnet;
  release(): Promise<void>;
}

/** The U-Net's input and output on the device; the timestep projection and FreeU factors are small host inputs. */
export interface ResidentUnetInputs {
  readonly sample: ort.Tensor;
  readonly timestep: number;
  readonly encoderHiddenStates: ort.Tensor;
  readonly freeu?: FreeUStep;
}

export interface ResidentUnet {
  /** The sampler's step graphs and copies, on the U-Net's device. */
  readonly steps: DeviceSteps;
  /** `step`: the loop's index (DeepCache picks its graph by it; the plain U-Net ignores it). */
  run(inputs: ResidentUnetInputs, step: number): Promise<ort.Tensor>;
  /** Frees what the runner holds between steps (DeepCache's cached feature); the loop calls it when it ends. */
  dispose?(): void;
}

/** The device inputs' checks the host path makes in checkInputs (a device tensor's length is its dims'). */
export function checkResidentInputs(cfg: Unet3dConfig, x: ResidentUnetInputs): number {
  const [b, c] = x.sample.dims;
  if (c !== cfg.inChannels) throw new T2vError(`U-Net sample has ${c} channels but the model takes ${cfg.inChannels}`);
  if (x.encoderHiddenStates.dims[0] !== b) throw new T2vError(`encoder_hidden_states has batch ${x.encoderHiddenStates.dims[0]} but the sample has batch ${b}`);
  return b!;
}

/** The feeds of a device-resident call: sample and embeddings stay on the device, the small inputs go up. */
export function residentFeeds(cfg: Unet3dConfig, x: ResidentUnetInputs): Record<string, ort.Tensor> {
  const b = checkResidentInputs(cfg, x);
  return { sample: x.sample, encoder_hidden_states: x.encoderHiddenStates, ...smallFeeds(cfg, [x.timestep], b, x.freeu) };
}

const RECORDED_NAME = new RegExp(`^freeu_record\\.(\\d+)\\.(\\d+)\\.(${RECORDED_KINDS.join('|')})$`);

/** The recorded outputs of one run, in stage, layer, kind order. */
export function recordedOutputs(out: ort.InferenceSession.ReturnType): RecordedTensor[] {
  const recorded: RecordedTensor[] = [];
  for (const name of Object.keys(out)) {
    const m = RECORDED_NAME.exec(name);
    if (!m) continue;
    const { data, dims } = outputF32(out, name);
    recorded.push({ stage: Number(m[1]), layer: Number(m[2]), kind: m[3] as RecordedKind, data, dims });
  }
  const order = (r: RecordedTensor): number => (r.stage * 1000 + r.layer) * 10 + RECORDED_KINDS.indexOf(r.kind);
  return recorded.sort((a, b) => order(a) - order(b));
}

function checkInputs(cfg: Unet3dConfig, x: Unet3dInputs): number[] {
  const [b, c, f, h, w] = x.sampleDims;
  if (c !== cfg.inChannels) throw new T2vError(`U-Net sample has ${c} channels but the model takes ${cfg.inChannels}`);
  if (x.sample.length !== b * c * f * h * w) throw new T2vError(`U-Net sample holds ${x.sample.length} values but dims [${x.sampleDims.join(', ')}] need ${b * c * f * h * w}`);
  const [eb, l, d] = x.ehsDims;
  if (eb !== b) throw new T2vError(`encoder_hidden_states has batch ${eb} but the sample has batch ${b}`);
  if (d !== cfg.crossAttentionDim) throw new T2vError(`encoder_hidden_states has width ${d} but the model's cross_attention_dim is ${cfg.crossAttentionDim}`);
  if (x.encoderHiddenStates.length !== eb * l * d) throw new T2vError(`encoder_hidden_states holds ${x.encoderHiddenStates.length} values but dims [${x.ehsDims.join(', ')}] need ${eb * l * d}`);
  const ts = typeof x.timestep === 'number' ? [x.timestep] : [...x.timestep];
  if (ts.length !== 1 && ts.length !== b) throw new T2vError(`U-Net got ${ts.length} timesteps for a batch of ${b}; give one or one per sample`);
  return ts;
}

/** The U-Net graph's feeds: the timestep projection computed here, FreeU off unless given. */
export function unet3dFeeds(cfg: Unet3dConfig, x: Unet3dInputs): Record<string, ort.Tensor> {
  const ts = checkInputs(cfg, x);
  return {
    sample: tensorF32(x.sample, x.sampleDims),
    encoder_hidden_states: tensorF32(x.encoderHiddenStates, x.ehsDims),
    ...smallFeeds(cfg, ts, x.sampleDims[0], x.freeu),
  };
}

/** time_proj (double-precision sin/cos, see timestep.ts) and the FreeU factors. */
export function smallFeeds(cfg: Unet3dConfig, ts: readonly number[], batch: number, freeu: FreeUStep | undefined): Record<string, ort.Tensor> {
  const c0 = cfg.blockOutChannels[0]!;
  const f = freeu ?? FREEU_OFF;
  return {
    time_proj: tensorF32(timestepProjection(ts, batch, c0), [batch, c0]),
    freeu_b1: scalarF32(f.b1),
    freeu_b2: scalarF32(f.b2),
    freeu_s1: scalarF32(f.s1),
    freeu_s2: scalarF32(f.s2),
    freeu_v2: scalarF32(f.version === 2 ? 1 : 0),
  };
}

/** On webgpu the output stays on the device (`resident`); `run` copies it back. */
/** `record`: the FreeU lab's graph with the recorded outputs (cached apart from the plain one). */
export async function loadUnet3dFrom(config: Unet3dConfig, weights: WeightsSpec, opts: LoadOptions, build: { record?: boolean } = {}): Promise<Unet3dRunner> {
  const webgpu = opts.device === 'webgpu';
  const { session, graph } = await loadNetwork({ kind: 'unet3d', config }, weights, opts, build.record ? { record: true } : {}, webgpu ? 'gpu-buffer' : 'cpu');
  const steps = webgpu
    ? await DeviceSteps.create().catch(async (e: unknown) => {
        await session.release();
        throw e;
      })
    : undefined;
  const base = { config, modelPath: graph.modelPath, built: graph.built };
  if (!steps) {
    return {
      ...base,
      run: async (x) => outputF32(await session.run(unet3dFeeds(config, x)), 'out_sample').data,
      async runRecorded(x) {
        const out = await session.run(unet3dFeeds(config, x));
        return { out: outputF32(out, 'out_sample').data, recorded: recordedOutputs(out) };
      },
      release: () => session.release(),
    };
  }
  const resident: ResidentUnet = {
    steps,
    async run(x) {
      return (await session.run(residentFeeds(config, x))).out_sample!;
    },
  };
  return {
    ...base,
    resident,
    async run(x) {
      const out = (await session.run(unet3dFeeds(config, x))).out_sample!;
      try {
        return await steps.download(out);
      } finally {
        out.dispose();
      }
    },
    async release() {
      await session.release();
      await steps.release();
    },
    async runRecorded(x) {
      // outputs stay on the device here: each is read back (the lab's tensors are small beside the U-Net's work)
      const out = await session.run(unet3dFeeds(config, x));
      const host: Record<string, ort.Tensor> = {};
      try {
        for (const [name, t] of Object.entries(out)) host[name] = new (await import('./ort.js')).Tensor('float32', await steps.download(t), [...t.dims]);
      } finally {
        for (const t of Object.values(out)) t.dispose();
      }
      return { out: outputF32(host, 'out_sample').data, recorded: recordedOutputs(host) };
    },
  };
}

/** Loads the U-Net of a part folder (`unet/`). */
export async function loadUnet3d(partDir: string, opts: LoadOptions): Promise<Unet3dRunner> {
  const config = parseUnet3dConfig(await readPartConfig(partDir, 'unet'), `${partDir}/config.json`);
  return loadUnet3dFrom(config, { dir: partDir }, opts);
}
