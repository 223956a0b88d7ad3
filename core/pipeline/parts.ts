// The five parts of a text-to-video pipeline, as loaders: from a model folder, or (benchmarks) from configs with random weights.
import { parseClipTextConfig, type ClipTextConfig } from '../../models/configs/clip-text.js';
import { parseUnet3dConfig, type Unet3dConfig } from '../../models/configs/unet3d.js';
import { parseVaeConfig, type VaeConfig } from '../../models/configs/vae.js';
import { partDir, readPartConfig, type ModelFolder } from '../../models/folder.js';
import type { WeightsSpec } from '../../models/networks/build.js';
import {
  loadDeepCacheUnet3dFrom,
  loadTextEncoderFrom,
  loadUnet3dFrom,
  loadVaeDecoderFrom,
  type DeepCacheUnet3dRunner,
  type LoadOptions,
  type TextEncoderRunner,
  type Unet3dRunner,
  type VaeDecoderRunner,
} from '../runtime/index.js';

export interface PipelineParts {
  readonly id: string;
  readonly revision?: string;
  /** The pipeline folder, when the parts come from one (its t2v.json holds generation defaults). */
  readonly root?: string;
  readonly tokenizerDir: string;
  readonly schedulerConfig: Readonly<Record<string, unknown>>;
  readonly unetConfig: Unet3dConfig;
  readonly vaeConfig: VaeConfig;
  /** Where the U-Net's weights come from, for the memory estimate. */
  readonly unetWeights: WeightsSpec;
  loadTextEncoder(opts: LoadOptions): Promise<TextEncoderRunner>;
  loadUnet(opts: LoadOptions): Promise<Unet3dRunner>;
  /** The FreeU lab's U-Net graph: the same output plus the tensors at both FreeU stages. */
  loadRecordingUnet(opts: LoadOptions): Promise<Unet3dRunner>;
  /** DeepCache's full and shallow U-Net graphs for `branch`. */
  loadDeepCacheUnet(opts: LoadOptions, branch: number): Promise<DeepCacheUnet3dRunner>;
  loadVae(opts: LoadOptions): Promise<VaeDecoderRunner>;
}

export interface PartConfigs {
  readonly textEncoder: ClipTextConfig;
  readonly unet: Unet3dConfig;
  readonly vae: VaeConfig;
}

/** Parts whose networks come from `weights(part)`: a folder's files or seeded random values. */
export function partsFrom(
  meta: Pick<PipelineParts, 'id' | 'revision' | 'root' | 'tokenizerDir' | 'schedulerConfig'>,
  configs: PartConfigs,
  weights: (part: 'text_encoder' | 'unet' | 'vae') => WeightsSpec,
): PipelineParts {
  return {
    ...meta,
    unetConfig: configs.unet,
    vaeConfig: configs.vae,
    unetWeights: weights('unet'),
    loadTextEncoder: (opts) => loadTextEncoderFrom(configs.textEncoder, weights('text_encoder'), opts),
    loadUnet: (opts) => loadUnet3dFrom(configs.unet, weights('unet'), opts),
    loadRecordingUnet: (opts) => loadUnet3dFrom(configs.unet, weights('unet'), opts, { record: true }),
    loadDeepCacheUnet: (opts, branch) => loadDeepCacheUnet3dFrom(configs.unet, weights('unet'), opts, branch),
    loadVae: (opts) => loadVaeDecoderFrom(configs.vae, weights('vae'), opts),
  };
}

/** The parts of a diffusers pipeline folder; configs are read and checked now, networks load later. */
export async function partsFromFolder(folder: ModelFolder): Promise<PipelineParts> {
  const configs: PartConfigs = {
    textEncoder: parseClipTextConfig(await readPartConfig(folder, 'text_encoder'), `${partDir(folder, 'text_encoder')}/config.json`),
    unet: parseUnet3dConfig(await readPartConfig(folder, 'unet'), `${partDir(folder, 'unet')}/config.json`),
    vae: parseVaeConfig(await readPartConfig(folder, 'vae'), `${partDir(folder, 'vae')}/config.json`),
  };
  await readPartConfig(folder, 'tokenizer'); // a missing or foreign tokenizer fails here, before any network loads
  const meta = {
    id: folder.id,
    root: folder.root,
    ...(folder.revision ? { revision: folder.revision } : {}),
    tokenizerDir: partDir(folder, 'tokenizer'),
    schedulerConfig: await readPartConfig(folder, 'scheduler'),
  };
  return partsFrom(meta, configs, (part) => ({ dir: partDir(folder, part) }));
}
