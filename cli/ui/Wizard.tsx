// The wizard: draws the flow's state (answers so far, the current field, the review); every key goes to the flow in order.
import { Box, Text, useInput, type Key } from 'ink';
import { useCallback, useRef, useState } from 'react';
import { keyActions } from './line-edit.js';
import { Review } from './Review.js';
import { SelectField } from './SelectField.js';
import { TextField } from './TextField.js';
import { WizardFlow, type FlowSnapshot } from './wizard-flow.js';
import type { Answers, WizardField } from './wizard-fields.js';

export interface WizardProps {
  readonly fields: readonly WizardField[];
  readonly onDone: (answers: Answers) => void;
  /** Answers to start from: with one for every field the review screen opens first. */
  readonly answers?: Answers;
}

/** An answer as the user saw it: the label of a picked choice, "(none)" for an empty line. */
export function shownAnswer(f: WizardField, answers: Answers): string {
  const value = answers[f.key] ?? '';
  const choice = f.choices?.(answers).find((c) => c.value === value);
  return choice ? choice.label : value === '' ? '(none)' : value;
}

export function Wizard({ fields, onDone, answers }: WizardProps) {
  const [snap, setSnap] = useState<FlowSnapshot | undefined>();
  const flow = useRef<WizardFlow | undefined>(undefined);
  flow.current ??= new WizardFlow(fields, { ...(answers ? { answers } : {}), onChange: setSnap, onDone });
  // one stable handler: it reads nothing from render state, so a burst of keys between two renders is applied in order
  const onInput = useCallback((input: string, key: Key) => {
    const actions = keyActions(input, key).filter((a) => a.kind !== 'cancel');
    if (actions.length) flow.current!.feed(actions);
  }, []);
  useInput(onInput);
  const s = snap ?? flow.current.snapshot();
  const screen = s.screen;
  const field = screen.kind === 'field' ? fields[screen.index] : undefined;
  const applicable = flow.current.applicable();
  const before = screen.kind === 'field' ? applicable.filter((f) => fields.indexOf(f) < screen.index && s.answers[f.key] !== undefined) : [];
  return (
    <Box flexDirection="column">
      <Text bold>t2v: text to video</Text>
      {before.map((f) => (
        <Text key={f.key} dimColor>{`${f.label}: ${shownAnswer(f, s.answers)}`}</Text>
      ))}
      {screen.kind === 'field' && field ? (
        field.choices ? (
          <SelectField key={field.key} label={field.label} choices={field.choices(s.answers)} selected={screen.selected} />
        ) : (
          <TextField key={field.key} label={field.label} {...(field.hint ? { hint: field.hint } : {})} initial={field.initial(s.answers)} line={screen.line} />
        )
      ) : null}
      {screen.kind === 'review' ? <Review rows={applicable.map((f) => ({ label: f.label, value: shownAnswer(f, s.answers) }))} row={screen.row} /> : null}
      {s.checking ? <Text dimColor>checking…</Text> : null}
      {s.error ? <Text color="red">{s.error}</Text> : null}
      {screen.kind === 'field' ? <Text dimColor>Enter: next · Shift-Tab/Esc: back · ←/→ Home/End Ctrl-A/E/U/W edit · Ctrl-C cancels</Text> : null}
    </Box>
  );
}
