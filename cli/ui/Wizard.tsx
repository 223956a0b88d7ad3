// The wizard: asks each field in turn (skipping those that do not apply), shows answers so far, checks each before moving on.
import { Box, Text } from 'ink';
import { useState } from 'react';
import { SelectField } from './SelectField.js';
import { TextField } from './TextField.js';
import type { Answers, WizardField } from './wizard-fields.js';

export interface WizardProps {
  readonly fields: readonly WizardField[];
  readonly onDone: (answers: Answers) => void;
}

function nextIndex(fields: readonly WizardField[], from: number, answers: Answers): number {
  let i = from;
  while (i < fields.length && fields[i]!.when && !fields[i]!.when!(answers)) i++;
  return i;
}

/** An answer as the user saw it: the label of a picked choice, "(none)" for an empty line. */
function shown(f: WizardField, answers: Answers): string {
  const value = answers[f.key] ?? '';
  const choice = f.choices?.(answers).find((c) => c.value === value);
  return choice ? choice.label : value === '' ? '(none)' : value;
}

export function Wizard({ fields, onDone }: WizardProps) {
  const [answers, setAnswers] = useState<Answers>({});
  const [index, setIndex] = useState(() => nextIndex(fields, 0, {}));
  const [error, setError] = useState<string | undefined>();
  const [checking, setChecking] = useState(false);
  const field = fields[index];

  const submit = (raw: string): void => {
    if (!field || checking) return;
    setChecking(true);
    void Promise.resolve(field.check?.(raw, answers)).then((problem) => {
      setChecking(false);
      if (problem) {
        setError(problem);
        return;
      }
      setError(undefined);
      const next = { ...answers, [field.key]: raw };
      setAnswers(next);
      const ni = nextIndex(fields, index + 1, next);
      if (ni >= fields.length) onDone(next);
      else setIndex(ni);
    });
  };

  return (
    <Box flexDirection="column">
      <Text bold>t2v: text to video</Text>
      {fields.slice(0, index).filter((f) => answers[f.key] !== undefined).map((f) => (
        <Text key={f.key} dimColor>{`${f.label}: ${shown(f, answers)}`}</Text>
      ))}
      {field ? (
        field.choices ? (
          <SelectField key={field.key} label={field.label} choices={field.choices(answers)} initial={field.initial(answers)} onSubmit={submit} isActive={!checking} />
        ) : (
          <TextField key={field.key} label={field.label} {...(field.hint ? { hint: field.hint } : {})} initial={field.initial(answers)} onSubmit={submit} isActive={!checking} />
        )
      ) : null}
      {checking ? <Text dimColor>checking…</Text> : null}
      {error ? <Text color="red">{error}</Text> : null}
      <Text dimColor>Ctrl-C cancels</Text>
    </Box>
  );
}
