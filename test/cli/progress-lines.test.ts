// The non-interactive progress lines: one per event, warnings once, nothing but warnings under --quiet.
import { describe, expect, it } from 'vitest';
import { formatDuration, formatEvent, lineReporter } from '../../cli/progress-lines.js';
import type { RunEvent } from '../../cli/run-generation.js';
import { MemoryStream } from './fakes.js';

describe('progress lines', () => {
  it.each([
    [{ phase: 'step', step: 3, total: 50, secondsPerStep: 1.234, etaSeconds: 58 }, false, 'step 3/50  1.23 s/step  ETA 58s'],
    [{ phase: 'step', step: 1, total: 50, secondsPerStep: 12, etaSeconds: 600 }, false, 'step 1/50  12.00 s/step  ETA 10m00s'],
    [{ phase: 'decode', done: 2, total: 4 }, false, 'decoding 2/4'],
    [{ phase: 'encode', done: 16, total: 16 }, false, 'encoded 16 frames'],
    [{ phase: 'encode', done: 3, total: 16 }, false, undefined],
    [{ phase: 'panel', index: 2, count: 6, label: 'b1 1.2' }, false, '[2/6] b1 1.2'],
    [{ phase: 'panel', index: 1, count: 6, label: 'b1 1', elapsedSeconds: 0.1 }, false, '[1/6] b1 1'],
    [{ phase: 'panel', index: 3, count: 6, label: 'b1 1.4', elapsedSeconds: 20 }, false, '[3/6] b1 1.4  (about 40s left for all panels)'],
    [{ phase: 'load', message: 'building the U-Net graph' }, false, undefined],
    [{ phase: 'load', message: 'building the U-Net graph' }, true, 'building the U-Net graph'],
    [{ phase: 'encode-prompt' }, true, 'encoding the prompt'],
    [{ phase: 'device', message: 'device: cpu (auto: no usable WebGPU adapter: x)' }, false, 'device: cpu (auto: no usable WebGPU adapter: x)'],
  ] as [RunEvent, boolean, string | undefined][])('%j (verbose %s)', (e, verbose, want) => {
    expect(formatEvent(e, verbose)).toBe(want);
  });

  it.each([
    [0.5, '0.5s'],
    [59, '59s'],
    [61, '1m01s'],
    [3725, '1h02m'],
    [Number.NaN, '?'],
    // rounding carries into the next unit: never 1m60s or 1h60m
    [9.96, '10s'],
    [59.6, '1m00s'],
    [119.6, '2m00s'],
    [3599.6, '1h00m'],
    [7199, '2h00m'],
  ])('formatDuration(%s)', (s, want) => expect(formatDuration(s)).toBe(want));

  it('controls in a warning are shown escaped', () => {
    const sink = new MemoryStream();
    lineReporter(sink, { quiet: false, verbose: false })({ phase: 'warning', message: 'bad\r\u001b[2Kname' });
    expect(sink.text).toBe('t2v: warning: bad\\r\\e[2Kname\n');
  });

  it.each([
    [false, 'step 1/2  1.00 s/step  ETA 1.0s\nt2v: warning: long prompt\n'],
    [true, 't2v: warning: long prompt\n'],
  ])('quiet %s; each warning once', (quiet, want) => {
    const sink = new MemoryStream();
    const report = lineReporter(sink, { quiet, verbose: false });
    report({ phase: 'step', step: 1, total: 2, secondsPerStep: 1, etaSeconds: 1 });
    report({ phase: 'warning', message: 'long prompt' });
    report({ phase: 'warning', message: 'long prompt' });
    expect(sink.text).toBe(want);
  });

  it('off a terminal without -v: one "loading the model" line per panel, the device line once', () => {
    const sink = new MemoryStream();
    const report = lineReporter(sink, { quiet: false, verbose: false });
    for (const index of [1, 2]) {
      report({ phase: 'panel', index, count: 2, label: `p${index}` });
      report({ phase: 'device', message: 'device: cpu' });
      report({ phase: 'load', message: 'building the U-Net graph' });
      report({ phase: 'load', message: 'starting the unet session on cpu' });
    }
    expect(sink.text).toBe('[1/2] p1\ndevice: cpu\nloading the model\n[2/2] p2\nloading the model\n');
  });
});
