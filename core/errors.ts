// Errors that reach the user as one line: the message names the problem and the fix, the code is the exit status.
// A leaf: every folder may import it, it imports nothing. The exit statuses are mapped here and nowhere else.

/** 0 done, 1 runtime failure, 2 bad usage, 130 interrupted (128 + SIGINT, as shells report it). */
export const EXIT = { ok: 0, runtime: 1, usage: 2, interrupted: 130 } as const;

/** A problem the user can fix (bad flag, missing file, bad model folder). */
export class T2vError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.runtime) {
    super(message);
    this.name = 'T2vError';
  }
}

/** Bad usage of the command line: exit status 2. */
export class UsageError extends T2vError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** The one representation of a run stopped by Ctrl-C / SIGTERM (an AbortSignal that fired): exit status 130. */
export class InterruptedError extends T2vError {
  constructor(message = 'interrupted') {
    super(message, EXIT.interrupted);
    this.name = 'InterruptedError';
  }
}

/** The message of anything thrown. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
