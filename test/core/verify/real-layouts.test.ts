// Real repository layouts (HF cache symlinks, fp16 variant files, old VAE attention names, int64 position_ids,
// special_tokens_map.json pad "!") through `t2v verify`'s pipeline kind, against diffusers 0.40 on those very folders.
import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyCase } from '../../../core/verify/run.js';
import { resolveModel } from '../../../models/folder.js';
import { parsePythonJson } from '../../../models/json.js';
import { useTempCache } from '../../helpers.js';

const REAL = fileURLToPath(new URL('../../fixtures/real-layouts/', import.meta.url));
const CASES = [
  { name: 'text-to-video-ms-1.7b', repo: 'damo-vilab/text-to-video-ms-1.7b', runs: 3 },
  { name: 'zeroscope_v2_576w', repo: 'cerspense/zeroscope_v2_576w', runs: 2 },
];

useTempCache();

describe('real repository layouts match diffusers (golden bounds)', () => {
  it.each(CASES)('$repo: every run, FreeU off and on, within bounds', async ({ name, runs }) => {
    const caseJson = parsePythonJson(await readFile(join(REAL, name, 'case.json'), 'utf8')) as { runs: Array<{ freeu: unknown }> };
    expect(caseJson.runs).toHaveLength(runs);
    expect(caseJson.runs.some((r) => r.freeu === null) && caseJson.runs.some((r) => r.freeu !== null)).toBe(true);
    const report = await verifyCase(join(REAL, name), 'cpu');
    expect(report.kind).toBe('pipeline');
    for (const r of report.runs) expect(r.pass, `${r.name}: ${r.error} > ${r.bound}`).toBe(true);
    expect(report.runs.length).toBe(runs * 7);
    expect(report.pass).toBe(true);
  });

  it.each(CASES)('$repo resolves by Hub id from the cache to the case folder', async ({ name, repo }) => {
    const found = await resolveModel(repo, { HF_HUB_CACHE: join(REAL, name, 'hub') });
    expect(await realpath(found.root)).toBe(await realpath(join(REAL, name, 'model')));
  });
});
