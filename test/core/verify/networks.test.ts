// Golden parity of the three built networks through `t2v verify`'s own code path, from the copied fixtures.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCase } from '../../../core/verify/run.js';
import { golden } from '../../helpers.js';

let cache: string;
const saved = process.env.T2V_CACHE;
beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 't2v-cache-'));
  process.env.T2V_CACHE = cache;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.T2V_CACHE;
  else process.env.T2V_CACHE = saved;
  await rm(cache, { recursive: true, force: true });
});

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
