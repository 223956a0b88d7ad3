import { describe, expect, it } from 'vitest';
import { verifyCase } from '../../../core/verify/run.js';
import { golden } from '../../helpers.js';

// Every golden case of the kinds core/ owns, through `t2v verify`'s own path; bounds come from the golden README via BOUNDS.
describe.each([
  { name: 'rng', kind: 'rng', runs: 18 },
  { name: 'tokenizer-clip', kind: 'tokenizer', runs: 15 },
  { name: 'tokenizer-tiny', kind: 'tokenizer', runs: 15 },
  { name: 'freeu', kind: 'freeu', runs: 7 + 5 * 4 },
  { name: 'scheduler', kind: 'scheduler', runs: 9 * 2 + 2 * 3 * (3 + 25 + 50) },
])('verify $name', ({ name, kind, runs }) => {
  it('passes every run within its bound', async () => {
    const report = await verifyCase(golden(name));
    expect(report.kind).toBe(kind);
    expect(report.implemented).toBe(true);
    const worst = Math.max(...report.runs.map((r) => r.error));
    console.log(`${name}: ${report.runs.length} runs, worst error ${worst}`);
    for (const r of report.runs) expect.soft(r.error, r.name).toBeLessThanOrEqual(r.bound);
    expect(report.runs.length).toBe(runs);
    expect(report.pass).toBe(true);
  });
});
