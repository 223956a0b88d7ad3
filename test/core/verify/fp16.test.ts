// fp16 graphs against the float32 goldens on the CPU provider, within FP16_BOUNDS (core/verify/metrics.ts says why).
// onnxruntime's CPU provider stores every fp16 tensor as fp16 and, where it has no fp16 kernel, computes the node in
// float32 between Casts: this measures the graphs' fp16 rounding, not a GPU's fp16 kernels (those need a lent GPU).
import { describe, expect, it } from 'vitest';
import { BOUNDS, FP16_BOUNDS } from '../../../core/verify/metrics.js';
import { verifyCase } from '../../../core/verify/run.js';
import { golden, useTempCache } from '../../helpers.js';

useTempCache();

describe('golden cases in fp16 on cpu', () => {
  it.each([
    ['clip-small', 'clip-text', 6],
    ['vae-small', 'vae-decode', 1],
    ['unet3d-small', 'unet3d', 4],
    ['pipeline-micro', 'pipeline', 6],
  ])(
    '%s',
    async (name, kind, runs) => {
      const report = await verifyCase(golden(name), 'cpu', 'fp16');
      expect(report.kind).toBe(kind);
      expect(report.runs).toHaveLength(runs);
      for (const r of report.runs) {
        expect([FP16_BOUNDS.network, FP16_BOUNDS.pipelineFrames, BOUNDS.rng]).toContain(r.bound);
        expect(r.error, `${r.name} (bound ${r.bound})`).toBeLessThanOrEqual(r.bound);
      }
      // the graphs really are fp16: the network outputs differ from float32 by more than float32's own bound
      const relative = report.runs.filter((r) => r.metric === 'relative').map((r) => r.error);
      expect(Math.min(...relative)).toBeGreaterThan(BOUNDS.network);
      expect(report.pass).toBe(true);
    },
    300_000,
  );
});
