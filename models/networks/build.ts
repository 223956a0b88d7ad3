// One entry point per network: parse the part's config, open its weights (or random ones), build model.onnx + model.onnx.data.
import { join } from 'node:path';
import { parseClipTextConfig, type ClipTextConfig } from '../configs/clip-text.js';
import { parseUnet3dConfig, type Unet3dConfig } from '../configs/unet3d.js';
import { parseVaeConfig, type VaeConfig } from '../configs/vae.js';
import { GraphBuilder } from '../onnx/graph.js';
import { Weights } from '../weights.js';
import { buildClipText } from './clip-text.js';
import { RandomSource, SafetensorsSource, type WeightSource } from './source.js';
import { buildUnet3d, type Unet3dBuildOptions } from './unet3d.js';
import { buildVaeDecoder } from './vae-decoder.js';

export type NetworkKind = 'unet3d' | 'vae-decoder' | 'clip-text';

export type NetworkConfig = { kind: 'unet3d'; config: Unet3dConfig } | { kind: 'vae-decoder'; config: VaeConfig } | { kind: 'clip-text'; config: ClipTextConfig };

export const MODEL_FILE = 'model.onnx';
export const DATA_FILE = 'model.onnx.data';

export function parseNetworkConfig(kind: NetworkKind, raw: Readonly<Record<string, unknown>>, what?: string): NetworkConfig {
  if (kind === 'unet3d') return { kind, config: parseUnet3dConfig(raw, what) };
  if (kind === 'vae-decoder') return { kind, config: parseVaeConfig(raw, what) };
  return { kind, config: parseClipTextConfig(raw, what) };
}

/** Where weights come from: a part folder, or seeded random values. */
export type WeightsSpec = { readonly dir: string } | { readonly randomSeed: number };

export function weightsStem(kind: NetworkKind): 'diffusion_pytorch_model' | 'model' {
  return kind === 'clip-text' ? 'model' : 'diffusion_pytorch_model';
}

export interface BuildStats {
  readonly parameters: number;
  readonly weightBytes: number;
  readonly nodes: number;
}

/** Builds `net` into `dir` (which must exist): dir/model.onnx and dir/model.onnx.data. */
export async function buildNetwork(net: NetworkConfig, weights: WeightsSpec, dir: string, opts: Unet3dBuildOptions = {}): Promise<BuildStats> {
  const g = new GraphBuilder({ name: net.kind, dataPath: join(dir, DATA_FILE), precision: opts.precision ?? 'float32' });
  let opened: Weights | undefined;
  try {
    let source: WeightSource;
    if ('dir' in weights) {
      opened = await Weights.openPart(weights.dir, weightsStem(net.kind));
      source = new SafetensorsSource(opened);
    } else {
      source = new RandomSource(weights.randomSeed);
    }
    if (net.kind === 'unet3d') await buildUnet3d(g, net.config, source, opts);
    else if (net.kind === 'vae-decoder') await buildVaeDecoder(g, net.config, source, opts);
    else await buildClipText(g, net.config, source);
    g.save(join(dir, MODEL_FILE));
    return { parameters: g.parameterCount, weightBytes: g.weightBytes, nodes: g.nodeCount };
  } catch (e) {
    g.abort();
    throw e;
  } finally {
    await opened?.close();
  }
}
