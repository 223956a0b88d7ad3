// Shell completion scripts derived from the commander program: its commands, each command's long flags, choice values.
import type { Command } from 'commander';
import { SCHEDULER_NAMES } from '../core/common/types.js';
import { PRECISIONS } from '../core/runtime/device-names.js';
import { DEVICES } from './flags.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface Spec {
  readonly commands: readonly string[];
  /** Long flags per command ('' for the root / generate). */
  readonly flags: ReadonlyMap<string, readonly string[]>;
}

const CHOICES: Readonly<Record<string, readonly string[]>> = { '--scheduler': SCHEDULER_NAMES, '--device': DEVICES, '--precision': PRECISIONS, '--freeu-version': ['1', '2'] };

function longFlags(cmd: Command): string[] {
  return cmd.options.filter((o) => !o.hidden && o.long).map((o) => o.long!);
}

function specOf(program: Command): Spec {
  const flags = new Map<string, readonly string[]>([['', longFlags(program)]]);
  for (const c of program.commands) flags.set(c.name(), [...longFlags(c), ...c.commands.map((s) => s.name())]);
  return { commands: program.commands.map((c) => c.name()), flags };
}

function bash(s: Spec): string {
  const cases = [...s.flags]
    .filter(([k]) => k)
    .map(([k, v]) => `    ${k}) opts="${v.join(' ')}" ;;`)
    .join('\n');
  const choices = Object.entries(CHOICES)
    .map(([f, v]) => `    ${f}) COMPREPLY=($(compgen -W "${v.join(' ')}" -- "$cur")); return ;;`)
    .join('\n');
  return `# t2v bash completion: source it, or save it as ~/.local/share/bash-completion/completions/t2v
_t2v() {
  local cur prev opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
${choices}
    -o|--output|-m|--model|--preview-path|--golden) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  opts="${[...s.commands, ...(s.flags.get('') ?? [])].join(' ')}"
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _t2v t2v
`;
}

function zsh(s: Spec): string {
  return `#compdef t2v
# t2v zsh completion: save as _t2v in a folder on $fpath (or eval "$(t2v completion zsh)")
_t2v() {
  local -a opts
  case $words[2] in
${[...s.flags]
  .filter(([k]) => k)
  .map(([k, v]) => `    ${k}) opts=(${v.join(' ')}) ;;`)
  .join('\n')}
    *) opts=(${[...s.commands, ...(s.flags.get('') ?? [])].join(' ')}) ;;
  esac
  case $words[CURRENT-1] in
${Object.entries(CHOICES)
  .map(([f, v]) => `    ${f}) compadd ${v.join(' ')}; return ;;`)
  .join('\n')}
    -o|--output|-m|--model|--preview-path|--golden) _files; return ;;
  esac
  compadd -- $opts
}
compdef _t2v t2v
`;
}

function fish(s: Spec): string {
  const lines = ['# t2v fish completion: save as ~/.config/fish/completions/t2v.fish', 'complete -c t2v -f'];
  for (const c of s.commands) lines.push(`complete -c t2v -n '__fish_use_subcommand' -a ${c}`);
  for (const [cmd, flags] of s.flags) {
    const cond = cmd ? `__fish_seen_subcommand_from ${cmd}` : '__fish_use_subcommand';
    for (const f of flags.filter((x) => x.startsWith('--'))) {
      const values = CHOICES[f];
      lines.push(`complete -c t2v -n '${cond}' -l ${f.slice(2)}${values ? ` -x -a '${values.join(' ')}'` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(program: Command, shell: Shell): string {
  const s = specOf(program);
  return shell === 'bash' ? bash(s) : shell === 'zsh' ? zsh(s) : fish(s);
}
