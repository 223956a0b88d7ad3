// CLIP prompt -> 77 token ids (bos, BPE tokens, eos, padding), as diffusers asks transformers' CLIPTokenizer for them (max_length padding, truncation).
import { Tokenizer } from '@huggingface/tokenizers';
import { T2vError } from '../errors.js';
import { readTokenizerFolder } from './definition.js';

export interface EncodedPrompt {
  /** Exactly `maxLength` ids. */
  readonly ids: number[];
  /** The prompt had more tokens than fit; the caller warns once. */
  readonly truncated: boolean;
}

export class ClipTokenizer {
  constructor(
    private readonly tokenizer: Tokenizer,
    readonly bosId: number,
    readonly eosId: number,
    readonly padId: number,
    readonly maxLength: number,
  ) {}

  /** BPE ids of the prompt without bos / eos. */
  tokenize(prompt: string): number[] {
    return this.tokenizer.encode(prompt, { add_special_tokens: false }).ids;
  }

  encode(prompt: string): EncodedPrompt {
    const body = this.tokenize(prompt);
    const room = this.maxLength - 2;
    const ids = [this.bosId, ...body.slice(0, room), this.eosId];
    while (ids.length < this.maxLength) ids.push(this.padId);
    return { ids, truncated: body.length > room };
  }
}

/** Loads a tokenizer folder as transformers' CLIPTokenizer.from_pretrained would (see definition.ts), or refuses it in one line. */
export async function loadTokenizer(dir: string): Promise<ClipTokenizer> {
  const { definition, specials, maxLength } = await readTokenizerFolder(dir);
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(definition, {});
  } catch (e) {
    throw new T2vError(`${dir}: the tokenizer definition could not be loaded (${(e as Error).message}); re-download the tokenizer`);
  }
  const idOf = (key: keyof typeof specials): number => {
    const id = tokenizer.token_to_id(specials[key]);
    if (id === undefined) throw new T2vError(`${dir}: ${key} ${specials[key]} is not in the vocabulary; check the tokenizer folder`);
    return id;
  };
  return new ClipTokenizer(tokenizer, idOf('bos_token'), idOf('eos_token'), idOf('pad_token'), maxLength);
}
