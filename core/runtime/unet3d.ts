// The U-Net runner: one call per guidance batch, FreeU factors fed as graph inputs.
import { T2vError } from '../errors.js';
import { FREEU_OFF, type FreeUStep } from '../freeu/types.js';
import { parseUnet3dConfig, type Unet3dConfig } from '../../models/configs/unet3d.js';
import { readPartConfig } from '../../models/folder.js';
import type { WeightsSpec } from '../../models/networks/build.js';
import { loadNetwork, outputF32, scalarF32, tensorF32, type LoadOptions } from './session.js';

export interface Unet3dInputs {
  readonly sample: Float32Array;
  readonly sampleDims: readonly [number, number, number, number, number];
  /** One timestep for the whole batch, or one per sample. */
  readonly timestep: number | readonly number[];
  readonly encoderHiddenStates: Float32Array;
  readonly ehsDims: readonly [number, number, number];
  readonly freeu?: FreeUStep;
}

export interface Unet3dRunner {
  readonly config: Unet3dConfig;
  /** Where the built graph is (compile cache). */
  readonly modelPath: string;
  readonly built: boolean;
  run(inputs: Unet3dInputs): Promise<Float32Array>;
  release(): Promise<void>;
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

export async function loadUnet3dFrom(config: Unet3dConfig, weights: WeightsSpec, opts: LoadOptions): Promise<Unet3dRunner> {
  const { session, graph } = await loadNetwork({ kind: 'unet3d', config }, weights, opts);
  return {
    config,
    modelPath: graph.modelPath,
    built: graph.built,
    async run(x) {
      const ts = checkInputs(config, x);
      const f = x.freeu ?? FREEU_OFF;
      const out = await session.run({
        sample: tensorF32(x.sample, x.sampleDims),
        timestep: tensorF32(Float32Array.from(ts), [ts.length]),
        encoder_hidden_states: tensorF32(x.encoderHiddenStates, x.ehsDims),
        freeu_b1: scalarF32(f.b1),
        freeu_b2: scalarF32(f.b2),
        freeu_s1: scalarF32(f.s1),
        freeu_s2: scalarF32(f.s2),
        freeu_v2: scalarF32(f.version === 2 ? 1 : 0),
      });
      return outputF32(out, 'out_sample').data;
    },
    release: () => session.release(),
  };
}

/** Loads the U-Net of a part folder (`unet/`). */
export async function loadUnet3d(partDir: string, opts: LoadOptions): Promise<Unet3dRunner> {
  const config = parseUnet3dConfig(await readPartConfig(partDir, 'unet'), `${partDir}/config.json`);
  return loadUnet3dFrom(config, { dir: partDir }, opts);
}
