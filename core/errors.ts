// Errors that reach the user as one line: the message names the problem and the fix, the code is the exit status.

/** A problem the user can fix (bad flag, missing file, bad model folder). */
export class T2vError extends Error {
  constructor(message: string, readonly exitCode: number = 1) {
    super(message);
    this.name = 'T2vError';
  }
}

/** Bad usage of the command line: exit status 2. */
export class UsageError extends T2vError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}
