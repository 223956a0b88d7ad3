// The CLIP text encoder runner: int64 input_ids (B, L), L <= max_position_embeddings -> last_hidden_state (B, L, D).
import * as ort from './ort.js';
import { T2vError } from '../errors.js';
import { parseClipTextConfig, type ClipTextConfig } from '../../models/configs/clip-text.js';
import { readPartConfig } from '../../models/folder.js';
import type { WeightsSpec } from '../../models/networks/build.js';
import { loadNetwork, outputF32, type LoadOptions } from './session.js';

export interface TextEncoderRunner {
  readonly config: ClipTextConfig;
  readonly modelPath: string;
  encode(ids: BigInt64Array, batch: number, seqLen: number): Promise<{ data: Float32Array; dims: number[] }>;
  release(): Promise<void>;
}

export async function loadTextEncoderFrom(config: ClipTextConfig, weights: WeightsSpec, opts: LoadOptions): Promise<TextEncoderRunner> {
  const { session, graph } = await loadNetwork({ kind: 'clip-text', config }, weights, opts);
  return {
    config,
    modelPath: graph.modelPath,
    async encode(ids, batch, seqLen) {
      if (seqLen < 1 || seqLen > config.maxPositionEmbeddings) throw new T2vError(`text encoder input has ${seqLen} tokens; the model takes 1 to ${config.maxPositionEmbeddings}`);
      if (ids.length !== batch * seqLen) throw new T2vError(`text encoder got ${ids.length} ids for batch ${batch} x ${seqLen} tokens`);
      for (const id of ids) if (id < 0n || id >= BigInt(config.vocabSize)) throw new T2vError(`token id ${id} is outside the vocabulary (0 to ${config.vocabSize - 1})`);
      return outputF32(await session.run({ input_ids: new ort.Tensor('int64', ids, [batch, seqLen]) }), 'last_hidden_state');
    },
    release: () => session.release(),
  };
}

/** Loads the text encoder of a part folder (`text_encoder/`). */
export async function loadTextEncoder(partDir: string, opts: LoadOptions): Promise<TextEncoderRunner> {
  const config = parseClipTextConfig(await readPartConfig(partDir, 'text_encoder'), `${partDir}/config.json`);
  return loadTextEncoderFrom(config, { dir: partDir }, opts);
}
