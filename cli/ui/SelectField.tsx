// A pick list as drawn: the label, the choices with the selected one marked.
import { Box, Text } from 'ink';

export interface SelectFieldProps {
  readonly label: string;
  readonly choices: readonly { readonly value: string; readonly label: string }[];
  readonly selected: number;
}

export function SelectField({ label, choices, selected }: SelectFieldProps) {
  return (
    <Box flexDirection="column">
      <Text bold color="cyan">{`${label}:`}</Text>
      {choices.map((c, i) => (
        <Text key={c.value} color={i === selected ? 'green' : undefined}>{`${i === selected ? '❯' : ' '} ${c.label}`}</Text>
      ))}
      <Text dimColor> ↑/↓ to move, Enter to choose</Text>
    </Box>
  );
}
