// `vae-decode` reference cases: AutoencoderKL.decode(latents).sample (post_quant_conv + decoder, no scaling applied).
import { join } from 'node:path';
import { T2vError } from '../../errors.js';
import { loadVaeDecoder } from '../../runtime/vae.js';
import { compare } from '../metrics.js';
import type { VerifyKind } from '../types.js';

export const verifyVaeDecode: VerifyKind = async ({ dir, tensors, device, precision, bounds }) => {
  const dims = tensors.info('latents').shape;
  if (dims.length !== 4) throw new T2vError(`${dir}: latents must be (N, C, h, w)`);
  const vae = await loadVaeDecoder(join(dir, 'vae'), { device, precision });
  try {
    const { data } = await vae.decode(await tensors.readFloat32('latents'), dims as [number, number, number, number]);
    return [compare('image', 'relative', data, await tensors.readFloat32('image'), bounds.network)];
  } finally {
    await vae.release();
  }
};
