// Errors that reach the user as one line: the message names the problem and the fix, the code is the exit status.
// A leaf: every folder may import it, it imports nothing. The exit statuses are mapped here and nowhere else.

/** 0 done, 1 runtime failure, 2 bad usage, 130 interrupted (128 + SIGINT, as shells report it). */
export const EXIT = { ok: 0, runtime: 1, usage: 2, interrupted: 130 } as const;

// a setting's name inside a message, between private-use marks that no flag, path or number contains
const REF = /\uE000([\w.]+)(?::(short))?\uE001/g;

/**
 * Names a generation setting inside an error message by its request field (`steps`, `guidanceScale`,
 * `deepCache.branch`, `freeu.b1`): core speaks of settings; the CLI renders each as its flag (cli/setting-flags.ts).
 * `short` asks for the one-letter flag where there is one (-W).
 */
export function settingRef(name: string, form?: 'short'): string {
  return `\uE000${name}${form ? `:${form}` : ''}\uE001`;
}

/** A message with each settingRef spelled by `name` (core's own spelling: the setting name). */
export function renderSettings(text: string, name: (setting: string, form?: 'short') => string = (s) => s): string {
  return text.replace(REF, (_, s: string, form?: 'short') => name(s, form));
}

/** A problem the user can fix (bad flag, missing file, bad model folder). */
export class T2vError extends Error {
  /** The message as written, settings still marked by settingRef (`message` has their names). */
  readonly template: string;
  constructor(
    message: string,
    readonly exitCode: number = EXIT.runtime,
  ) {
    super(renderSettings(message));
    this.template = message;
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

const FS_PROBLEMS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'an I/O error',
  EFBIG: 'the file is too large for the file system',
};

/** The errno code of a file-system error that the user can act on (full disk, permissions), or undefined. */
export function fsProblemCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code in FS_PROBLEMS ? code : undefined;
}

/** A full disk or a permission problem while writing `path`, as one line naming it; other errors pass through. */
export function fsError(err: unknown, path: string, fix: string): unknown {
  const code = fsProblemCode(err);
  if (code === undefined || err instanceof T2vError) return err;
  return new T2vError(`${FS_PROBLEMS[code]} writing ${path} (${code}); ${fix}`);
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
