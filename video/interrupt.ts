// Interruption: the error an aborted write ends with, and an opt-in SIGINT/SIGTERM -> AbortSignal bridge for the CLI.
import { T2vError } from '../core/errors.js';

/** A write stopped by the AbortSignal (Ctrl-C); exit status 130 as shells use for SIGINT. */
export class InterruptedError extends T2vError {
  constructor(what: string) {
    super(`interrupted: ${what} was not written`, 130);
    this.name = 'InterruptedError';
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * An AbortSignal that fires on the first SIGINT, SIGTERM or SIGHUP; a second signal exits at once (status 130).
 * writeVideo installs no handler itself: the CLI calls this (or wires its own) and disposes it when done.
 */
export function interruptSignal(): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error(`received ${name}`));
  };
  for (const name of SIGNALS) process.on(name, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of SIGNALS) process.off(name, onSignal);
    },
  };
}
