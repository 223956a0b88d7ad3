// The t2v command line that regenerates a file from its stored metadata, quoted for a POSIX shell.
import { flagLabel } from './flags.js';
import { SCALAR_KEYS, scalarSpec } from './generation-settings.js';
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
export function reproduceCommand(meta: GenerationMetadata, options: { readonly output?: string } = {}): string {
  const args: string[] = ['t2v'];
  // A prompt starting with '-' would be read as a flag; give it through --prompt then.
  args.push(...(meta.prompt.startsWith('-') ? ['--prompt', meta.prompt] : [meta.prompt]));
  // Always given, even empty, so a default negative prompt from config.json or T2V_* cannot creep in.
  args.push('--negative-prompt', meta.negativePrompt);
  // A model folder has no revision ('').
  args.push('--model', meta.model.id, ...(meta.model.revision !== '' ? ['--revision', meta.model.revision] : []));
  args.push('--seed', meta.seed);
  // every scalar setting by its declared flag; eta is spelled out as 0 for files from before it was stored
  const stored: Readonly<Record<string, unknown>> = { ...meta, eta: meta.eta ?? 0 };
  for (const key of SCALAR_KEYS) {
    const spec = scalarSpec(key);
    args.push(flagLabel(spec.flag), String(stored[spec.metadataKey]));
  }
  const f = meta.freeu;
  if (f.enabled) {
    args.push('--freeu', '--freeu-version', String(f.version), '--b1', String(f.b1), '--b2', String(f.b2), '--s1', String(f.s1), '--s2', String(f.s2));
    args.push('--freeu-start', String(f.start), '--freeu-end', String(f.end));
  }
  // spelled out, off included (not --fast), so neither the model's preset nor a config can change the result
  if (meta.sampling) {
    const dc = meta.sampling.deepCache;
    args.push('--deep-cache', String(dc?.interval ?? 1), ...(dc ? ['--deep-cache-branch', String(dc.branch), '--deep-cache-schedule', dc.schedule] : []));
    args.push('--guidance-interval', (meta.sampling.guidanceInterval ?? [0, 1]).join(','));
  }
  args.push('--device', meta.device);
  if (options.output !== undefined) args.push('-o', options.output);
  return args.map(shellQuote).join(' ');
}
