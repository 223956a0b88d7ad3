// Top ops from onnxruntime's profiling trace: kernel events summed per op type, largest first.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { profileRun, topOps } from '../../bench/profile.js';
import { GraphBuilder } from '../../models/onnx/graph.js';

const node = (op: string, name: string, dur: number) => ({ cat: 'Node', name, dur, args: { op_name: op } });

describe('topOps', () => {
  it('sums kernel times per op, ignores fences and sessions, sorts and cuts', () => {
    const ops = topOps(
      [
        node('MatMul', 'a_kernel_time', 300),
        node('MatMul', 'a_fence_before', 999),
        node('Conv', 'b_kernel_time', 500),
        node('MatMul', 'c_kernel_time', 300),
        node('Relu', 'd_kernel_time', 100),
        { cat: 'Session', name: 'model_run', dur: 5000 },
      ],
      2,
    );
    expect(ops).toEqual([
      { op: 'MatMul', ms: 0.6, share: 0.5, calls: 2 },
      { op: 'Conv', ms: 0.5, share: 500 / 1200, calls: 1 },
    ]);
  });

  it('profiles a real run on the cpu and removes the profile file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 't2v-profile-'));
    try {
      const g = new GraphBuilder({ name: 'p' });
      const a = g.input('a', 'float32', [32, 32]);
      g.output(g.node('Relu', [g.node('MatMul', [a, a])]), 'c', 'float32', [32, 32]);
      await writeFile(join(dir, 'm.onnx'), g.serialize());
      const ops = await profileRun(join(dir, 'm.onnx'), { executionProviders: ['cpu'] }, { a: new ort.Tensor('float32', new Float32Array(1024).fill(0.5), [32, 32]) });
      expect(ops.map((o) => o.op).sort()).toEqual(['MatMul', 'Relu']);
      expect(await readdir(dir)).toEqual(['m.onnx']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
