// A pick list: Up/Down move, Enter chooses; starts on the default.
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';

export interface SelectFieldProps {
  readonly label: string;
  readonly choices: readonly { readonly value: string; readonly label: string }[];
  readonly initial: string;
  readonly onSubmit: (value: string) => void;
  readonly isActive?: boolean;
}

export function SelectField({ label, choices, initial, onSubmit, isActive = true }: SelectFieldProps) {
  const start = Math.max(0, choices.findIndex((c) => c.value === initial));
  const [index, setIndex] = useState(start);
  useInput(
    (_input, key) => {
      if (key.upArrow) setIndex((i) => (i + choices.length - 1) % choices.length);
      else if (key.downArrow || key.tab) setIndex((i) => (i + 1) % choices.length);
      else if (key.return) {
        const c = choices[index];
        if (c) onSubmit(c.value);
      }
    },
    { isActive },
  );
  return (
    <Box flexDirection="column">
      <Text bold color="cyan">{`${label}:`}</Text>
      {choices.map((c, i) => (
        <Text key={c.value} color={i === index ? 'green' : undefined}>{`${i === index ? '❯' : ' '} ${c.label}`}</Text>
      ))}
      <Text dimColor>  ↑/↓ to move, Enter to choose</Text>
    </Box>
  );
}
