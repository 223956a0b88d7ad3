import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { T2vError } from '../../../core/errors.js';
import { loadTokenizer } from '../../../core/tokenizer/index.js';

// one folder per tokenizer layout; expected.json holds transformers 5.17's ids for each (make.py beside it)
const LAYOUTS = fileURLToPath(new URL('../../fixtures/tokenizer-layouts/', import.meta.url));

interface Expected {
  prompts: string[];
  cases: Record<string, { what: string; model_max_length: number; pad_token_id: number; input_ids: number[][] }>;
  refused: Record<string, { what: string }>;
}
const expected = JSON.parse(await readFile(join(LAYOUTS, 'expected.json'), 'utf8')) as Expected;

describe('tokenizer layouts read as transformers reads them', () => {
  it.each(Object.entries(expected.cases).map(([name, c]) => ({ name, ...c })))('$name: $what', async ({ name, model_max_length, pad_token_id, input_ids }) => {
    const tok = await loadTokenizer(join(LAYOUTS, name));
    expect(tok.maxLength).toBe(model_max_length);
    expect(tok.padId).toBe(pad_token_id);
    expected.prompts.forEach((prompt, i) => expect(tok.encode(prompt).ids, JSON.stringify(prompt)).toEqual(input_ids[i]));
  });

  it.each(Object.entries(expected.refused).map(([name, c]) => ({ name, ...c })))('refuses $name in one line: $what', async ({ name }) => {
    const err = await loadTokenizer(join(LAYOUTS, name)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(T2vError);
    expect((err as Error).message).not.toContain('\n');
    expect((err as Error).message).toContain(join(LAYOUTS, name));
  });
});
