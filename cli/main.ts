// The command line: builds the commander program, runs one command, and maps every outcome to an exit status.
import { Command, CommanderError } from 'commander';
import { packageVersion } from '../models/paths.js';
import { batchCommand } from './commands/batch.js';
import { analyzeCommand } from './commands/analyze.js';
import { compareCommand } from './commands/compare.js';
import { doctorCommand } from './commands/doctor.js';
import { addGenerationOptions, generateAction, generateCommand } from './commands/generate.js';
import { infoCommand } from './commands/info.js';
import { modelsCommand } from './commands/models.js';
import { queueCommand } from './commands/queue.js';
import { studyCommand } from './commands/study.js';
import { sweepCommand } from './commands/sweep.js';
import { verifyCommand } from './commands/verify.js';
import { workerCommand } from './commands/worker.js';
import type { Context, Io } from './context.js';
import type { Deps } from './deps.js';
import { UsageError } from '../core/errors.js';
import { completionCommand, helpCommand, versionCommand } from './commands/meta.js';
import { EXIT_USAGE, oneLine, reportFailure, writeJsonError } from './fail.js';
import { commandTypo } from './suggest.js';
import { readConfig, readEnv, type Sourced } from './config.js';
import { parseBoolean } from './parse.js';

export interface MainOptions {
  /** Tests inject a fake engine; the real one is imported only when a command needs it. */
  readonly deps?: () => Promise<Deps>;
  /** Fires on Ctrl-C; index.ts wires SIGINT/SIGTERM to it. */
  readonly controller?: AbortController;
}

const HELP_AFTER = `
Settings come from, first match wins: the flags; T2V_<FLAG> environment variables (T2V_STEPS=25,
T2V_NEGATIVE_PROMPT=..., T2V_FREEU=1); $XDG_CONFIG_HOME/t2v/config.json (e.g. {"steps": 25, "device": "cpu"});
then the model's defaults (diffusers' TextToVideoSDPipeline: 16 frames, guidance 9, DDIM 50 steps for ModelScope).
Any FreeU flag on the command line (--b1 .. --s2, --freeu-preset, --freeu-version, --freeu-start/-end) implies --freeu.

Without a prompt, in a terminal, t2v opens a wizard. With --json or when stdout is not a terminal, progress goes
to stderr one line per step and stdout gets the output path (or, with --json, exactly one JSON object).

Colour: off with NO_COLOR=1 (no-color.org) or --no-color; the live preview needs colour (--preview-path still works).

Exit status: 0 done, 1 runtime failure, 2 bad usage, 130 interrupted (Ctrl-C; nothing half-written is left).

Examples (the embedded default model draws a circle, square or triangle in red, green, blue, yellow or white, moving
left, right, up or down, on a black, white or grey background; t2v models list says what each model draws):
  t2v "a red circle moving left on a white background" --seed 42 -o circle.mp4
  t2v "a blue square moving up on a black background" --freeu --steps 25 --json
  t2v compare "a yellow triangle moving right on a grey background" --seed 7 --freeu-preset modelscope
  t2v sweep "a green circle moving down on a white background" --b1 1,1.2 --s1 0.6,0.9
  t2v completion bash > ~/.local/share/bash-completion/completions/t2v
`;

function inheritAll(parent: Command, cmd: Command): Command {
  cmd.copyInheritedSettings(parent);
  for (const sub of cmd.commands) inheritAll(cmd, sub);
  return cmd;
}

