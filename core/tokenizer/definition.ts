// A CLIP tokenizer folder -> the tokenizer.json definition: read as is, or built from vocab.json + merges.txt like transformers' CLIP converter.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { T2vError } from '../errors.js';
import { asObject, parsePythonJson } from '../../models/json.js';
import { isFile } from '../../models/safetensors.js';

/** CLIP's pre-tokenizer pattern (transformers models/clip/tokenization_clip.py), used when building from vocab + merges. */
export const CLIP_PATTERN = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

export interface TokenizerFolder {
  readonly definition: Record<string, unknown>;
  readonly config: Record<string, unknown>;
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new T2vError(`${path} is missing or unreadable; check the tokenizer folder`);
  }
  try {
    return asObject(parsePythonJson(text), path);
  } catch (e) {
    if (e instanceof T2vError) throw e;
    throw new T2vError(`${path} is not valid JSON; re-download the tokenizer`);
  }
}

/** The special token's text from tokenizer_config.json (a string or an AddedToken object), or CLIP's default. */
export function specialToken(config: Record<string, unknown>, key: string, fallback: string): string {
  const v = config[key];
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return fallback;
}

async function buildFromVocabMerges(dir: string, config: Record<string, unknown>): Promise<Record<string, unknown>> {
  const vocabPath = join(dir, 'vocab.json');
  const mergesPath = join(dir, 'merges.txt');
  const vocab = await readJson(vocabPath);
  let mergesText: string;
  try {
    mergesText = await readFile(mergesPath, 'utf8');
  } catch {
    throw new T2vError(`${mergesPath} is missing or unreadable; a tokenizer folder needs tokenizer.json or vocab.json + merges.txt`);
  }
  // transformers skips the "#version" header line and blank lines
  const merges = mergesText.split('\n').filter((l, i) => !(i === 0 && l.startsWith('#version')) && l.trim() !== '').map((l) => l.trimEnd());
  const unk = specialToken(config, 'unk_token', '<|endoftext|>');
  const bos = specialToken(config, 'bos_token', '<|startoftext|>');
  const eos = specialToken(config, 'eos_token', '<|endoftext|>');
  const specials = [...new Set([bos, eos, unk, specialToken(config, 'pad_token', eos)])];
  const added = specials.map((content) => {
    const id = vocab[content];
    if (typeof id !== 'number') throw new T2vError(`${vocabPath} lacks the special token ${content}`);
    return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
  });
  return {
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
    model: { type: 'BPE', dropout: null, unk_token: unk, continuing_subword_prefix: '', end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
  };
}

/** Reads `tokenizer.json` when present, else builds it from `vocab.json` + `merges.txt`; `tokenizer_config.json` is optional. */
export async function readTokenizerFolder(dir: string): Promise<TokenizerFolder> {
  const configPath = join(dir, 'tokenizer_config.json');
  const config = (await isFile(configPath)) ? await readJson(configPath) : {};
  const jsonPath = join(dir, 'tokenizer.json');
  if (await isFile(jsonPath)) return { definition: await readJson(jsonPath), config };
  if (!(await isFile(join(dir, 'vocab.json')))) throw new T2vError(`${dir} has neither tokenizer.json nor vocab.json + merges.txt; check the tokenizer folder`);
  return { definition: await buildFromVocabMerges(dir, config), config };
}
