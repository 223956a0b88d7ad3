// `unet3d` reference cases: UNet3DConditionModel(sample, timestep, encoder_hidden_states).sample, FreeU off or on (diffusers v1).
import { join } from 'node:path';
import { T2vError } from '../../errors.js';
import { FREEU_OFF, type FreeUStep } from '../../freeu/types.js';
import { loadUnet3d } from '../../runtime/unet3d.js';
import { compare } from '../metrics.js';
import type { VerifyKind, VerifyRun } from '../types.js';

interface Unet3dRun {
  readonly key: string;
  readonly timestep: number | number[];
  readonly freeu: FreeUStep;
}

function parseRuns(caseJson: Readonly<Record<string, unknown>>, dir: string): Unet3dRun[] {
  const runs = caseJson.runs;
  if (!Array.isArray(runs)) throw new T2vError(`${dir}/case.json: "runs" must be a list of {key, timestep, freeu}`);
  return runs.map((r: unknown, i) => {
    const o = (r ?? {}) as Record<string, unknown>;
    const t = o.timestep;
    const okT = typeof t === 'number' || (Array.isArray(t) && t.every((x) => typeof x === 'number'));
    if (typeof o.key !== 'string' || !okT) throw new T2vError(`${dir}/case.json: runs[${i}] must be {key, timestep, freeu}`);
    let freeu = FREEU_OFF;
    if (o.freeu !== null && o.freeu !== undefined) {
      const f = o.freeu as Record<string, unknown>;
      const num = (k: string): number => {
        if (typeof f[k] !== 'number') throw new T2vError(`${dir}/case.json: runs[${i}].freeu.${k} must be a number`);
        return f[k] as number;
      };
      freeu = { b1: num('b1'), b2: num('b2'), s1: num('s1'), s2: num('s2'), version: f.version === 2 ? 2 : 1 };
    }
    return { key: o.key, timestep: t as number | number[], freeu };
  });
}

export const verifyUnet3d: VerifyKind = async ({ dir, caseJson, tensors, device, precision, bounds }) => {
  const sampleDims = tensors.info('sample').shape;
  const ehsDims = tensors.info('encoder_hidden_states').shape;
  if (sampleDims.length !== 5 || ehsDims.length !== 3) throw new T2vError(`${dir}: sample must be (B, C, F, H, W) and encoder_hidden_states (B, L, D)`);
  const sample = await tensors.readFloat32('sample');
  const ehs = await tensors.readFloat32('encoder_hidden_states');
  const unet = await loadUnet3d(join(dir, 'unet'), { device, precision });
  const out: VerifyRun[] = [];
  try {
    for (const run of parseRuns(caseJson, dir)) {
      const got = await unet.run({
        sample,
        sampleDims: sampleDims as [number, number, number, number, number],
        timestep: run.timestep,
        encoderHiddenStates: ehs,
        ehsDims: ehsDims as [number, number, number],
        freeu: run.freeu,
      });
      out.push(compare(run.key, 'relative', got, await tensors.readFloat32(run.key), bounds.network));
    }
  } finally {
    await unet.release();
  }
  return out;
};
