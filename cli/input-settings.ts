// The prompt, negative prompt, model, seed and device declared once: flag rows, parser + limits, metadata key, wizard
// label and the words of a reproduce command. settings.ts parses with them, reproduce.ts spells them, the wizard asks them.
import { UsageError } from '../core/errors.js';
import type { DeviceChoice, GenerateResult } from '../core/pipeline/types.js';
import { DEVICE_CHOICES } from '../core/runtime/device-names.js';
import type { GenerationMetadata } from '../video/metadata.js';
import type { Layered, Sourced } from './config.js';
import { flagLabel, type FlagSpec } from './flag-spec.js';
import { parseChoice, parseSeed } from './parse.js';
import type { SettingOutput } from './setting-output.js';
import type { Settings } from './settings.js';

/** The longest prompt taken: CLIP reads 77 tokens (a few hundred characters) and onnxruntime once crashed on long argv. */
export const MAX_PROMPT_CHARS = 4000;

const textOf = (s: Sourced | undefined): string | undefined => (s === undefined ? undefined : typeof s.value === 'string' ? s.value : String(s.value));

/** One declared input: its flag rows, how the given value is read from the layered sources, how it is spelled and stored. */
export interface InputSetting<T> extends SettingOutput {
  readonly name: string;
  readonly flags: readonly FlagSpec[];
  readonly parse: (v: Layered) => T | undefined;
  readonly metadataKey: keyof GenerationMetadata;
  /** The wizard's label for it. */
  readonly wizard: string;
  /** Its words in the full reproduce command. */
  readonly words: (meta: GenerationMetadata) => string[];
  readonly stored: (s: Settings, r: GenerateResult) => Partial<GenerationMetadata>;
}

/** Refuses a text over MAX_PROMPT_CHARS; `what` is "prompt" or "negative prompt". */
export function checkPromptLength(what: string, text: string | undefined): void {
  if (text !== undefined && text.length > MAX_PROMPT_CHARS) {
    throw new UsageError(`the ${what} is ${text.length} characters; at most ${MAX_PROMPT_CHARS} are taken (the text encoder reads only the first 77 tokens); shorten it`);
  }
}

const PROMPT_FLAG: FlagSpec = { key: 'prompt', flags: '-p, --prompt <text>', description: 'what the video shows (or give it as the first argument)', configurable: false };

/** The prompt's own check, for flags and the wizard alike. */
export function checkPrompt(prompt: string): string {
  if (prompt.trim() === '') throw new UsageError('the prompt is empty; say what the video should show');
  checkPromptLength('prompt', prompt);
  return prompt;
}

/** The prompt from --prompt or the first argument (not both, unless the same). */
export function parsePrompt(v: Layered, positional?: string): string | undefined {
  const fromFlag = textOf(v[PROMPT_FLAG.key]);
  if (positional !== undefined && fromFlag !== undefined && positional !== fromFlag) throw new UsageError('two prompts given (an argument and --prompt); give one');
  const prompt = positional ?? fromFlag;
  return prompt === undefined ? undefined : checkPrompt(prompt);
}

export const PROMPT: InputSetting<string> = {
  name: 'prompt',
  flags: [PROMPT_FLAG],
  parse: (v) => parsePrompt(v),
  metadataKey: 'prompt',
  wizard: 'Prompt',
  // a prompt starting with '-' would be read as a flag; give it through --prompt then
  words: (m) => (m.prompt.startsWith('-') ? [flagLabel(PROMPT_FLAG), m.prompt] : [m.prompt]),
  request: (s) => ({ prompt: s.prompt }),
  stored: (s) => ({ prompt: s.prompt }),
  reported: (s) => ({ prompt: s.prompt }),
};

const NEGATIVE_FLAG: FlagSpec = { key: 'negativePrompt', flags: '-n, --negative-prompt <text>', description: 'what to steer away from', defaultText: 'none', configurable: true };

export const NEGATIVE_PROMPT: InputSetting<string> = {
  name: 'negativePrompt',
  flags: [NEGATIVE_FLAG],
  metadataKey: 'negativePrompt',
  wizard: 'Negative prompt',
  parse: (v) => {
    const text = textOf(v[NEGATIVE_FLAG.key]);
    checkPromptLength('negative prompt', text);
    return text === '' ? undefined : text;
  },
  // always given, even empty, so a default negative prompt from config.json or T2V_* cannot creep in
  words: (m) => [flagLabel(NEGATIVE_FLAG), m.negativePrompt],
  // none: '' in files, null in --json
  request: (s) => (s.negativePrompt !== undefined ? { negativePrompt: s.negativePrompt } : {}),
  stored: (s) => ({ negativePrompt: s.negativePrompt ?? '' }),
  reported: (s) => ({ negativePrompt: s.negativePrompt ?? null }),
};

