// `t2v help [command]`, `t2v version` and `t2v completion bash|zsh|fish`: the habits a shell user brings.
import { Command } from 'commander';
import { packageVersion } from '../../models/paths.js';
import type { Context } from '../context.js';
import { completionScript, SHELLS, type Shell } from '../completion.js';
import { UsageError } from '../../core/errors.js';

export function helpCommand(program: Command, ctx: Context, done: (code: number) => void): Command {
  return new Command('help')
    .description('show the help of t2v or of one command')
    .argument('[command]', 'a command name')
    .action((name: string | undefined) => {
      if (name === undefined) {
        program.outputHelp();
        return done(0);
      }
      const cmd = program.commands.find((c) => c.name() === name || c.aliases().includes(name));
      if (!cmd) throw new UsageError(`help ${name}: no such command; the commands are ${program.commands.map((c) => c.name()).join(', ')}`);
      cmd.outputHelp();
      done(0);
    });
}

export function versionCommand(ctx: Context, done: (code: number) => void): Command {
  return new Command('version').description('print the version (same as --version)').action(() => {
    ctx.io.stdout.write(`${packageVersion()}\n`);
    done(0);
  });
}

export function completionCommand(program: Command, ctx: Context, done: (code: number) => void): Command {
  return new Command('completion')
    .description(`print a shell completion script: ${SHELLS.join(' | ')} (e.g. t2v completion bash > ~/.local/share/bash-completion/completions/t2v)`)
    .argument('<shell>', SHELLS.join(' | '))
    .action((shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`completion ${shell}: unknown shell; use one of ${SHELLS.join(', ')}`);
      ctx.io.stdout.write(completionScript(program, shell as Shell));
      done(0);
    });
}
