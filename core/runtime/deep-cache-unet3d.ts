// DeepCache's two U-Net graphs (the whole U-Net with its deep feature, the shallow branch on a cached one); on webgpu
// their tensors can stay on the device (core/pipeline/resident-deep-cache.ts).
import type * as ort from 'onnxruntime-node';
import { T2vError } from '../errors.js';
import type { Unet3dConfig } from '../../models/configs/unet3d.js';
import type { WeightsSpec } from '../../models/networks/build.js';
import { deepFeatureChannels } from '../../models/networks/unet3d.js';
import { loadNetwork, outputF32, tensorF32, type LoadedSession, type LoadOptions } from './session.js';
import { DeviceSteps } from './step-graphs.js';
import { residentFeeds, unet3dFeeds, type ResidentUnetInputs, type Unet3dInputs } from './unet3d.js';

/** DeepCache's cached deep feature: (B*F, C, H, W), frames folded into the batch. */
export interface DeepFeature {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** The two graphs on device tensors: what the full graph returns stays on the device until disposed. */
export interface ResidentDeepCacheUnet {
  readonly steps: DeviceSteps;
  full(x: ResidentUnetInputs): Promise<{ out: ort.Tensor; feature: ort.Tensor }>;
  shallow(x: ResidentUnetInputs, feature: ort.Tensor): Promise<ort.Tensor>;
}

/** DeepCache's two graphs of one U-Net (models/networks/unet3d.ts `DeepCacheBuild`). */
export interface DeepCacheUnet3dRunner {
  readonly config: Unet3dConfig;
  readonly branch: number;
  /** The whole U-Net: its output and the feature to cache. */
  full(x: Unet3dInputs): Promise<{ out: Float32Array; feature: DeepFeature }>;
  /** The shallow branch on a cached feature (its batch must match the sample's). */
  shallow(x: Unet3dInputs, feature: DeepFeature): Promise<Float32Array>;
  /** On webgpu: the same graphs on tensors that stay on the device. */
  readonly resident?: ResidentDeepCacheUnet;
  release(): Promise<void>;
}

function checkFeature(dims: readonly number[], rows: number, channels: number): void {
  if (dims[0] !== rows || dims[1] !== channels) throw new T2vError(`DeepCache feature has dims [${dims.join(', ')}] but this step needs ${rows} x ${channels}`);
}

export async function loadDeepCacheUnet3dFrom(config: Unet3dConfig, weights: WeightsSpec, opts: LoadOptions, branch: number): Promise<DeepCacheUnet3dRunner> {
  const channels = deepFeatureChannels(config, branch);
  const outputs = opts.device === 'webgpu' ? 'gpu-buffer' : 'cpu';
  const made: LoadedSession[] = [];
  let steps: DeviceSteps | undefined;
  try {
    // the two sessions alternate, each with its own intra-op pool; the shallow pool's threads, spinning after its short run,
    // took the cores of the next full run (embedded model, 2 cores: full steps 30 -> 46-67 ms; --fast 0.59 -> 0.35 s without)
    for (const part of ['full', 'shallow'] as const) made.push(await loadNetwork({ kind: 'unet3d', config }, weights, opts, { deepCache: { part, branch } }, outputs, part === 'full'));
    if (outputs === 'gpu-buffer') steps = await DeviceSteps.create();
  } catch (e) {
    await Promise.all(made.map((m) => m.session.release()));
    throw e;
  }
  const [full, shallow] = [made[0]!.session, made[1]!.session];
  // the host path on webgpu: outputs are on the device, read back through the copy session and freed
  const read = async (out: ort.InferenceSession.ReturnType, name: string): Promise<{ data: Float32Array; dims: number[] }> => {
    if (!steps) return outputF32(out, name);
    const t = out[name];
    if (!t) throw new Error(`onnxruntime returned no output ${name}`);
    return { data: await steps.download(t), dims: [...t.dims] };
  };
  const free = (out: ort.InferenceSession.ReturnType): void => {
    if (steps) for (const t of Object.values(out)) t.dispose();
  };
  return {
    config,
    branch,
    async full(x) {
      const out = await full.run(unet3dFeeds(config, x));
      try {
        return { out: (await read(out, 'out_sample')).data, feature: await read(out, 'deep_feature') };
      } finally {
        free(out);
      }
    },
    async shallow(x, feature) {
      const [b, , f] = x.sampleDims;
      checkFeature(feature.dims, b * f, channels);
      const out = await shallow.run({ ...unet3dFeeds(config, x), deep_feature: tensorF32(feature.data, feature.dims) });
      try {
        return (await read(out, 'out_sample')).data;
      } finally {
        free(out);
      }
    },
    ...(steps
      ? {
          resident: {
            steps,
            async full(x) {
              const out = await full.run(residentFeeds(config, x));
              return { out: out.out_sample!, feature: out.deep_feature! };
            },
            async shallow(x, feature) {
              checkFeature(feature.dims, x.sample.dims[0]! * x.sample.dims[2]!, channels);
              return (await shallow.run({ ...residentFeeds(config, x), deep_feature: feature })).out_sample!;
            },
          } satisfies ResidentDeepCacheUnet,
        }
      : {}),
    async release() {
      await full.release();
      await shallow.release();
      await steps?.release();
    },
  };
}