const MODEL_FLAG: FlagSpec = {
  key: 'model',
  flags: '-m, --model <folder|hub id|name>',
  description: 'a diffusers folder, a Hub id in the HF cache (org/name[@rev]) or "default"',
  defaultText: 'default, the embedded model',
  configurable: true,
};
const REVISION_FLAG: FlagSpec = {
  key: 'revision',
  flags: '--revision <rev>',
  description: 'Hub revision (commit or branch) of a Hub id --model; same as org/name@rev; ignored for folders',
  defaultText: 'main',
  configurable: true,
};

/** `org/name` + `--revision r` -> `org/name@r`; folders and `default` have no revision (reproduce commands pass '' there). */
export function withRevision(model: string | undefined, revision: string | undefined): string | undefined {
  if (!revision || model === undefined) return model;
  if (!/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(model)) return model;
  return `${model}@${revision}`;
}

export const MODEL: InputSetting<string> = {
  name: 'model',
  flags: [MODEL_FLAG, REVISION_FLAG],
  metadataKey: 'model',
  wizard: 'Model',
  parse: (v) => withRevision(textOf(v[MODEL_FLAG.key]), textOf(v[REVISION_FLAG.key])),
  // a model folder has no revision ('')
  words: (m) => [flagLabel(MODEL_FLAG), m.model.id, ...(m.model.revision !== '' ? [flagLabel(REVISION_FLAG), m.model.revision] : [])],
  // what was opened: the folder's id and the Hub revision it resolved to
  stored: (_s, r) => ({ model: { id: r.modelId, revision: r.modelRevision ?? '' } }),
  reported: (s, r) => ({ model: { id: r?.modelId ?? s.model ?? 'default', revision: r?.modelRevision ?? null } }),
};

const SEED_FLAG: FlagSpec = {
  key: 'seed',
  flags: '-s, --seed <n>',
  description: 'random seed, 0 .. 2^64-1 (torch.manual_seed compatible)',
  defaultText: 'drawn at random and printed',
  configurable: true,
};

export const SEED: InputSetting<bigint> = {
  name: 'seed',
  flags: [SEED_FLAG],
  metadataKey: 'seed',
  wizard: 'Seed',
  parse: (v) => {
    const s = v[SEED_FLAG.key];
    const raw = textOf(s);
    // -1 (sd.cpp, A1111) or "random": draw one, as when no seed is given
    return s === undefined || raw === undefined || /^\s*(-1|random)\s*$/i.test(raw) ? undefined : parseSeed(s.label, raw);
  },
  words: (m) => [flagLabel(SEED_FLAG), m.seed],
  // decimal text: seeds go up to 2^64-1
  request: (s) => ({ seed: s.seed }),
  stored: (_s, r) => ({ seed: String(r.seed) }),
  reported: (s, r) => ({ seed: String(r?.seed ?? s.seed), seedDrawn: s.seedDrawn }),
};

const DEVICE_FLAG: FlagSpec = {
  key: 'device',
  flags: '--device <name>',
  description: `where the networks run: ${DEVICE_CHOICES.join(' | ')}; auto picks webgpu when an adapter exists`,
  defaultText: 'auto',
  configurable: true,
};

/** When nothing names a device. */
export const DEFAULT_DEVICE: DeviceChoice = 'auto';

export const DEVICE: InputSetting<DeviceChoice> = {
  name: 'device',
  flags: [DEVICE_FLAG],
  metadataKey: 'device',
  wizard: 'Device',
  parse: (v) => {
    const s = v[DEVICE_FLAG.key];
    const raw = textOf(s);
    return s === undefined || raw === undefined ? undefined : parseChoice(s.label, raw, DEVICE_CHOICES);
  },
  words: (m) => [flagLabel(DEVICE_FLAG), m.device],
  // the device that ran (auto resolved); --json also says what was asked
  stored: (_s, r) => ({ device: r.device }),
  reported: (s, r) => ({ device: r?.device ?? null, deviceRequested: s.device }),
};
