// The interactive session: the wizard (when asked for), then the progress screen; Ctrl-C cancels either cleanly.
import { Box, useApp, useInput } from 'ink';
import { useState } from 'react';
import type { Outcome, Report } from '../run-generation.js';
import { AfterRun, type NextStep } from './AfterRun.js';
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
  /** The answers for another run (a new seed, a free output name); with fields, a finished run offers it. */
  readonly nextAnswers?: (answers: Answers, newSeed: boolean) => Answers;
}

export function App({ fields, start, interrupt, onEnd, nextAnswers }: AppProps) {
  const { exit } = useApp();
  const [answers, setAnswers] = useState<Answers | undefined>(fields ? undefined : {});
  const [cancelling, setCancelling] = useState(false);
  const [finished, setFinished] = useState<Outcome | undefined>();
  const [editing, setEditing] = useState<Answers | undefined>();
  const [runs, setRuns] = useState(0);
  const choose = (next: NextStep): void => {
    if (!finished || !answers || !nextAnswers) return;
    if (next === 'quit') {
      onEnd({ outcome: finished });
      setTimeout(() => exit(), 50);
      return;
    }
    const again = nextAnswers(answers, next === 'again');
    setFinished(undefined);
    setRuns((n) => n + 1);
    if (next === 'again') setAnswers(again);
    else {
      setEditing(again);
      setAnswers(undefined);
    }
  };
  useInput((input, key) => {
    if (!(key.ctrl && input === 'c')) return;
    // after a finished run nothing is running: Ctrl-C is quit
    if (finished) {
      onEnd({ outcome: finished });
      exit();
      return;
    }
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
      {answers === undefined && fields ? <Wizard key={`w${runs}`} fields={fields} onDone={setAnswers} {...(editing ? { answers: editing } : {})} /> : null}
      {answers !== undefined && !finished ? (
        <ProgressRun
          key={`r${runs}`}
          start={(report) => start(answers, report)}
          cancelling={cancelling}
          onFinish={(end) => {
            // after a wizard run, stay: the settings, the command and what next
            if (end.outcome && fields && nextAnswers) return setFinished(end.outcome);
            onEnd(end);
            // let the last frame (the saved path or the error) render before Ink lets go of the terminal
            setTimeout(() => exit(), 50);
          }}
        />
      ) : null}
      {finished && fields && answers ? <AfterRun outcome={finished} answers={answers} fields={fields} onChoose={choose} /> : null}
    </Box>
  );
}
