// The interactive session: the wizard (when asked for), then the progress screen; Ctrl-C cancels either cleanly.
import { Box, useApp, useInput } from 'ink';
import { useState } from 'react';
import type { Outcome, Report } from '../run-generation.js';
import { ProgressRun } from './ProgressRun.js';
import { Wizard } from './Wizard.js';
import type { Answers, WizardField } from './wizard-fields.js';

export interface AppProps {
  /** Absent: go straight to the progress screen. */
  readonly fields?: readonly WizardField[];
  /** Starts the run (with the wizard's answers when there was a wizard). */
  readonly start: (answers: Answers, report: Report) => Promise<Outcome>;
  /** Aborts the running engine (the AbortSignal behind every run). */
  readonly interrupt: () => void;
  /** How the session ended: an outcome, an error, or cancelled in the wizard. */
  readonly onEnd: (end: { readonly outcome?: Outcome; readonly error?: unknown; readonly cancelled?: boolean }) => void;
}

export function App({ fields, start, interrupt, onEnd }: AppProps) {
  const { exit } = useApp();
  const [answers, setAnswers] = useState<Answers | undefined>(fields ? undefined : {});
  const [cancelling, setCancelling] = useState(false);
  useInput((input, key) => {
    if (!(key.ctrl && input === 'c')) return;
    // in the wizard, or a second Ctrl-C while a long step is still finishing: leave now (nothing is written yet)
    if (answers === undefined || cancelling) {
      onEnd({ cancelled: true });
      exit();
      return;
    }
    setCancelling(true);
    interrupt();
  });
  return (
    <Box flexDirection="column">
      {answers === undefined && fields ? <Wizard fields={fields} onDone={setAnswers} /> : null}
      {answers !== undefined ? (
        <ProgressRun
          start={(report) => start(answers, report)}
          cancelling={cancelling}
          onFinish={(end) => {
            onEnd(end);
            // let the last frame (the saved path or the error) render before Ink lets go of the terminal
            setTimeout(() => exit(), 50);
          }}
        />
      ) : null}
    </Box>
  );
}
