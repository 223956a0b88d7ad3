// Batch progress on stderr: two bars redrawn in place on a terminal (the batch, the current clip), plain lines otherwise.
import type { Stream } from '../context.js';
import { formatDuration } from '../progress-lines.js';
import type { RunEvent } from '../run-generation.js';

export interface BatchProgress {
  /** A job starts: `k` of `n` jobs to run in this invocation. */
  start(k: number, n: number, label: string): void;
  event(e: RunEvent): void;
  /** A job ended; `line` says how. */
  end(line: string): void;
  /** Something to say between jobs (a bad line, a skipped job). */
  note(line: string): void;
  finish(): void;
}

export function bar(done: number, total: number, width = 20): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const full = Math.round(frac * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`;
}

/** Progress for `sink`; `quiet` says only what went wrong. */
export function batchProgress(sink: Stream, opts: { readonly quiet: boolean }, now: () => number = () => performance.now()): BatchProgress {
  const tty = sink.isTTY === true && !opts.quiet;
  let k = 0;
  let n = 0;
  let label = '';
  let clip = '';
  let drawn = false;
  let lastDraw = -Infinity;
  const started = now();
  const batchLine = (): string => {
    const spent = (now() - started) / 1000;
    const eta = k > 1 ? formatDuration((spent / (k - 1)) * (n - k + 1)) : '?';
    return `batch ${bar(k - 1, n)} ${k - 1}/${n} done  ETA ${eta}`;
  };
  const draw = (force = false): void => {
    if (!tty) return;
    if (!force && now() - lastDraw < 100) return;
    lastDraw = now();
    sink.write(`${drawn ? '\r\x1b[1A\x1b[2K' : ''}${batchLine()}\n\x1b[2K${clip}`);
    drawn = true;
  };
  const clear = (): void => {
    if (drawn) sink.write('\r\x1b[2K\x1b[1A\x1b[2K\r');
    drawn = false;
  };
  return {
    start(k1, n1, l) {
      k = k1;
      n = n1;
      label = l;
      clip = `clip  ${bar(0, 1)} ${label}`;
      if (tty) draw(true);
      else if (!opts.quiet) sink.write(`[${k}/${n}] ${label}\n`);
    },
    event(e) {
      if (e.phase === 'warning') {
        this.note(`warning: ${e.message}`);
        return;
      }
      if (!tty) return;
      if (e.phase === 'step') clip = `clip  ${bar(e.step, e.total)} step ${e.step}/${e.total}  ${label}`;
      else if (e.phase === 'decode') clip = `clip  ${bar(1, 1)} decoding ${e.done}/${e.total}  ${label}`;
      else if (e.phase === 'encode') clip = `clip  ${bar(1, 1)} encoding  ${label}`;
      else return;
      draw();
    },
    end(line) {
      clear();
      if (!opts.quiet || /failed/.test(line)) sink.write(`[${k}/${n}] ${line}\n`);
      if (tty) draw(true);
    },
    note(line) {
      clear();
      sink.write(`t2v: ${line}\n`);
      if (tty && k > 0) draw(true);
    },
    finish() {
      clear();
    },
  };
}
