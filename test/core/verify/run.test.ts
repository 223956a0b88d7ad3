import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, maxAbsError, mismatchCount, relativeError } from '../../../core/verify/metrics.js';
import { verifyCase } from '../../../core/verify/run.js';
import { writeSafetensors } from '../../../models/safetensors.js';
import { withTempDir } from '../../helpers.js';

describe('verifyCase', () => {
  it('reports a kind nobody implements as not implemented and failing', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'case.json'), '{"kind": "teleport"}');
      await writeSafetensors(join(dir, 'tensors.safetensors'), {});
      const report = await verifyCase(dir);
      expect(report).toMatchObject({ kind: 'teleport', implemented: false, pass: false });
    });
  });
});

describe('metrics', () => {
  it.each([
    ['relative', relativeError([1, 2], [1, 2]), 0],
    ['relative', relativeError([3, 0], [4, 0]), 0.25],
    ['max-abs', maxAbsError([1, 5], [1, 2]), 3],
    ['max-abs NaN is worst', maxAbsError([NaN], [0]), NaN],
    ['max-abs NaN first stays NaN', maxAbsError([NaN, 5], [0, 0]), NaN],
    ['mismatch', mismatchCount([1, 2, 3], [1, 0, 3]), 1],
    ['length mismatch', relativeError([1], [1, 2]), Infinity],
  ])('%s', (_name, got, expected) => {
    expect(got).toBe(expected);
  });

  it('a NaN output fails', () => {
    expect(compare('x', 'relative', [NaN], [1], 1e-4).pass).toBe(false);
  });
});