/** Commander's own usage errors, as one line with the fix. */
function commanderLine(err: CommanderError): string {
  const text = err.message
    .replace(/^error:\s*/, '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\.$/, '');
  // only the prompt-taking commands are helped by quoting; `info a.mp4 extra` is just one file too many
  if (err.code === 'commander.excessArguments' && /for '(t2v|generate|compare|sweep)'/.test(text)) return `${text}; quote the prompt: t2v "a cat on a skateboard"`;
  return `${text}; see t2v --help (or t2v <command> --help) for the flags`;
}

export async function main(rawArgv: readonly string[], ioIn: Io, options: MainOptions = {}): Promise<number> {
  // --no-color is a global switch: NO_COLOR for everything below (index.ts has already told chalk)
  const argv = rawArgv.filter((a, i) => a !== '--no-color' || (rawArgv.indexOf('--') !== -1 && i > rawArgv.indexOf('--')));
  const io: Io = argv.length === rawArgv.length ? ioIn : { ...ioIn, env: { ...ioIn.env, NO_COLOR: '1' } };
  const controller = options.controller ?? new AbortController();
  const ctx: Context = {
    io,
    deps: options.deps ?? (async () => (await import('./deps.js')).loadDeps()),
    signal: controller.signal,
    interrupt: () => controller.abort(),
  };
  let code = 0;
  const done = (c: number): void => {
    code = c;
  };

  const program = new Command('t2v')
    .description('text to video: a ModelScope-style 3D U-Net with FreeU, on onnxruntime')
    .usage('[options] [prompt] | <command> ...')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => undefined,
    })
    .addHelpText('after', HELP_AFTER);
  addGenerationOptions(program);
  program.helpCommand(false);
  program.action(async (prompt: string | undefined, opts: Record<string, unknown>) => {
    // `t2v swep` is a typo of a command far more often than a one-word prompt; -p still makes a video of the word
    const typo =
      prompt !== undefined && opts.prompt === undefined
        ? commandTypo(
            prompt,
            program.commands.map((c) => c.name()),
          )
        : undefined;
    if (typo) throw new UsageError(`"${prompt}" is not a command; did you mean t2v ${typo}? (for a video of the word, use -p ${prompt})`);
    done(await generateAction(prompt, opts, ctx));
  });
  for (const make of [
    generateCommand,
    compareCommand,
    sweepCommand,
    batchCommand,
    studyCommand,
    analyzeCommand,
    workerCommand,
    queueCommand,
    verifyCommand,
    modelsCommand,
    infoCommand,
    doctorCommand,
  ]) {
    program.addCommand(inheritAll(program, make(ctx, done)));
  }
  for (const cmd of [helpCommand(program, ctx, done), versionCommand(ctx, done), completionCommand(program, ctx, done)]) program.addCommand(inheritAll(program, cmd));

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    const { verbose, json } = failureSwitches(argv, io.env);
    if (err instanceof CommanderError) {
      if (err.exitCode === 0 || ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code)) return 0;
      const line = oneLine(commanderLine(err));
      io.stderr.write(`t2v: ${line}\n`);
      if (json) writeJsonError(io.stdout, line, EXIT_USAGE);
      return EXIT_USAGE;
    }
    const lines: string[] = [];
    const exit = reportFailure(err, { write: (t: string) => lines.push(t) }, { verbose, interrupted: controller.signal.aborted });
    io.stderr.write(lines.join(''));
    if (json) writeJsonError(io.stdout, (lines[0] ?? '').replace(/^t2v: /, '').trimEnd(), exit);
    return exit;
  }
}

/**
 * --verbose and --json for the failure path, read only when a run fails (its command's own settings may never have
 * been read): flag over T2V_* over config.json, as every setting. A config file or value that does not parse counts
 * as off here (its own error is the one reported).
 */
function failureSwitches(argv: readonly string[], env: NodeJS.ProcessEnv): { readonly verbose: boolean; readonly json: boolean } {
  let given: Record<string, Sourced> = {};
  try {
    given = { ...readConfig(env), ...readEnv(env) };
  } catch {
    // an unreadable config.json: only the flags and T2V_* count
    given = readEnv(env);
  }
  const on = (key: string, flags: readonly string[]): boolean => {
    if (flags.some((f) => argv.includes(f))) return true;
    const s = given[key];
    try {
      return s !== undefined && parseBoolean(s.label, s.value);
    } catch {
      return false;
    }
  };
  return { verbose: on('verbose', ['-v', '--verbose']), json: on('json', ['--json']) };
}
