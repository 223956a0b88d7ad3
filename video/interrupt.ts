// Interruption: the error an aborted write ends with, and an opt-in SIGINT/SIGTERM -> AbortSignal bridge for the CLI.
import { EXIT, InterruptedError as Interrupted } from '../core/errors.js';

/** A write stopped by the AbortSignal (Ctrl-C): the core InterruptedError, naming the output that was not written. */
export class InterruptedError extends Interrupted {
  constructor(what: string) {
    super(`interrupted: ${what} was not written`);
  }
}

/**
 * An AbortSignal that fires on the first SIGINT or SIGTERM; a second signal exits at once (status 130).
 * writeVideo installs no handler itself: the CLI calls this (or wires its own) and disposes it when done.
 */
export function interruptSignal(): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort(new Error(`received ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
