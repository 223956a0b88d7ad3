// Loading a network: cached graph (built on first use) -> onnxruntime session on the chosen device.
import { availableParallelism } from 'node:os';
import * as ort from './ort.js';
import { T2vError } from '../errors.js';
import type { Device, Precision } from './device-names.js';
import { assertDeviceUsable, executionProviders, firstLine } from './device.js';
import { getOrBuildGraph, type CachedGraph } from '../../models/cache.js';
import type { NetworkConfig, WeightsSpec } from '../../models/networks/build.js';
import type { AttentionImpl } from '../../models/networks/layers.js';
import type { DeepCacheBuild } from '../../models/networks/unet3d.js';

export interface LoadOptions {
  device: Device;
  /** Intra-op threads (default: the machine's cores). */
  threads?: number;
  cacheDir?: string;
  onProgress?: (msg: string) => void;
  /** Lines shown whatever the verbosity (a damaged cache entry being rebuilt). */
  onWarning?: (msg: string) => void;
  /** Attention implementation in the built graph (default: `defaultAttention(device)`). */
  attention?: AttentionImpl;
  /** Weights and activations (default fp32); resolved and checked against the adapter before (core/runtime/precision.ts). */
  precision?: Precision;
}

/**
 * cpu: com.microsoft MultiHeadAttention (memory-lean, exact). webgpu: MatMul + Softmax, because onnxruntime 1.30's
 * WebGPU MultiHeadAttention routes head sizes divisible by 4 to a FlashAttention shader that assumes a subgroup of at
 * least 8 lanes and is wrong on adapters with fewer (SwiftShader has 4: up to 25% relative error; docs in README).
 */
export function defaultAttention(device: Device): AttentionImpl {
  return device === 'webgpu' ? 'matmul' : 'mha';
}

export interface LoadedSession {
  readonly session: ort.InferenceSession;
  readonly graph: CachedGraph;
}

/** `spinning: false`: the intra-op threads sleep between runs instead of spinning (onnxruntime's default is to spin). */
export function sessionOptions(device: Device, threads?: number, spinning = true): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: executionProviders(device),
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads ?? availableParallelism(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    // errors only: on WebGPU onnxruntime warns on every session that it keeps shape ops on the CPU (by design)
    logSeverityLevel: 3,
    enableCpuMemArena: true,
    // with a memory pattern the arena holds the first run's blocks and the planned block: the full U-Net's peak went
    // from 6.7 GiB (first step) to 8.1 GiB (later steps); without it every step stays at 6.7 GiB at the same speed
    enableMemPattern: false,
    // no prepacked copies of the weights: MatMul/Gemm read them from the memory-mapped external-data file
    // (5.5 -> 3.7 GB resident for the full U-Net after session creation; the packing cost per call is small beside the GEMMs)
    extra: { session: { disable_prepacking: '1', ...(spinning ? {} : { intra_op: { allow_spinning: '0' } }) } },
  };
}

export async function createSession(modelPath: string, device: Device, threads?: number, outputs: 'cpu' | 'gpu-buffer' = 'cpu', spinning = true): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(modelPath, { ...sessionOptions(device, threads, spinning), ...(outputs === 'cpu' ? {} : { preferredOutputLocation: outputs }) });
  } catch (e) {
    throw new T2vError(`cannot start onnxruntime on ${device} for ${modelPath}: ${firstLine(e)}`);
  }
}

/** A session on an in-memory graph whose outputs stay where `outputs` says (webgpu: 'gpu-buffer' keeps them on the device). */
export async function createSessionFrom(graph: Uint8Array, device: Device, outputs: 'cpu' | 'gpu-buffer'): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(graph, { ...sessionOptions(device, 1), preferredOutputLocation: outputs });
  } catch (e) {
    throw new T2vError(`cannot start onnxruntime on ${device} for the sampler's step graph: ${firstLine(e)}`);
  }
}

/** Gets the graph from the compile cache (building it when absent) and opens a session on it. */
export async function loadNetwork(
  net: NetworkConfig,
  weights: WeightsSpec,
  opts: LoadOptions,
  build: { deepCache?: DeepCacheBuild; record?: boolean } = {},
  outputs: 'cpu' | 'gpu-buffer' = 'cpu',
  spinning = true,
): Promise<LoadedSession> {
  await assertDeviceUsable(opts.device);
  const graph = await getOrBuildGraph({
    net,
    weights,
    device: opts.device,
    attention: opts.attention ?? defaultAttention(opts.device),
    ...(opts.precision === 'fp16' ? { dtype: 'float16' as const } : {}),
    ...build,
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
  });
  opts.onProgress?.(`starting the ${net.kind} session on ${opts.device}`);
  const session = await createSession(graph.modelPath, opts.device, opts.threads, outputs, spinning);
  return { session, graph };
}

export function tensorF32(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, [...dims]);
}

export function scalarF32(value: number): ort.Tensor {
  return new ort.Tensor('float32', new Float32Array([value]), []);
}

/** The float32 data of one output. */
export function outputF32(out: ort.InferenceSession.ReturnType, name: string): { data: Float32Array; dims: number[] } {
  const t = out[name];
  if (!t || !(t.data instanceof Float32Array)) throw new Error(`onnxruntime returned no float32 output ${name}`);
  return { data: t.data, dims: [...t.dims] };
}
