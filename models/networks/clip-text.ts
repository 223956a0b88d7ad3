// CLIPTextModel last_hidden_state with the causal mask (transformers models/clip/modeling_clip.py).
import type { ClipTextConfig } from '../configs/clip-text.js';
import type { GraphBuilder } from '../onnx/graph.js';
import { layerNorm, layerNormF32, linear, makeContext, readWeight, sdpa, type BuildContext } from './layers.js';
import type { WeightSource } from './source.js';

/** Tensor names carry `text_model.` in older transformers saves and none in newer ones. */
export function clipPrefix(w: WeightSource): string {
  return w.has('text_model.embeddings.token_embedding.weight') ? 'text_model.' : '';
}

async function encoderLayer(ctx: BuildContext, p: string, x: string, cfg: ClipTextConfig, mask: string): Promise<string> {
  const { o } = ctx;
  const d = cfg.hiddenSize;
  const heads = cfg.numAttentionHeads;
  let h = await layerNorm(ctx, `${p}.layer_norm1`, x, d, cfg.layerNormEps);
  const q = await linear(ctx, `${p}.self_attn.q_proj`, h, d, d);
  const k = await linear(ctx, `${p}.self_attn.k_proj`, h, d, d);
  const v = await linear(ctx, `${p}.self_attn.v_proj`, h, d, d);
  h = await linear(ctx, `${p}.self_attn.out_proj`, sdpa({ ...ctx, attention: 'matmul' }, q, k, v, { heads, dimHead: d / heads, attnMask: mask }), d, d);
  const r = o.add(x, h);
  h = await layerNorm(ctx, `${p}.layer_norm2`, r, d, cfg.layerNormEps);
  h = await linear(ctx, `${p}.mlp.fc1`, h, d, cfg.intermediateSize);
  h = cfg.hiddenAct === 'gelu' ? o.gelu(h) : o.quickGelu(h);
  h = await linear(ctx, `${p}.mlp.fc2`, h, cfg.intermediateSize, d);
  return o.add(r, h);
}

/** Builds the text encoder into `g`: input input_ids (B, L) int64 with L <= max_position_embeddings, output last_hidden_state (B, L, D). */
export async function buildClipText(g: GraphBuilder, cfg: ClipTextConfig, w: WeightSource): Promise<void> {
  const ctx = makeContext(g, w, 'matmul');
  const { o } = ctx;
  const pre = clipPrefix(w);
  const d = cfg.hiddenSize;
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const tok = g.initializer(`${pre}embeddings.token_embedding.weight`, await readWeight(ctx, `${pre}embeddings.token_embedding.weight`, [cfg.vocabSize, d]), [cfg.vocabSize, d]);
  const pos = g.initializer(`${pre}embeddings.position_embedding.weight`, await readWeight(ctx, `${pre}embeddings.position_embedding.weight`, [cfg.maxPositionEmbeddings, d]), [
    cfg.maxPositionEmbeddings,
    d,
  ]);
  const len = o.shape(ids, 1, 2);
  const posIds = g.node('Range', [g.constI([0], []), o.squeeze(len, [0]), g.constI([1], [])]);
  let h = o.add(o.gather(tok, ids), o.gather(pos, posIds));
  // causal mask: the float32 minimum above the diagonal, as transformers' eager path
  const lenLen = o.concat([len, len], 0);
  const mask = g.node('Trilu', [o.constantOfShape(lenLen, -3.4028234663852886e38), g.constI([1], [])], { upper: 1 });
  for (let i = 0; i < cfg.numHiddenLayers; i++) h = await encoderLayer(ctx, `${pre}encoder.layers.${i}`, h, cfg, mask);
  // the last norm's float32 result is the output (no fp16 rounding on the way out)
  h = await layerNormF32(ctx, `${pre}final_layer_norm`, h, d, cfg.layerNormEps);
  g.output(h, 'last_hidden_state', 'float32', ['batch', 'sequence', d]);
}
