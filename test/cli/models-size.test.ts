// `models info` / `models list` report the real size of what a run reads, following the HF cache's symlinks into blobs/.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { fakeDeps, memoryIo } from './fakes.js';

const CASE = fileURLToPath(new URL('../fixtures/real-layouts/text-to-video-ms-1.7b/', import.meta.url));
const HUB = join(CASE, 'hub');

async function run(argv: string[]) {
  const io = memoryIo({ HF_HUB_CACHE: HUB });
  const code = await main(argv, io, { deps: async () => fakeDeps() });
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

describe('model sizes', () => {
  it('info and list count the blobs a run reads, not the symlinks', async () => {
    // every file of this snapshot is one a run reads (fp16-only weights, vocab.json + merges.txt tokenizer)
    const blobs = join(HUB, 'models--damo-vilab--text-to-video-ms-1.7b', 'blobs');
    let expected = 0;
    for (const b of await readdir(blobs)) expected += (await stat(join(blobs, b))).size;
    expect(expected).toBeGreaterThan(1_000_000);
    const info = await run(['models', 'info', 'damo-vilab/text-to-video-ms-1.7b', '--json']);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ bytes: expected, files: (await readdir(blobs)).length });
    const list = await run(['models', 'list', '--json']);
    const entry = (JSON.parse(list.stdout) as { models: Array<{ id: string; bytes?: number }> }).models.find((m) => m.id === 'damo-vilab/text-to-video-ms-1.7b');
    expect(entry?.bytes).toBe(expected);
    const byPath = await run(['models', 'info', join(CASE, 'model'), '--json']);
    expect(JSON.parse(byPath.stdout)).toMatchObject({ bytes: expected });
  });
});
