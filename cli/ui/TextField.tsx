// One line of text input: typing, Backspace, Enter submits (an empty line accepts the shown default).
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';

export interface TextFieldProps {
  readonly label: string;
  readonly hint?: string;
  /** What Enter on an empty line accepts. */
  readonly initial: string;
  readonly onSubmit: (value: string) => void;
  readonly isActive?: boolean;
}

export function TextField({ label, hint, initial, onSubmit, isActive = true }: TextFieldProps) {
  const [value, setValue] = useState('');
  useInput(
    (input, key) => {
      if (key.ctrl || key.meta || key.tab || key.escape || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
      if (key.return) {
        onSubmit(value === '' ? initial : value);
        setValue('');
        return;
      }
      if (key.backspace || key.delete) {
        setValue((v) => v.slice(0, -1));
        return;
      }
      // typed or pasted text; drop control characters (a pasted newline among them)
      // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
      const clean = input.replace(/[\u0000-\u001f\u007f]/g, '');
      if (clean) setValue((v) => v + clean);
    },
    { isActive },
  );
  return (
    <Box flexDirection="column">
      <Box gap={1}>
        <Text bold color="cyan">{`${label}:`}</Text>
        {value === '' ? <Text dimColor>{initial === '' ? '(none)' : initial}</Text> : <Text>{value}</Text>}
        <Text inverse> </Text>
      </Box>
      {hint ? <Text dimColor>{`  ${hint}; Enter accepts the grey default`}</Text> : null}
    </Box>
  );
}
