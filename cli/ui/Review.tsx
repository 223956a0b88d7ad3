// The review screen: every answer on one line each, one highlighted for editing; Enter runs.
import { Box, Text } from 'ink';
import { escapeControls } from '../../core/common/terminal.js';

export interface ReviewProps {
  readonly rows: readonly { readonly label: string; readonly value: string }[];
  readonly row: number;
}

export function Review({ rows, row }: ReviewProps) {
  const width = Math.max(...rows.map((r) => r.label.length));
  return (
    <Box flexDirection="column">
      <Text bold>Review</Text>
      {rows.map((r, i) => (
        <Text key={r.label} color={i === row ? 'green' : undefined}>{`${i === row ? '❯' : ' '} ${r.label.padEnd(width)}  ${escapeControls(r.value)}`}</Text>
      ))}
      <Text dimColor>Enter: run · e: edit the marked line (↑/↓ to mark) · Shift-Tab/Esc: back</Text>
    </Box>
  );
}
