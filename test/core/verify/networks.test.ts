// Golden parity of the three built networks through `t2v verify`'s own code path, from the copied fixtures.
import { describe, expect, it } from 'vitest';
import { verifyCase } from '../../../core/verify/run.js';
import { golden, useTempCache } from '../../helpers.js';

useTempCache();

describe('golden network cases on cpu (relative error <= 1e-4)', () => {
  it.each([
    ['clip-small', 'clip-text', 6],
    ['vae-small', 'vae-decode', 1],
    ['unet3d-small', 'unet3d', 4],
  ])('%s', async (name, kind, runs) => {
    const report = await verifyCase(golden(name), 'cpu');
    expect(report.kind).toBe(kind);
    expect(report.implemented).toBe(true);
    expect(report.runs).toHaveLength(runs);
    for (const r of report.runs) {
      expect(r.bound).toBe(1e-4);
      expect(r.error, r.name).toBeLessThanOrEqual(1e-4);
    }
    expect(report.pass).toBe(true);
  });
});
