// Compile cache of built graphs: $cache/<network>-<key16>/model.onnx + model.onnx.data + complete.json, built under a temporary name and renamed.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsError, T2vError } from '../core/errors.js';
import { entryProblem, recordCompletion, sweepStaleBuilds } from './cache-record.js';
import { stableJson } from './configs/common.js';
import { buildNetwork, MODEL_FILE, weightsStem, type BuildStats, type NetworkConfig, type WeightsSpec } from './networks/build.js';
import type { AttentionImpl } from './networks/layers.js';
import type { FloatType } from './onnx/graph.js';
import type { DeepCacheBuild } from './networks/unet3d.js';
import { cacheDir } from './paths.js';
import { weightFileCandidates } from './weights.js';
import { elementCount, isFile, SafetensorsFile } from './safetensors.js';

/** Bump when a builder's output changes for the same inputs: old cache entries are then never used. */
export const BUILDER_VERSION = 't2v-graph-7';

export interface CacheRequest {
  readonly net: NetworkConfig;
  readonly weights: WeightsSpec;
  readonly device: string;
  /** The graph's weights and activations (default float32). */
  readonly dtype?: FloatType;
  readonly attention?: AttentionImpl;
  /** U-Net only: one of DeepCache's two graphs (absent: the plain U-Net). */
  readonly deepCache?: DeepCacheBuild;
  /** U-Net only: the FreeU lab's recording graph (extra outputs at both FreeU stages); absent: the plain U-Net. */
  readonly record?: boolean;
  /** Defaults to `cacheDir()`. */
  readonly cacheDir?: string;
  readonly onProgress?: (msg: string) => void;
  /** Said once, whatever the verbosity: e.g. a damaged entry being rebuilt. */
  readonly onWarning?: (msg: string) => void;
}

export interface CachedGraph {
  readonly dir: string;
  readonly modelPath: string;
  /** True when this call built it (false: found in the cache). */
  readonly built: boolean;
  readonly stats?: BuildStats;
}

/**
 * The weight files a part folder uses, by real path (symlinks resolved: a folder path, a symlink to it and a Hub id
 * whose snapshot links into blobs/ are one entry), size and mtime. Hashing would cost ~1 s per GB on each start.
 */
export async function weightIdentity(weights: WeightsSpec, stem: 'diffusion_pytorch_model' | 'model'): Promise<unknown> {
  if ('randomSeed' in weights) return { random: weights.randomSeed };
  const files: string[] = [];
  for (const variant of [undefined, 'fp16' as const]) {
    for (const name of weightFileCandidates(stem, variant)) {
      const path = join(weights.dir, name);
      if (!(await isFile(path))) continue;
      files.push(path);
      if (name.endsWith('.index.json')) {
        const index = JSON.parse(await readFile(path, 'utf8')) as { weight_map?: Record<string, string> };
        for (const shard of new Set(Object.values(index.weight_map ?? {}))) files.push(join(dirname(path), shard));
      }
      break;
    }
    if (files.length) break;
  }
  if (!files.length) throw new T2vError(`no weights in ${weights.dir}: expected ${weightFileCandidates(stem).join(' or ')}`);
  return Promise.all(
    files.map(async (f) => {
      const s = await stat(f).catch(() => {
        throw new T2vError(`weights file ${f} is missing; download it`);
      });
      return { path: await realpath(f), size: s.size, mtimeMs: s.mtimeMs };
    }),
  );
}

/** Build throughput from files, float32 bytes per second: `npm run bench` measured 78 MB/s (fp32) and 62 MB/s (fp16) on a loaded 2-core CPU. */
const BUILD_BYTES_PER_SECOND = 100e6;

