// One line of text input as drawn: the label, the text with its cursor (or the grey default when empty), a hint.
import { Box, Text } from 'ink';
import type { Line } from './line-edit.js';

export interface TextFieldProps {
  readonly label: string;
  readonly hint?: string;
  /** What Enter on an empty line accepts ('' for none). */
  readonly initial: string;
  readonly line: Line;
}

export function TextField({ label, hint, initial, line }: TextFieldProps) {
  const { value, cursor } = line;
  const at = value.slice(cursor, cursor + 1) || ' ';
  return (
    <Box flexDirection="column">
      <Box>
        <Text bold color="cyan">{`${label}: `}</Text>
        {value === '' && initial !== '' ? <Text dimColor>{initial}</Text> : null}
        <Text>{value.slice(0, cursor)}</Text>
        <Text inverse>{at}</Text>
        <Text>{value.slice(cursor + 1)}</Text>
      </Box>
      {hint ? <Text dimColor>{`  ${hint}${initial === '' ? '' : '; Enter accepts the grey default'}`}</Text> : null}
    </Box>
  );
}
