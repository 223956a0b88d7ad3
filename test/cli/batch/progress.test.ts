// Batch progress: plain lines off a terminal; on one, the batch bar and one bar per clip in the works, redrawn in place.
import { describe, expect, it } from 'vitest';
import { batchProgress } from '../../../cli/batch/progress.js';

function sink(isTTY: boolean) {
  let text = '';
  return {
    isTTY,
    write: (s: string) => {
      text += s;
    },
    get text() {
      return text;
    },
  };
}

/** What a terminal shows after `text`: a tiny emulator of \r, \n, clear-line and cursor-up. */
function screen(text: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  // eslint-disable-next-line no-control-regex -- the escapes are what is being read
  for (const part of text.split(/(\x1b\[1A|\x1b\[2K|\r|\n)/)) {
    if (part === '\n') lines[++row] ??= '';
    else if (part === '\x1b[1A') row = Math.max(0, row - 1);
    else if (part === '\x1b[2K') lines[row] = '';
    else if (part !== '\r' && part !== '') lines[row] += part;
  }
  return lines.filter((l, i) => l !== '' || i < row);
}

describe('batchProgress', () => {
  it('off a terminal: one line per clip start and end, numbered in start order', () => {
    const s = sink(false);
    const p = batchProgress(s, { quiet: false });
    p.begin(2);
    const a = p.clip('a.mp4');
    const b = p.clip('b.mp4');
    b.event({ phase: 'step', step: 1, total: 2, secondsPerStep: 1, etaSeconds: 1 });
    b.end('b.mp4 done');
    a.end('a.mp4 failed: no');
    expect(s.text).toBe('[1/2] a.mp4\n[2/2] b.mp4\n[2/2] b.mp4 done\n[1/2] a.mp4 failed: no\n');
  });

  it('on a terminal: the batch bar over one bar per active clip; an ended clip leaves its line above the bars', () => {
    const s = sink(true);
    let t = 0;
    const p = batchProgress(s, { quiet: false }, () => (t += 1000));
    p.begin(3);
    const a = p.clip('a.mp4');
    const b = p.clip('b.mp4');
    a.event({ phase: 'step', step: 1, total: 4, secondsPerStep: 1, etaSeconds: 3 });
    expect(screen(s.text)).toEqual(['batch [--------------------] 0/3 done  ETA ?', 'clip  [#####---------------] step 1/4  a.mp4', 'clip  [--------------------] b.mp4']);
    a.end('a.mp4 done in 1.0 s');
    const shown = screen(s.text);
    expect(shown[0]).toBe('[1/3] a.mp4 done in 1.0 s');
    expect(shown[1]).toMatch(/^batch \[#######-------------\] 1\/3 done {2}ETA /);
    expect(shown.slice(2)).toEqual(['clip  [--------------------] b.mp4']);
    b.end('b.mp4 done');
    p.finish();
    expect(screen(s.text)).toEqual(['[1/3] a.mp4 done in 1.0 s', '[2/3] b.mp4 done']);
  });

  it.each([[false], [true]])('escapes control characters from the batch file (terminal %s)', (tty) => {
    const s = sink(tty);
    const p = batchProgress(s, { quiet: false });
    p.begin(1);
    const c = p.clip('x.mp4  "a \x1b[2Jred\rcircle"');
    c.event({ phase: 'warning', message: 'bad \x1b]0;title\x07' });
    c.end('x.mp4 failed: \x1b[31mno');
    p.note('line 3: \u202ereversed');
    p.finish();
    // eslint-disable-next-line no-control-regex -- the escapes are what must not be there
    expect(s.text).not.toMatch(/\x1b\[2J|\x1b\]0|\x1b\[31m|\u202e|\x07|circle\r/);
    expect(s.text).toContain('"a \\e[2Jred\\rcircle"');
  });

  it('quiet: only failures', () => {
    const s = sink(true);
    const p = batchProgress(s, { quiet: true });
    p.begin(2);
    p.clip('a').end('a done');
    p.clip('b').end('b failed: x');
    p.finish();
    expect(s.text).toBe('[2/2] b failed: x\n');
  });
});
