// What every command action is handed: the streams, the environment, the engine loader and the interrupt signal.
import type { Deps } from './deps.js';
import type { LineSink } from './progress-lines.js';

export interface Stream extends LineSink {
  readonly isTTY?: boolean;
}

export interface Io {
  readonly stdout: Stream;
  readonly stderr: Stream;
  /** Terminal input for the wizard; absent or not a TTY: no wizard. */
  readonly stdin?: NodeJS.ReadStream;
  readonly env: NodeJS.ProcessEnv;
}

export interface Context {
  readonly io: Io;
  /** The engine and writers; tests inject fakes. */
  readonly deps: () => Promise<Deps>;
  /** Fires on Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
  /** Aborts the run, as Ctrl-C in the Ink screens does. */
  readonly interrupt: () => void;
}

/** Whether this run can show Ink screens: a terminal both ways and no --json. */
export function isInteractive(io: Io, json: boolean): boolean {
  return !json && io.stdout.isTTY === true && io.stdin?.isTTY === true;
}
