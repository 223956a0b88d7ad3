// The non-interactive progress: one line per event on stderr (steps, decoding, encoding), warnings once each.
import { escapeControls } from '../core/common/terminal.js';
import type { RunEvent } from './run-generation.js';

export interface LineSink {
  write(text: string): unknown;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`;
  // round to whole seconds (minutes past the hour) before splitting, so 119.6 s is 2m00s, not 1m60s
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** `[2/4] b1 1.2  (about 12s left for all panels)`: the panels take about as long each, so those done say how long the rest take. */
export function panelLine(e: { readonly index: number; readonly count: number; readonly label: string; readonly elapsedSeconds?: number }): string {
  const head = `[${e.index}/${e.count}] ${e.label}`;
  if (e.index < 2 || e.elapsedSeconds === undefined) return head;
  return `${head}  (about ${formatDuration((e.elapsedSeconds / (e.index - 1)) * (e.count - e.index + 1))} left for all panels)`;
}

/** One line for an event, or undefined when it says nothing at this verbosity. */
export function formatEvent(e: RunEvent, verbose: boolean): string | undefined {
  switch (e.phase) {
    case 'load':
      return verbose ? e.message : undefined;
    case 'device':
      return e.message;
    case 'encode-prompt':
      return verbose ? 'encoding the prompt' : undefined;
    case 'step':
      return `step ${e.step}/${e.total}  ${e.secondsPerStep.toFixed(2)} s/step  ETA ${formatDuration(e.etaSeconds)}`;
    case 'decode':
      return `decoding ${e.done}/${e.total}`;
    case 'encode':
      return e.done === e.total ? `encoded ${e.total} frames` : undefined;
    case 'panel':
      return panelLine(e);
    case 'warning':
      return `warning: ${e.message}`;
    default:
      return undefined;
  }
}

/** A reporter writing to `sink`; `quiet` keeps only warnings. */
export function lineReporter(sink: LineSink, opts: { readonly quiet: boolean; readonly verbose: boolean }): (e: RunEvent) => void {
  const warned = new Set<string>();
  let loading = false;
  return (e) => {
    if (e.phase === 'warning') {
      if (warned.has(e.message)) return;
      warned.add(e.message);
      sink.write(`t2v: warning: ${escapeControls(e.message)}\n`);
      return;
    }
    if (opts.quiet) return;
    // compare and sweep resolve the device once per panel; say it once
    if (e.phase === 'device') {
      if (warned.has(e.message)) return;
      warned.add(e.message);
    }
    // without -v the first seconds (graph build, session start) would be silent: one line says what is going on
    if (e.phase === 'load' && !opts.verbose && !loading) sink.write('loading the model\n');
    if (e.phase === 'load') loading = true;
    if (e.phase === 'panel') loading = false;
    const line = formatEvent(e, opts.verbose);
    if (line !== undefined) sink.write(`${escapeControls(line)}\n`);
  };
}
