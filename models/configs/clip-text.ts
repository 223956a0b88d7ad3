// CLIPTextConfig with transformers' defaults (transformers models/clip/configuration_clip.py).
import { ConfigReader } from './common.js';

export type ClipActivation = 'gelu' | 'quick_gelu';

export interface ClipTextConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly maxPositionEmbeddings: number;
  readonly hiddenAct: ClipActivation;
  readonly layerNormEps: number;
}

export function parseClipTextConfig(raw: Readonly<Record<string, unknown>>, what = 'text_encoder/config.json'): ClipTextConfig {
  // a full CLIPConfig nests the text part under text_config
  const text = raw.text_config && typeof raw.text_config === 'object' ? (raw.text_config as Record<string, unknown>) : raw;
  const r = new ConfigReader(text, what);
  const hiddenSize = r.int('hidden_size', 512);
  const numAttentionHeads = r.int('num_attention_heads', 8);
  if (hiddenSize % numAttentionHeads !== 0) r.reject(`hidden_size ${hiddenSize} is not divisible by num_attention_heads ${numAttentionHeads}`);
  return Object.freeze({
    vocabSize: r.int('vocab_size', 49408),
    hiddenSize,
    intermediateSize: r.int('intermediate_size', 2048),
    numHiddenLayers: r.int('num_hidden_layers', 12),
    numAttentionHeads,
    maxPositionEmbeddings: r.int('max_position_embeddings', 77),
    hiddenAct: r.str('hidden_act', 'quick_gelu', ['gelu', 'quick_gelu']) as ClipActivation,
    layerNormEps: r.num('layer_norm_eps', 1e-5),
  });
}
