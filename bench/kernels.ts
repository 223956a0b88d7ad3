// The kernels `npm run bench` times beside a whole U-Net step: a MatMul roofline and the FreeU stages alone.
import * as ort from 'onnxruntime-node';
import type { Unet3dConfig } from '../models/configs/unet3d.js';
import { freeuStage } from '../models/networks/freeu.js';
import { GraphBuilder } from '../models/onnx/graph.js';
import { Ops } from '../models/onnx/ops.js';
import { sessionOptions } from '../core/runtime/session.js';
import type { Device } from '../core/runtime/device-names.js';
import type { StepShape } from './flops.js';

/** GFLOP/s of an n x n x n float32 MatMul through onnxruntime with the same session options. */
export async function matmulGflops(n: number, device: Device, threads: number): Promise<{ gflops: number; gflopsPerCpuSecond: number }> {
  const g = new GraphBuilder({ name: 'matmul' });
  const a = g.input('a', 'float32', [n, n]);
  const b = g.input('b', 'float32', [n, n]);
  g.output(g.node('MatMul', [a, b]), 'c', 'float32', [n, n]);
  const s = await ort.InferenceSession.create(g.serialize(), sessionOptions(device, threads));
  const x = new ort.Tensor(
    'float32',
    Float32Array.from({ length: n * n }, (_, i) => (i % 7) * 0.1),
    [n, n],
  );
  await s.run({ a: x, b: x });
  let best = Infinity;
  let bestCpu = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await s.run({ a: x, b: x });
    const c = process.cpuUsage(c0);
    best = Math.min(best, (performance.now() - t0) / 1000);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6);
  }
  await s.release();
  return { gflops: (2 * n ** 3) / best / 1e9, gflopsPerCpuSecond: (2 * n ** 3) / bestCpu / 1e9 };
}

/**
 * The FreeU stages of one step alone (both up blocks, every skip concatenation, at the step's shapes), timed with the
 * factors on: the stage's cost without the noise of two whole steps on a shared machine.
 */
export async function freeuStageSeconds(cfg: Unet3dConfig, s: StepShape, device: Device, threads: number): Promise<number> {
  const g = new GraphBuilder({ name: 'freeu' });
  const o = new Ops(g);
  const [b, sc, v2] = ['b', 's', 'v2'].map((n) => g.input(n, 'float32', [])) as [string, string, string];
  const n = cfg.blockOutChannels.length;
  const sizes: [number, number][] = [];
  let [h, w] = [s.height, s.width];
  const skipCh: number[] = [cfg.blockOutChannels[0]!];
  for (let i = 0; i < n; i++) {
    sizes.push([h, w]);
    for (let j = 0; j < cfg.layersPerBlock; j++) skipCh.push(cfg.blockOutChannels[i]!);
    if (i < n - 1) {
      skipCh.push(cfg.blockOutChannels[i]!);
      h = Math.floor((h - 1) / 2) + 1;
      w = Math.floor((w - 1) / 2) + 1;
    }
  }
  const rev = [...cfg.blockOutChannels].reverse();
  const feeds: Record<string, ort.Tensor> = {
    b: new ort.Tensor('float32', new Float32Array([1.2]), []),
    s: new ort.Tensor('float32', new Float32Array([0.9]), []),
    v2: new ort.Tensor('float32', new Float32Array([0]), []),
  };
  const N = s.batch * s.frames;
  let prev = rev[0]!;
  for (let i = 0; i < 2 && i < n; i++) {
    const [hh, ww] = sizes[n - 1 - i]!;
    for (let j = 0; j < cfg.layersPerBlock + 1; j++) {
      const ch = j === 0 ? prev : rev[i]!;
      const sk = skipCh.pop()!;
      const x = g.input(`h${i}_${j}`, 'float32', [N, ch, hh, ww]);
      const y = g.input(`s${i}_${j}`, 'float32', [N, sk, hh, ww]);
      const r = freeuStage(o, x, y, { channels: ch, b, s: sc, v2 });
      g.output(r.h, `oh${i}_${j}`, 'float32', [N, ch, hh, ww]);
      g.output(r.hs, `os${i}_${j}`, 'float32', [N, sk, hh, ww]);
      feeds[`h${i}_${j}`] = new ort.Tensor(
        'float32',
        Float32Array.from({ length: N * ch * hh * ww }, (_, k) => Math.sin(k)),
        [N, ch, hh, ww],
      );
      feeds[`s${i}_${j}`] = new ort.Tensor(
        'float32',
        Float32Array.from({ length: N * sk * hh * ww }, (_, k) => Math.cos(k)),
        [N, sk, hh, ww],
      );
    }
    prev = rev[i]!;
  }
  const session = await ort.InferenceSession.create(g.serialize(), sessionOptions(device, threads));
  await session.run(feeds);
  let best = Infinity;
  for (let k = 0; k < 10; k++) {
    const t0 = performance.now();
    await session.run(feeds);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  await session.release();
  return best;
}