/** ", from 2.8 GB of weights, roughly 30 s": the time counts every parameter as float32, as the graph stores it. */
async function buildEstimate(req: CacheRequest): Promise<string> {
  if ('randomSeed' in req.weights) return '';
  const files = (await weightIdentity(req.weights, weightsStem(req.net.kind))) as Array<{ path: string; size: number }>;
  let bytes = 0;
  let f32 = 0;
  for (const f of files) {
    bytes += f.size;
    const st = await SafetensorsFile.open(f.path).catch(() => undefined);
    if (!st) continue;
    for (const t of st.tensors.values()) f32 += elementCount(t.shape) * 4;
    await st.close();
  }
  const seconds = Math.max(1, Math.round(f32 / BUILD_BYTES_PER_SECOND));
  return `, from ${(bytes / 1e9).toFixed(bytes < 1e8 ? 3 : 1)} GB of weights, roughly ${seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`}`;
}

/** fp16 graphs always use MatMul + Softmax attention (their softmax runs in float32; layers.ts sdpa). */
function effectiveAttention(req: CacheRequest): AttentionImpl {
  return req.dtype === 'float16' ? 'matmul' : (req.attention ?? 'mha');
}

export async function cacheKey(req: CacheRequest): Promise<string> {
  const material = stableJson({
    builder: BUILDER_VERSION,
    network: req.net.kind,
    config: req.net.config,
    weights: await weightIdentity(req.weights, weightsStem(req.net.kind)),
    dtype: req.dtype ?? 'float32',
    device: req.device,
    attention: effectiveAttention(req),
    // only when set, so the plain graphs keep their keys
    ...(req.deepCache ? { deepCache: req.deepCache } : {}),
    ...(req.record ? { record: true } : {}),
  });
  return createHash('sha256').update(material).digest('hex');
}

/** Returns the cached graph for `req`, building it first when absent. Safe when several processes build it at once. */
export async function getOrBuildGraph(req: CacheRequest): Promise<CachedGraph> {
  const root = req.cacheDir ?? cacheDir();
  const key = await cacheKey(req);
  const dir = join(root, `${req.net.kind}-${key.slice(0, 16)}`);
  const modelPath = join(dir, MODEL_FILE);
  if (await usable(dir, req)) return { dir, modelPath, built: false };
  try {
    await mkdir(root, { recursive: true });
  } catch {
    throw new T2vError(`cannot create the cache folder ${root}; set T2V_CACHE to a writable folder`);
  }
  await sweepStaleBuilds(root);
  const tmp = join(root, `${basename(dir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  let stats: BuildStats;
  try {
    await mkdir(tmp);
    req.onProgress?.(`building the ${req.net.kind} graph once${await buildEstimate(req)} (cached in ${dir})`);
    stats = await buildNetwork(req.net, req.weights, tmp, {
      attention: effectiveAttention(req),
      precision: req.dtype ?? 'float32',
      ...(req.deepCache ? { deepCache: req.deepCache } : {}),
      ...(req.record ? { record: true } : {}),
    });
    await recordCompletion(tmp);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw fsError(e, tmp, `free some space or set T2V_CACHE to a roomier folder (the ${req.net.kind} graph is being built there)`);
  }
  try {
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    // another process renamed its build into place first: use that one
    if ((await entryProblem(dir)) === undefined) return { dir, modelPath, built: false };
    throw new T2vError(`cannot move the built graph into ${dir} (${(e as Error).message}); check the cache folder`);
  }
  return { dir, modelPath, built: true, stats };
}

/** True when the entry is whole; a damaged one is moved aside (one warning line) so that it is rebuilt. */
async function usable(dir: string, req: CacheRequest): Promise<boolean> {
  if (
    !(await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    return false;
  const problem = await entryProblem(dir);
  if (problem === undefined) return true;
  req.onWarning?.(`the cached ${req.net.kind} graph in ${dir} is damaged (${problem}); rebuilding it`);
  const aside = `${dir}.bad-${process.pid}-${randomBytes(4).toString('hex')}`;
  // a concurrent run may have moved it already; either way it is gone from its name
  if (
    await rename(dir, aside).then(
      () => true,
      () => false,
    )
  )
    await rm(aside, { recursive: true, force: true });
  return false;
}
