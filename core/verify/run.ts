// Runs one reference case folder through the kind that implements it.
import { join } from 'node:path';
import { T2vError } from '../errors.js';
import { asObject, readJsonFile } from '../../models/json.js';
import { SafetensorsFile } from '../../models/safetensors.js';
import { VERIFY_KINDS } from './kinds/index.js';
import { boundsFor } from './metrics.js';
import type { Device, VerifyRun } from './types.js';
import type { Precision } from '../runtime/device-names.js';

export interface CaseReport {
  readonly dir: string;
  readonly kind: string;
  /** Empty with `implemented: false` when no module checks this kind yet. */
  readonly runs: readonly VerifyRun[];
  readonly implemented: boolean;
  readonly pass: boolean;
}

export async function verifyCase(dir: string, device: Device = 'cpu', precision: Precision = 'fp32'): Promise<CaseReport> {
  const caseJson = asObject(await readJsonFile(join(dir, 'case.json')), join(dir, 'case.json'));
  const kind = String(caseJson.kind ?? '');
  const load = VERIFY_KINDS[kind];
  if (!load) return { dir, kind, runs: [], implemented: false, pass: false };
  const tensors = await SafetensorsFile.open(join(dir, 'tensors.safetensors'));
  try {
    const handler = await load();
    const runs = await handler({ dir, caseJson, tensors, device, precision, bounds: boundsFor(precision) });
    if (runs.length === 0) throw new T2vError(`${dir}: kind ${kind} compared nothing; the case lists no runs`);
    return { dir, kind, runs, implemented: true, pass: runs.every((r) => r.pass) };
  } finally {
    await tensors.close();
  }
}
