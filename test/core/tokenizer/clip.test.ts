import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { T2vError } from '../../../core/errors.js';
import { loadTokenizer } from '../../../core/tokenizer/index.js';
import { golden, withTempDir } from '../../helpers.js';

const prompts = async (): Promise<string[]> => (JSON.parse(await readFile(golden('tokenizer-tiny', 'case.json'), 'utf8')) as { prompts: string[] }).prompts;

describe('loadTokenizer', () => {
  // the 49408-token vocabulary takes most of a second to load: once for the table below
  const clip = loadTokenizer(golden('tokenizer-clip'));

  it.each([
    { folder: ['pipeline-tiny', 'model', 'tokenizer'], bos: 912, eos: 913 },
    { folder: ['clip-small', 'tokenizer'], bos: undefined, eos: undefined },
    { folder: ['tokenizer-clip'], bos: 49406, eos: 49407 },
    { folder: ['tokenizer-tiny'], bos: 912, eos: 913 },
  ])('loads $folder', async ({ folder, bos, eos }) => {
    const tok = await loadTokenizer(golden(...folder));
    const { ids, truncated } = tok.encode('a red circle moving left');
    expect(ids).toHaveLength(77);
    expect(truncated).toBe(false);
    if (bos !== undefined) expect(ids[0]).toBe(bos);
    if (eos !== undefined) expect(ids.at(-1)).toBe(eos);
  });

  it('tokenizer.json and vocab.json + merges.txt of the same vocabulary agree', async () => {
    const fromJson = await loadTokenizer(golden('pipeline-tiny', 'model', 'tokenizer'));
    const fromFiles = await loadTokenizer(golden('tokenizer-tiny'));
    for (const p of await prompts()) expect(fromJson.encode(p).ids, p).toEqual(fromFiles.encode(p).ids);
  });

  it.each([
    { prompt: 'a '.repeat(100), truncated: true },
    { prompt: 'a '.repeat(75), truncated: false },
    { prompt: 'a '.repeat(76), truncated: true },
    { prompt: '', truncated: false },
  ])('truncation flag for $prompt.length chars', async ({ prompt, truncated }) => {
    const tok = await clip;
    const out = tok.encode(prompt);
    expect(out.truncated).toBe(truncated);
    expect(out.ids).toHaveLength(77);
    expect(out.ids[76]).toBe(tok.eosId);
  });

  it('names the folder when it holds no tokenizer', async () => {
    await withTempDir(async (dir) => {
      await expect(loadTokenizer(dir)).rejects.toThrow(T2vError);
      await expect(loadTokenizer(dir)).rejects.toThrow(dir);
    });
  });

  it.each([
    { file: 'tokenizer.json', text: '{"model": ', error: /tokenizer\.json is not valid JSON \(.+\); re-download the tokenizer$/ },
    { file: 'tokenizer.json', text: '[1, 2]', error: /tokenizer\.json must hold a JSON object$/ },
    { file: 'vocab.json', text: '{"a": 0,', error: /vocab\.json is not valid JSON \(.+\); re-download the tokenizer$/ },
    { file: 'vocab.json', text: '{"a": 0}', error: /merges\.txt is missing or unreadable; a tokenizer folder needs/ },
  ])('refuses a broken $file in one line: $text', async ({ file, text, error }) => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, file), text);
      await expect(loadTokenizer(dir)).rejects.toThrow(error);
      await expect(loadTokenizer(dir)).rejects.toThrow(T2vError);
    });
  });
});
