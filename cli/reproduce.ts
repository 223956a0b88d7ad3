// The t2v command line that regenerates a file from its stored metadata, quoted for a POSIX shell.
import { flagLabel } from './flags.js';
import { SCALAR_KEYS, scalarSpec } from './generation-settings.js';
import type { GenerationMetadata } from '../video/metadata.js';

/** Quotes one word for sh/bash/zsh: bare when it is plainly safe, otherwise in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
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
  args.push('--device', meta.device);
  if (options.output !== undefined) args.push('-o', options.output);
  return args.map(shellQuote).join(' ');
}
