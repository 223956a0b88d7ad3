// The one screen a run shows: sampling step i/N with seconds per step and ETA, then decoding, then encoding, then the output path.
import { Box, Text } from 'ink';
import { formatDuration, panelLine } from '../progress-lines.js';
import { Bar } from './Bar.js';
import { Preview } from './Preview.js';
import type { ProgressState } from './progress-state.js';
import { escapeControls } from '../../core/common/terminal.js';

export interface ProgressScreenProps {
  readonly state: ProgressState;
}

export function ProgressScreen({ state }: ProgressScreenProps) {
  const { step, decode, encode, panel } = state;
  return (
    <Box flexDirection="column">
      {state.output && state.phase !== 'done' ? <Text dimColor>{`writing ${escapeControls(state.output)}`}</Text> : null}
      {state.device ? <Text dimColor>{escapeControls(state.device)}</Text> : null}
      {panel ? <Text bold>{panelLine(panel)}</Text> : null}
      {state.phase === 'load' || state.phase === 'encode-prompt' ? <Text color="cyan">{`… ${escapeControls(state.message ?? '')}`}</Text> : null}
      {step ? (
        <Box gap={1}>
          <Text>{`sampling ${String(step.step).padStart(String(step.total).length)}/${step.total}`}</Text>
          <Bar done={step.step} total={step.total} />
          <Text>{`${step.secondsPerStep.toFixed(2)} s/step`}</Text>
          <Text dimColor>{step.step < step.total ? `ETA ${formatDuration(step.etaSeconds)}` : 'done'}</Text>
        </Box>
      ) : null}
      {state.preview && state.phase !== 'done' ? <Preview {...state.preview} /> : null}
      {decode ? <Text>{`decoding ${decode.done}/${decode.total}`}</Text> : null}
      {encode ? <Text>{`encoding ${encode.done}/${encode.total}`}</Text> : null}
      {state.warnings.map((w) => (
        <Text key={w} color="yellow">{`warning: ${escapeControls(w)}`}</Text>
      ))}
      {state.phase === 'cancelling' ? <Text color="yellow">cancelling… (nothing half-written will be left)</Text> : null}
      {state.phase === 'done' && state.output ? <Text color="green">{`saved ${escapeControls(state.output)}`}</Text> : null}
      {state.phase === 'failed' && state.error ? <Text color="red">{`t2v: ${escapeControls(state.error)}`}</Text> : null}
      {!['done', 'failed', 'cancelling', 'cancelled'].includes(state.phase) ? <Text dimColor>Ctrl-C cancels</Text> : null}
    </Box>
  );
}
