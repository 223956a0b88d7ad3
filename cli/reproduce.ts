// The t2v command line that regenerates a file from its stored metadata, quoted for a POSIX shell.
import type { FreeUFactors } from '../core/common/types.js';
import { flagLabel } from './flags.js';
import { FREEU_FLAGS, freeuDefaultWords, freeuWords } from './freeu-setting.js';
import { ETA_DEFAULT, PRECISION_SETTING, SCALAR_KEYS, scalarSpec, type ScalarSettings } from './generation-settings.js';
import { DEVICE, MODEL, NEGATIVE_PROMPT, PROMPT, SEED } from './input-settings.js';
import { speedWords } from './speed.js';
import type { GenerationMetadata } from '../video/metadata.js';

// controls that could make the printed line read as another command (CR, escapes, bidi overrides); \n and \t only wrap
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const DECEPTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** "$(printf '\015')": the character spelled in octal bytes, for any POSIX shell (dash has no $'...'). */
function printfWord(c: string): string {
  const octal = [...Buffer.from(c, 'utf8')].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
  return `"$(printf '${octal}')"`;
}

/**
 * Quotes one word for sh/bash/zsh: bare when it is plainly safe, otherwise in single quotes, with each control
 * character outside them as printf octal, so that a forged CR or escape is shown, not obeyed, by the terminal.
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  const quoted = `'${word.replace(/'/g, `'\\''`)}'`;
  return quoted.replace(DECEPTIVE, (c) => `'${printfWord(c)}'`);
}

/**
 * `t2v 'prompt' --seed ... -o FILE` with every parameter spelled out, so a change of CLI defaults cannot change the
 * result. FreeU flags appear only when it was on: the CLI has no flag to force it off, so a config that turns FreeU
 * on would change a FreeU-off reproduction. `output` adds -o.
 */
export function reproduceCommand(meta: GenerationMetadata, options: { readonly output?: string; readonly defaults?: ShortDefaults } = {}): string {
  const d = options.defaults;
  const composite = meta.composite?.command;
  if (d) return shortCommand(meta, d, options.output);
  const args: string[] = ['t2v', ...(composite ? [composite[0]!] : [])];
  args.push(...PROMPT.words(meta), ...NEGATIVE_PROMPT.words(meta), ...MODEL.words(meta), ...SEED.words(meta));
  // every scalar setting by its declared flag; eta is spelled out as 0 for files from before it was stored
  const stored: Readonly<Record<string, unknown>> = { ...meta, eta: meta.eta ?? ETA_DEFAULT };
  for (const key of SCALAR_KEYS) {
    const spec = scalarSpec(key);
    args.push(flagLabel(spec.flag), String(stored[spec.metadataKey]));
  }
  if (composite) args.push(...composite.slice(1));
  else if (meta.freeu.enabled) args.push(FREEU_ON, ...freeuWords(meta.freeu));
  if (meta.sampling) args.push(...speedWords(meta.sampling));
  args.push(...DEVICE.words(meta));
  // spelled out when stored, so the device's default cannot change it; older files ran fp32
  args.push(flagLabel(PRECISION_SETTING.flag), meta.precision ?? 'fp32');
  if (options.output !== undefined) args.push('-o', options.output);
  return args.map(shellQuote).join(' ');
}

/** The model's own defaults, for the short form. */
export interface ShortDefaults extends Omit<ScalarSettings, 'eta' | 'scheduler'> {
  readonly scheduler: string;
  readonly freeu: FreeUFactors;
}

const FREEU_ON = flagLabel(FREEU_FLAGS[0]!);

/**
 * The same command leaving out what equals the model's defaults (and FreeU's: version 1, range 0..1): shorter to read
 * and retype, but settings in config.json or T2V_* would then apply. The model and the seed are always given.
 */
function shortCommand(meta: GenerationMetadata, d: ShortDefaults, output: string | undefined): string {
  const composite = meta.composite?.command;
  const args: string[] = ['t2v', ...(composite ? [composite[0]!] : [])];
  args.push(...PROMPT.words(meta));
  if (meta.negativePrompt !== '') args.push(...NEGATIVE_PROMPT.words(meta));
  if (meta.model.id !== 'default') args.push(...MODEL.words(meta));
  args.push(...SEED.words(meta));
  const stored: Readonly<Record<string, unknown>> = { ...meta };
  const defaults: Readonly<Record<string, unknown>> = { ...d, eta: ETA_DEFAULT };
  for (const key of SCALAR_KEYS) {
    const spec = scalarSpec(key);
    const v = String(stored[spec.metadataKey] ?? defaults[key]);
    if (v !== String(defaults[key])) args.push(flagLabel(spec.flag), v);
  }
  // composite words: drop FreeU flags at their defaults, and sweep lists of one value equal to the preset
  const words = composite ? composite.slice(1) : meta.freeu.enabled ? freeuWords(meta.freeu) : [];
  const defaultsOf = freeuDefaultWords(d.freeu);
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const value = words[i + 1];
    if (w.startsWith('--') && value !== undefined && !value.startsWith('--')) {
      if (defaultsOf[w] !== value) kept.push(w, value);
      i++;
    } else kept.push(w);
  }
  if (!composite && meta.freeu.enabled) kept.unshift(FREEU_ON);
  args.push(...kept.filter((w, i, all) => !(w === FREEU_ON && all.indexOf(w) !== i)));
  if (output !== undefined) args.push('-o', output);
  return args.map(shellQuote).join(' ');
}
