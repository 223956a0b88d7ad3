// A CLIP tokenizer folder -> the tokenizer.json definition transformers 5.17's CLIPTokenizer.from_pretrained would run, or a one-line refusal.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { T2vError } from '../errors.js';
import { asObject, readJsonFile } from '../../models/json.js';
import { isFile } from '../../models/safetensors.js';
import { resolveAddedTokens, type SpecialTokens } from './special-tokens.js';

/** CLIP's pre-tokenizer pattern (transformers models/clip/tokenization_clip.py). */
export const CLIP_PATTERN = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

export interface TokenizerFolder {
  readonly definition: Record<string, unknown>;
  readonly specials: SpecialTokens;
  /** `model_max_length`: what diffusers pads and truncates every prompt to. */
  readonly maxLength: number;
}

const TOKENIZER_FIX = { missing: 'check the tokenizer folder', invalid: 're-download the tokenizer' };
const readJson = async (path: string): Promise<Record<string, unknown>> => asObject(await readJsonFile(path, TOKENIZER_FIX), path);

const optionalJson = async (path: string): Promise<Record<string, unknown> | undefined> => ((await isFile(path)) ? readJson(path) : undefined);

interface Bpe {
  readonly vocab: Record<string, unknown>;
  readonly merges: string[];
}

/** vocab + merges from tokenizer.json when present, else vocab.json + merges.txt (convert_to_native_format's order). */
async function readBpe(dir: string, tokenizerJson: Record<string, unknown> | undefined): Promise<Bpe> {
  if (tokenizerJson) {
    const model = asObject(tokenizerJson.model, `${dir}/tokenizer.json model`);
    if (model.type !== 'BPE') throw new T2vError(`${dir}/tokenizer.json holds a ${String(model.type)} model, not CLIP's BPE; use a CLIP tokenizer folder`);
    const merges = Array.isArray(model.merges) ? model.merges.map((m) => (Array.isArray(m) ? m.join(' ') : String(m))) : [];
    return { vocab: asObject(model.vocab, `${dir}/tokenizer.json model.vocab`), merges };
  }
  const vocabPath = join(dir, 'vocab.json');
  if (!(await isFile(vocabPath))) throw new T2vError(`${dir} has neither tokenizer.json nor vocab.json + merges.txt; check the tokenizer folder`);
  const vocab = await readJson(vocabPath);
  const mergesPath = join(dir, 'merges.txt');
  let mergesText: string;
  try {
    mergesText = await readFile(mergesPath, 'utf8');
  } catch {
    throw new T2vError(`${mergesPath} is missing or unreadable; a tokenizer folder needs tokenizer.json or vocab.json + merges.txt`);
  }
  // tokenizers' BPE::read_file skips the "#version" header line
  const merges = mergesText
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l, i) => !(i === 0 && l.startsWith('#version')) && l !== '');
  return { vocab, merges };
}

/** transformers leaves model_max_length at VERY_LARGE_INTEGER (1e30) when unset: the pipeline would pad to that, so refuse. */
function maxLengthOf(dir: string, config: Record<string, unknown>): number {
  const raw = config.model_max_length ?? config.max_len;
  if (raw === undefined || raw === null) {
    throw new T2vError(`${dir}: tokenizer_config.json sets no model_max_length (transformers would pad prompts to 1e30 tokens); add "model_max_length": 77`);
  }
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 2 || raw > 4096) {
    throw new T2vError(`${dir}: model_max_length ${String(raw)} is not a usable prompt length (2..4096); CLIP's is 77`);
  }
  return raw;
}

/**
 * Reads a tokenizer folder the way transformers 5.17 does (tokenization_utils_base.py `_from_pretrained`,
 * tokenization_utils_tokenizers.py `TokenizersBackend`, models/clip/tokenization_clip.py `CLIPTokenizer.__init__`).
 * CLIPTokenizer rebuilds normalizer, pre-tokenizer and post-processor itself, so only vocab, merges and added tokens
 * come from the files, and `do_lower_case` is never read (it always lowercases).
 */
export async function readTokenizerFolder(dir: string): Promise<TokenizerFolder> {
  const config = (await optionalJson(join(dir, 'tokenizer_config.json'))) ?? {};
  const tokenizerJson = await optionalJson(join(dir, 'tokenizer.json'));
  if (await isFile(join(dir, 'added_tokens.json'))) {
    throw new T2vError(`${dir}/added_tokens.json (legacy added tokens) is not supported; re-save the tokenizer with transformers >= 4.34`);
  }
  if (config.split_special_tokens === true) throw new T2vError(`${dir}: split_special_tokens true is not supported; CLIP pipelines use false`);
  const { vocab, merges } = await readBpe(dir, tokenizerJson);
  const { specials, added } = await resolveAddedTokens(dir, config, vocab, tokenizerJson, optionalJson);
  const definition = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_PATTERN }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: specials.unk_token,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
  return { definition, specials, maxLength: maxLengthOf(dir, config) };
}
