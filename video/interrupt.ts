// Interruption: the error an aborted write ends with, and an opt-in SIGINT/SIGTERM -> AbortSignal bridge for the CLI.
import { EXIT, InterruptedError as Interrupted } from '../core/errors.js';

/** A write stopped by the AbortSignal (Ctrl-C): the core InterruptedError, naming the output that was not written. */
export class InterruptedError extends Interrupted {
  constructor(what: string) {
    super(`interrupted: ${what} was not written`);
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * An AbortSignal that fires on the first SIGINT, SIGTERM or SIGHUP; a second signal exits at once (status 130), after
 * `onRepeat` (the CLI says so on stderr). writeVideo installs no handler itself: the CLI calls this and disposes it when done.
 */
export function interruptSignal(controller = new AbortController(), onRepeat?: () => void): { readonly signal: AbortSignal; dispose(): void } {
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      onRepeat?.();
      process.exit(EXIT.interrupted);
    }
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
