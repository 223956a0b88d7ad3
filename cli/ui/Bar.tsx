// A text progress bar: filled and empty cells for a fraction.
import { Text } from 'ink';

export interface BarProps {
  readonly done: number;
  readonly total: number;
  readonly width?: number;
}

export function Bar({ done, total, width = 30 }: BarProps) {
  const frac = total > 0 ? Math.max(0, Math.min(1, done / total)) : 0;
  const full = Math.round(frac * width);
  return (
    <Text>
      <Text color="green">{'█'.repeat(full)}</Text>
      <Text dimColor>{'░'.repeat(width - full)}</Text>
    </Text>
  );
}
