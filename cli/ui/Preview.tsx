// The live preview on the progress screen: one row of frames in half-block characters, sized to the terminal.
import { Box, Text, useStdout } from 'ink';
import type { PreviewFrames } from '../../core/pipeline/preview.js';
import { halfBlockLines } from '../preview/halfblock.js';

export interface PreviewProps {
  readonly step: number;
  readonly total: number;
  readonly frames: PreviewFrames;
}

export function Preview({ step, total, frames }: PreviewProps) {
  const { stdout } = useStdout();
  const lines = halfBlockLines(frames, Math.max(20, (stdout.columns || 80) - 1));
  if (lines.length === 0) return null;
  return (
    <Box flexDirection="column">
      <Text dimColor>{`preview at step ${step}/${total} (latent colours, ${frames.width}x${frames.height} per frame)`}</Text>
      {lines.map((l, i) => (
        <Text key={i}>{l}</Text>
      ))}
    </Box>
  );
}
