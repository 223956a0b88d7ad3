// The VAE decoder runner: latents (already divided by scaling_factor) -> images in [-1, 1].
import { T2vError } from '../errors.js';
import { parseVaeConfig, type VaeConfig } from '../../models/configs/vae.js';
import { readPartConfig } from '../../models/folder.js';
import type { WeightsSpec } from '../../models/networks/build.js';
import { loadNetwork, outputF32, tensorF32, type LoadOptions } from './session.js';

export interface VaeDecoderRunner {
  /** scalingFactor and scaleFactor (pixels per latent) among them. */
  readonly config: VaeConfig;
  readonly modelPath: string;
  decode(latents: Float32Array, dims: readonly [number, number, number, number]): Promise<{ data: Float32Array; dims: number[] }>;
  release(): Promise<void>;
}

export async function loadVaeDecoderFrom(config: VaeConfig, weights: WeightsSpec, opts: LoadOptions): Promise<VaeDecoderRunner> {
  const { session, graph } = await loadNetwork({ kind: 'vae-decoder', config }, weights, opts);
  return {
    config,
    modelPath: graph.modelPath,
    async decode(latents, dims) {
      const [n, c, h, w] = dims;
      if (c !== config.latentChannels) throw new T2vError(`VAE latents have ${c} channels but the model takes ${config.latentChannels}`);
      if (latents.length !== n * c * h * w) throw new T2vError(`VAE latents hold ${latents.length} values but dims [${dims.join(', ')}] need ${n * c * h * w}`);
      return outputF32(await session.run({ latents: tensorF32(latents, dims) }), 'sample');
    },
    release: () => session.release(),
  };
}

/** Loads the decoder of a part folder (`vae/`). */
export async function loadVaeDecoder(partDir: string, opts: LoadOptions): Promise<VaeDecoderRunner> {
  const config = parseVaeConfig(await readPartConfig(partDir, 'vae'), `${partDir}/config.json`);
  return loadVaeDecoderFrom(config, { dir: partDir }, opts);
}
