// `clip-text` reference cases: CLIPTextModel(input_ids)[0], one comparison per prompt.
import { join } from 'node:path';
import { T2vError } from '../../errors.js';
import { loadTextEncoder } from '../../runtime/text-encoder.js';
import { compare } from '../metrics.js';
import type { VerifyKind, VerifyRun } from '../types.js';

export const verifyClipText: VerifyKind = async ({ dir, caseJson, tensors, device, precision, bounds }) => {
  const [batch, len] = tensors.info('input_ids').shape as [number, number];
  if (tensors.info('input_ids').shape.length !== 2) throw new T2vError(`${dir}: input_ids must be (B, L)`);
  const prompts = Array.isArray(caseJson.prompts) ? (caseJson.prompts as unknown[]).map(String) : [];
  const encoder = await loadTextEncoder(join(dir, 'text_encoder'), { device, precision });
  try {
    const { data, dims } = await encoder.encode(await tensors.readInt64('input_ids'), batch, len);
    const ref = await tensors.readFloat32('last_hidden_state');
    const per = len * dims[2]!;
    const runs: VerifyRun[] = [];
    for (let i = 0; i < batch; i++) {
      const name = prompts[i] !== undefined ? `prompt ${i} ${JSON.stringify(prompts[i]!.slice(0, 40))}` : `prompt ${i}`;
      runs.push(compare(name, 'relative', data.subarray(i * per, (i + 1) * per), ref.subarray(i * per, (i + 1) * per), bounds.network));
    }
    return runs;
  } finally {
    await encoder.release();
  }
};
