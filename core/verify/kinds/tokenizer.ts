// `tokenizer` reference cases: each prompt's 77 ids, exactly.
import { T2vError } from '../../errors.js';
import { loadTokenizer } from '../../tokenizer/index.js';
import { compare } from '../metrics.js';
import type { VerifyKind, VerifyRun } from '../types.js';

export const verifyTokenizer: VerifyKind = async ({ dir, caseJson, tensors }) => {
  const prompts = caseJson.prompts;
  if (!Array.isArray(prompts) || !prompts.every((p) => typeof p === 'string')) throw new T2vError(`${dir}/case.json: "prompts" must be a list of strings`);
  const tokenizer = await loadTokenizer(dir);
  const ref = await tensors.readInt64('input_ids');
  const width = tensors.info('input_ids').shape[1] ?? 0;
  const runs: VerifyRun[] = [];
  prompts.forEach((prompt: string, i) => {
    const expected = Array.from(ref.subarray(i * width, (i + 1) * width), Number);
    runs.push(compare(`prompt ${i} ${JSON.stringify(prompt.length > 40 ? `${prompt.slice(0, 37)}...` : prompt)}`, 'exact', tokenizer.encode(prompt).ids, expected, 0));
  });
  return runs;
};
