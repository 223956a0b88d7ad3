// Starts a run once, folds its events into the progress screen, and reports how it ended.
import { useEffect, useState } from 'react';
import type { Outcome, Report } from '../run-generation.js';
import { isInterruption } from '../fail.js';
import { flagMessage } from '../setting-flags.js';
import { ProgressScreen } from './ProgressScreen.js';
import { INITIAL_PROGRESS, applyEvent, type ProgressState } from './progress-state.js';

export interface ProgressRunProps {
  readonly start: (report: Report) => Promise<Outcome>;
  readonly cancelling: boolean;
  readonly onFinish: (result: { readonly outcome?: Outcome; readonly error?: unknown }) => void;
}

export function ProgressRun({ start, cancelling, onFinish }: ProgressRunProps) {
  const [state, setState] = useState<ProgressState>(INITIAL_PROGRESS);
  useEffect(() => {
    let live = true;
    start((e) => {
      if (live) setState((s) => applyEvent(s, e));
    }).then(
      (outcome) => {
        if (live) setState((s) => ({ ...s, phase: 'done', output: outcome.written.path }));
        onFinish({ outcome });
      },
      (error: unknown) => {
        // an interruption is said once, by the caller after Ink lets go (`t2v: interrupted; nothing was written`)
        if (live) setState((s) => (isInterruption(error) ? { ...s, phase: 'cancelled' } : { ...s, phase: 'failed', error: flagMessage(error) }));
        onFinish({ error });
      },
    );
    return () => {
      live = false;
    };
    // the run starts once per mount
  }, []);
  const shown: ProgressState = cancelling && !['done', 'failed', 'cancelled'].includes(state.phase) ? { ...state, phase: 'cancelling' } : state;
  return <ProgressScreen state={shown} />;
}
