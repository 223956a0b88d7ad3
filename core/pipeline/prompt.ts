// Prompt and negative prompt to CLIP embeddings, as TextToVideoSDPipeline.encode_prompt does (no attention mask).
import type { ClipTokenizer } from '../tokenizer/index.js';
import type { TextEncoderRunner } from '../runtime/index.js';

export interface PromptEmbeddings {
  /** (1, L, D) */
  readonly cond: Float32Array;
  /** (1, L, D); null when guidance is off. */
  readonly uncond: Float32Array | null;
  readonly dims: readonly [number, number];
  /** Which of the prompts lost tokens to the 77-token limit. */
  readonly truncated: readonly ('prompt' | 'negative prompt')[];
}

export async function encodePrompts(tokenizer: ClipTokenizer, encoder: TextEncoderRunner, prompt: string, negativePrompt: string | undefined, guided: boolean): Promise<PromptEmbeddings> {
  const texts = guided ? [prompt, negativePrompt ?? ''] : [prompt];
  const encoded = texts.map((t) => tokenizer.encode(t));
  const seqLen = encoded[0]!.ids.length;
  const ids = new BigInt64Array(encoded.length * seqLen);
  encoded.forEach((e, b) =>
    e.ids.forEach((id, j) => {
      ids[b * seqLen + j] = BigInt(id);
    }),
  );
  const { data, dims } = await encoder.encode(ids, encoded.length, seqLen);
  const per = data.length / encoded.length;
  const truncated: ('prompt' | 'negative prompt')[] = [];
  if (encoded[0]!.truncated) truncated.push('prompt');
  if (encoded[1]?.truncated) truncated.push('negative prompt');
  return {
    cond: data.slice(0, per),
    uncond: guided ? data.slice(per, 2 * per) : null,
    dims: [dims[1]!, dims[2]!],
    truncated,
  };
}
