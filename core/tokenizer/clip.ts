// CLIP prompt -> 77 token ids (bos, BPE tokens, eos, padding), as transformers' CLIPTokenizer with max_length padding and truncation.
import { Tokenizer } from '@huggingface/tokenizers';
import { T2vError } from '../errors.js';
import { readTokenizerFolder, specialToken } from './definition.js';

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

/** Loads a tokenizer folder: `tokenizer.json`, or `vocab.json` + `merges.txt` (+ `tokenizer_config.json`). */
export async function loadTokenizer(dir: string): Promise<ClipTokenizer> {
  const { definition, config } = await readTokenizerFolder(dir);
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(definition, config);
  } catch (e) {
    throw new T2vError(`${dir}: the tokenizer definition could not be loaded (${(e as Error).message}); re-download the tokenizer`);
  }
  const idOf = (key: string, fallback: string): number => {
    const token = specialToken(config, key, fallback);
    const id = tokenizer.token_to_id(token);
    if (id === undefined) throw new T2vError(`${dir}: ${key} ${token} is not in the vocabulary; check the tokenizer folder`);
    return id;
  };
  const eos = idOf('eos_token', '<|endoftext|>');
  const maxRaw = config.model_max_length;
  // transformers writes a huge sentinel when no limit is known; CLIP's context is 77
  const maxLength = typeof maxRaw === 'number' && Number.isInteger(maxRaw) && maxRaw >= 2 && maxRaw <= 4096 ? maxRaw : 77;
  return new ClipTokenizer(tokenizer, idOf('bos_token', '<|startoftext|>'), eos, idOf('pad_token', '<|endoftext|>'), maxLength);
}
