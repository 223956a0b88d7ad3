// The host-side reduction of step records: the conditional half only, channel means per frame, x0's middle frame, the shown steps.
import { describe, expect, it } from 'vitest';
import type { RecordedTensor, StepRecord } from '../../../core/pipeline/record.js';
import { runRecorder, shownSteps } from '../../../cli/analyze/reduce.js';
import { RECORDED_KINDS } from '../../../models/networks/unet3d.js';

describe('shownSteps', () => {
  it.each([
    [25, 4, [0, 8, 16, 24]],
    [25, 6, [0, 5, 10, 14, 19, 24]],
    [3, 4, [0, 1, 2]],
    [1, 4, [0]],
  ])('%i steps, %i shown: %j', (total, count, want) => expect(shownSteps(total, count)).toEqual(want));
});

/** A (B*F, C, H, W) tensor whose value at (n, c, y, x) is `f(n, c, y * W + x)`. */
function tensor(stage: number, kind: RecordedTensor['kind'], dims: [number, number, number, number], f: (n: number, c: number, p: number) => number): RecordedTensor {
  const [n, c, h, w] = dims;
  const data = new Float32Array(n * c * h * w);
  for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) for (let p = 0; p < h * w; p++) data[(i * c + ch) * h * w + p] = f(i, ch, p);
  return { stage, layer: 0, kind, data, dims };
}

describe('runRecorder', () => {
  it('keeps the conditional half (frames F..2F of the guidance batch), means over channels, the middle frame of x0', () => {
    const frames = 3;
    // uncond samples hold 1000 + ..., cond samples n - F + channel + pixel / 10
    const value = (n: number, c: number, p: number): number => (n < frames ? 1000 : n - frames + c + p / 10);
    const recorded = RECORDED_KINDS.map((k) => tensor(0, k, [2 * frames, 2, 2, 2], value));
    const x0 = Float32Array.from({ length: 2 * frames * 4 }, (_, i) => i); // (1, C=2, F=3, 2, 2)
    const record: StepRecord = { step: 4, total: 5, timestep: 1, x0, dims: [1, 2, frames, 2, 2], recorded, guided: true };
    const { run, onRecord } = runRecorder([4], [4]);
    onRecord(record);
    const stage = run.steps[0]!.stages[0]!;
    expect([stage.height, stage.width]).toEqual([2, 2]);
    // channel mean of frame f at pixel p: f + 0.5 + p / 10, never the uncond 1000s
    stage.channelMeans!.frames.forEach((m, f) => m.forEach((v, p) => expect(v).toBeCloseTo(f + 0.5 + p / 10, 5)));
    expect(stage.spectra.backbone_after.value[0]).toBe(0);
    expect(stage.spectra.skip_before.frequency).toEqual([0, 1]);
    // middle frame (1) of each channel: channel c starts at (c * 3 + 1) * 4
    expect(Array.from(run.x0.get(4)!)).toEqual([4, 5, 6, 7, 16, 17, 18, 19]);
    expect(run.latentDims).toEqual([1, 2, 1, 2, 2]);
  });

  it('unguided steps use the whole batch; steps not asked for keep no maps and no x0', () => {
    const recorded = RECORDED_KINDS.map((k) => tensor(1, k, [2, 4, 1, 1], (n) => n + 1));
    const { run, onRecord } = runRecorder([9], [9]);
    onRecord({ step: 0, total: 10, timestep: 999, x0: new Float32Array(8), dims: [1, 4, 2, 1, 1], recorded, guided: false });
    expect(run.steps[0]!.stages[0]!.channelMeans).toBeUndefined();
    expect(run.x0.size).toBe(0);
    expect(run.steps[0]!.stages[0]!.spectra.backbone_before.value).toEqual([0, null]); // 1 x 1: DC only
  });
});
