// The top-level error handler: every failure becomes one line `t2v: <problem>; <fix>` and an exit status; stacks only with --verbose.
import { EXIT, fsError, T2vError } from '../core/errors.js';
import { escapeControls } from '../core/common/terminal.js';
import type { LineSink } from './progress-lines.js';
import { inFlagTerms } from './setting-flags.js';

export const EXIT_RUNTIME = EXIT.runtime;
export const EXIT_USAGE = EXIT.usage;
export const EXIT_INTERRUPTED = EXIT.interrupted;

/** One printable line: newlines folded, every other control character (from paths, metadata, configs) escaped. */
export function oneLine(text: string): string {
  return escapeControls(text.replace(/\s*\n\s*/g, ' ').trim());
}

/** Ctrl-C / SIGTERM reaching the engine (its T2vError 130) or a writer (an AbortError). */
export function isInterruption(err: unknown): boolean {
  return (err instanceof T2vError && err.exitCode === EXIT_INTERRUPTED) || (err instanceof Error && err.name === 'AbortError');
}

/** Prints the error and returns the exit status it maps to. */
export function reportFailure(thrown: unknown, stderr: LineSink, opts: { readonly verbose: boolean; readonly interrupted?: boolean }): number {
  // a full disk or a permission problem that no layer named yet: the path is in the error itself
  const path = (thrown as NodeJS.ErrnoException | null)?.path;
  const err = inFlagTerms(typeof path === 'string' ? fsError(thrown, path, 'free some space or choose another place') : thrown);
  // a command that knows what an interrupt leaves behind (a resumable download) says so itself
  if (err instanceof T2vError && err.exitCode === EXIT_INTERRUPTED && err.message !== 'interrupted') {
    stderr.write(`t2v: ${oneLine(err.message)}\n`);
    return EXIT_INTERRUPTED;
  }
  if (opts.interrupted || isInterruption(err)) {
    stderr.write('t2v: interrupted; nothing was written\n');
    return EXIT_INTERRUPTED;
  }
  if (err instanceof T2vError) {
    stderr.write(`t2v: ${oneLine(err.message)}\n`);
    if (opts.verbose && err.stack) stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`t2v: unexpected error: ${oneLine(message)}${opts.verbose ? '' : '; run again with --verbose for details'}\n`);
  if (opts.verbose && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  return EXIT_RUNTIME;
}

/** With --json an error is also one JSON object on stdout: {"error": {message, exitCode, kind, flag?}}. */
export function writeJsonError(stdout: LineSink, message: string, exitCode: number): void {
  const kind = exitCode === EXIT_USAGE ? 'usage' : exitCode === EXIT_INTERRUPTED ? 'interrupted' : 'runtime';
  const flag = /^(--?[a-zA-Z][\w-]*)\b/.exec(message)?.[1];
  stdout.write(`${JSON.stringify({ error: { message, exitCode, kind, ...(flag ? { flag } : {}) } })}\n`);
}
