// Batch progress on stderr: bars redrawn in place on a terminal (the batch, then one per clip in the works), plain lines otherwise.
import { escapeControls } from '../../core/common/terminal.js';
import type { Stream } from '../context.js';
import { formatDuration } from '../progress-lines.js';
import type { RunEvent } from '../run-generation.js';

/** One clip's bar: its engine events, then how it ended. */
export interface ClipProgress {
  event(e: RunEvent): void;
  /** The clip ended; `line` says how. */
  end(line: string): void;
}

export interface BatchProgress {
  /** This invocation will run `n` jobs. */
  begin(n: number): void;
  /** A clip starts (several may be in the works at once: concurrent lanes, farm workers). */
  clip(label: string): ClipProgress;
  /** Something to say between jobs (a bad line, a skipped job). */
  note(line: string): void;
  finish(): void;
}

export function bar(done: number, total: number, width = 20): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const full = Math.round(frac * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`;
}

/** The clip bar's text for an engine event, or undefined when the event changes nothing shown. */
function clipLine(e: RunEvent, label: string): string | undefined {
  if (e.phase === 'step') return `clip  ${bar(e.step, e.total)} step ${e.step}/${e.total}  ${label}`;
  if (e.phase === 'decode') return `clip  ${bar(1, 1)} decoding ${e.done}/${e.total}  ${label}`;
  if (e.phase === 'encode') return `clip  ${bar(1, 1)} encoding  ${label}`;
  return undefined;
}

/** Progress for `sink`; `quiet` says only what went wrong. */
export function batchProgress(sink: Stream, opts: { readonly quiet: boolean }, now: () => number = () => performance.now()): BatchProgress {
  const tty = sink.isTTY === true && !opts.quiet;
  let n = 0;
  let started = 0;
  let done = 0;
  const active = new Map<number, string>();
  let drawnLines = 0;
  let lastDraw = -Infinity;
  const t0 = now();
  const batchLine = (): string => {
    const spent = (now() - t0) / 1000;
    const eta = done > 0 ? formatDuration((spent / done) * (n - done)) : '?';
    return `batch ${bar(done, n)} ${done}/${n} done  ETA ${eta}`;
  };
  const clear = (): void => {
    if (drawnLines === 0) return;
    // the cursor sits at the end of the last line drawn: clear it and every line above it that we drew
    sink.write(`\r\x1b[2K${'\x1b[1A\x1b[2K'.repeat(drawnLines - 1)}\r`);
    drawnLines = 0;
  };
  const draw = (force = false): void => {
    if (!tty || (!force && now() - lastDraw < 100)) return;
    lastDraw = now();
    clear();
    const lines = [batchLine(), ...active.values()];
    sink.write(lines.join('\n'));
    drawnLines = lines.length;
  };
  // prompts, names and messages come from the batch file, the engine or a worker: nothing in them may move the cursor
  const say = (line: string): void => {
    clear();
    sink.write(`${escapeControls(line)}\n`);
    if (tty && n > 0) draw(true);
  };
  return {
    begin(n1) {
      n = n1;
    },
    clip(text) {
      const label = escapeControls(text);
      const k = ++started;
      active.set(k, `clip  ${bar(0, 1)} ${label}`);
      if (tty) draw(true);
      else if (!opts.quiet) sink.write(`[${k}/${n}] ${label}\n`);
      return {
        event(e) {
          if (e.phase === 'warning') return say(`t2v: warning: ${e.message}`);
          const line = tty ? clipLine(e, label) : undefined;
          if (line === undefined || !active.has(k)) return;
          active.set(k, line);
          draw();
        },
        end(line) {
          if (!active.delete(k)) return;
          done++;
          if (!opts.quiet || /failed/.test(line)) say(`[${k}/${n}] ${line}`);
          else if (tty) draw(true);
        },
      };
    },
    note(line) {
      say(`t2v: ${line}`);
    },
    finish() {
      clear();
    },
  };
}
