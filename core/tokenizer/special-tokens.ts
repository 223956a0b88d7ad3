// Special and added tokens of a tokenizer folder, resolved with transformers 5.17's precedence (tokenizer_config.json, special_tokens_map.json, tokenizer.json).
import { join } from 'node:path';
import { T2vError } from '../errors.js';

/** A tokenizers `AddedToken` as tokenizer.json serialises it. */
export interface AddedToken {
  readonly content: string;
  readonly single_word: boolean;
  readonly lstrip: boolean;
  readonly rstrip: boolean;
  readonly normalized: boolean;
  readonly special: boolean;
}

export interface SpecialTokens {
  readonly bos_token: string;
  readonly eos_token: string;
  readonly unk_token: string;
  readonly pad_token: string;
}

type Named = keyof SpecialTokens;
/** PreTrainedTokenizerBase.SPECIAL_TOKENS_ATTRIBUTES order; sep / cls / mask have no CLIP default. */
const ATTRIBUTES = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'] as const;
/** CLIPTokenizer.__init__ defaults. */
const CLIP_DEFAULTS: SpecialTokens = { bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>', pad_token: '<|endoftext|>' };
const isNamed = (key: string): key is Named => key in CLIP_DEFAULTS;

type Json = Record<string, unknown>;
type Token = string | AddedToken;

/** tokenizers' AddedToken(content, **kwargs): normalized defaults to `not special`. */
function addedToken(fields: Json, where: string, special?: boolean): AddedToken {
  const { content } = fields;
  if (typeof content !== 'string') throw new T2vError(`${where} has no "content" string; re-save the tokenizer with transformers`);
  const flag = (k: string, d: boolean): boolean => (typeof fields[k] === 'boolean' ? (fields[k] as boolean) : d);
  const sp = special ?? flag('special', false);
  return { content, single_word: flag('single_word', false), lstrip: flag('lstrip', false), rstrip: flag('rstrip', false), normalized: flag('normalized', !sp), special: sp };
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (t: Token): string => (typeof t === 'string' ? t : t.content);

/** `_from_pretrained`: special_tokens_map.json is read only when tokenizer_config.json has no added_tokens_decoder, and then wins. */
function applySpecialTokensMap(kwargs: Json, objects: Map<string, AddedToken>, map: Json | undefined, where: string): void {
  if (!map) return;
  for (const [key, value] of Object.entries(map)) {
    if (key === 'additional_special_tokens' || key === 'extra_special_tokens') {
      if (Array.isArray(value) && value.length === 0) continue;
      throw new T2vError(`${where}: ${key} is not supported for CLIP tokenizers; remove it`);
    }
    objects.delete(key);
    if (isObject(value)) objects.set(key, addedToken(value, `${where} ${key}`, true));
    else kwargs[key] = value;
  }
}

/** The added tokens the folder declares: added_tokens_decoder, else (legacy) tokenizer.json's added_tokens. */
function declaredTokens(dir: string, config: Json, tokenizerJson: Json | undefined): Map<number, AddedToken> {
  const out = new Map<number, AddedToken>();
  if (config.added_tokens_decoder !== undefined) {
    if (!isObject(config.added_tokens_decoder)) throw new T2vError(`${dir}/tokenizer_config.json: added_tokens_decoder is not an object; re-save the tokenizer`);
    for (const [id, tok] of Object.entries(config.added_tokens_decoder)) {
      if (!isObject(tok)) throw new T2vError(`${dir}/tokenizer_config.json: added_tokens_decoder[${id}] is not an object; re-save the tokenizer`);
      out.set(Number(id), addedToken(tok, `${dir}/tokenizer_config.json added_tokens_decoder[${id}]`));
    }
  } else if (tokenizerJson && Array.isArray(tokenizerJson.added_tokens)) {
    for (const tok of tokenizerJson.added_tokens) {
      if (!isObject(tok) || typeof tok.id !== 'number') throw new T2vError(`${dir}/tokenizer.json: an added_tokens entry has no id; re-save the tokenizer`);
      out.set(tok.id, addedToken(tok, `${dir}/tokenizer.json added_tokens`));
    }
  }
  return out;
}

/** A named special token's value: `{"__type": "AddedToken"}` objects (convert_added_tokens), strings, or objects from the map. */
function namedToken(dir: string, key: string, value: unknown, byContent: Map<string, AddedToken>): Token | undefined {
  if (value === undefined) return isNamed(key) ? (byContent.get(CLIP_DEFAULTS[key]) ?? CLIP_DEFAULTS[key]) : undefined;
  if (value === null) {
    if (isNamed(key)) throw new T2vError(`${dir}: ${key} is null; a CLIP tokenizer needs it (CLIP's is ${CLIP_DEFAULTS[key]})`);
    return undefined;
  }
  if (typeof value === 'string') return byContent.get(value) ?? value;
  if (isObject(value) && value.__type === 'AddedToken') return addedToken(value, `${dir}/tokenizer_config.json ${key}`);
  throw new T2vError(`${dir}/tokenizer_config.json: ${key} must be a string or an AddedToken (transformers raises TypeError too)`);
}

/**
 * Special tokens and the tokenizer.json `added_tokens` list, as TokenizersBackend.__init__ adds them: the declared
 * tokens in id order, then each named special token not yet present. Ids are the vocabulary's, as tokenizers'
 * AddedVocabulary assigns them; a token outside the vocabulary, or with single_word (unsupported here), is refused.
 */
export async function resolveAddedTokens(
  dir: string,
  config: Json,
  vocab: Json,
  tokenizerJson: Json | undefined,
  readJson: (path: string) => Promise<Json | undefined>,
): Promise<{ specials: SpecialTokens; added: Array<AddedToken & { id: number }> }> {
  const kwargs: Json = { ...config };
  const mapObjects = new Map<string, AddedToken>();
  if (config.added_tokens_decoder === undefined) {
    applySpecialTokensMap(kwargs, mapObjects, await readJson(join(dir, 'special_tokens_map.json')), `${dir}/special_tokens_map.json`);
  }
  for (const key of ['additional_special_tokens', 'extra_special_tokens']) {
    const v = kwargs[key];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) throw new T2vError(`${dir}: ${key} is not supported for CLIP tokenizers; remove it`);
  }
  const declared = declaredTokens(dir, config, tokenizerJson);
  const byContent = new Map([...declared.values()].map((t) => [t.content, t] as const));
  const named = new Map<string, Token>();
  for (const key of ATTRIBUTES) {
    const tok = mapObjects.get(key) ?? namedToken(dir, key, kwargs[key], byContent);
    if (tok !== undefined) named.set(key, tok);
  }
  const namedText = new Set([...named.values()].map(text));
  const toAdd: AddedToken[] = [...declared.entries()].sort(([a], [b]) => a - b).map(([, t]) => t);
  const seen = new Set(toAdd.map((t) => t.content));
  for (const tok of named.values()) {
    if (seen.has(text(tok))) continue;
    seen.add(text(tok));
    toAdd.push(typeof tok === 'string' ? addedToken({ content: tok }, dir, true) : tok);
  }
  const added = toAdd.map((t) => {
    const id = vocab[t.content];
    if (typeof id !== 'number') throw new T2vError(`${dir}: the added token ${JSON.stringify(t.content)} is not in the vocabulary; t2v reads only CLIP tokenizers whose tokens all are`);
    if (t.single_word) throw new T2vError(`${dir}: the added token ${JSON.stringify(t.content)} has single_word true, which t2v cannot match exactly; set it false`);
    return { id, ...t, special: t.special || namedText.has(t.content) };
  });
  const specials = Object.fromEntries(Object.keys(CLIP_DEFAULTS).map((k) => [k, text(named.get(k) as Token)])) as unknown as SpecialTokens;
  return { specials, added: added.sort((a, b) => a.id - b.id) };
}
