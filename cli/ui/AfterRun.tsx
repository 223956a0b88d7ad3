// After a wizard run: what was made, with which settings, the command that repeats it, and what to do next.
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { reproduceCommand } from '../reproduce.js';
import type { Outcome } from '../run-generation.js';
import { shownAnswer } from './Wizard.js';
import type { Answers, WizardField } from './wizard-fields.js';
import { escapeControls } from '../../core/common/terminal.js';

export type NextStep = 'again' | 'change' | 'quit';

const CHOICES: readonly { readonly value: NextStep; readonly label: string }[] = [
  { value: 'again', label: 'again with a new seed' },
  { value: 'change', label: 'change a setting' },
  { value: 'quit', label: 'quit' },
];

export interface AfterRunProps {
  readonly outcome: Outcome;
  readonly answers: Answers;
  readonly fields: readonly WizardField[];
  readonly onChoose: (next: NextStep) => void;
}

export function AfterRun({ outcome, answers, fields, onChoose }: AfterRunProps) {
  const [selected, setSelected] = useState(0);
  useInput((input, key) => {
    if (key.upArrow) setSelected((i) => (i + CHOICES.length - 1) % CHOICES.length);
    else if (key.downArrow || key.tab) setSelected((i) => (i + 1) % CHOICES.length);
    else if (key.return) onChoose(CHOICES[selected]!.value);
    else if (input === 'q') onChoose('quit');
  });
  const w = outcome.written;
  const asked = fields.filter((f) => answers[f.key] !== undefined && (!f.when || f.when(answers)));
  return (
    <Box flexDirection="column">
      <Text color="green">{`saved ${escapeControls(w.path)} (${w.frames} frames, ${w.width}x${w.height}, ${w.fps} fps) in ${outcome.timings.totalSeconds.toFixed(1)} s`}</Text>
      {asked.map((f) => (
        <Text key={f.key} dimColor>{`  ${f.label}: ${escapeControls(shownAnswer(f, answers))}`}</Text>
      ))}
      <Text>to make it again:</Text>
      <Text>{`  ${escapeControls(reproduceCommand(w.metadata, { output: w.path }))}`}</Text>
      {CHOICES.map((c, i) => (
        <Text key={c.value} color={i === selected ? 'green' : undefined}>{`${i === selected ? '❯' : ' '} ${c.label}`}</Text>
      ))}
      <Text dimColor> ↑/↓ to move, Enter to choose, q quits</Text>
    </Box>
  );
}
