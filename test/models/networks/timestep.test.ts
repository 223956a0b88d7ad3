// The host-side timestep projection against torch's get_timestep_embedding (diffusers models/embeddings.py, float32 CPU).
import { describe, expect, it } from 'vitest';
import { timestepProjection } from '../../../models/networks/timestep.js';

// torch 2.11: get_timestep_embedding(torch.tensor([981., 1., 999.5]), 16, flip_sin_to_cos=True, downscale_freq_shift=0)
const TORCH = [
  [
    0.679957211, -0.697960079, -0.757958531, 0.923386931, -0.926715195, -0.999223948, 0.556191802, 0.952266574, 0.73325181, 0.716136694, -0.652302742, -0.383870602, -0.37576443, 0.0393891074,
    0.831053972, 0.305267662,
  ],
  [
    0.540302336, 0.950415313, 0.995004177, 0.999500036, 0.999949992, 0.999994993, 0.999999523, 0.99999994, 0.841470957, 0.310983598, 0.099833414, 0.0316175036, 0.00999983307, 0.00316227134,
    0.000999999815, 0.000316227815,
  ],
  [
    0.889961243, -0.333090574, 0.835931778, 0.981807768, -0.841781199, -0.99981755, 0.540723026, 0.950464427, 0.45603618, 0.942894816, -0.54883337, 0.189877704, -0.539818883, -0.0191017371,
    0.84120065, 0.310833365,
  ],
];

describe('timestepProjection', () => {
  it.each([
    [0, 981],
    [1, 1],
    [2, 999.5],
  ])('row %i (t = %d) matches torch within 2 float32 ulps', (row, t) => {
    const got = timestepProjection([t], 1, 16);
    TORCH[row]!.forEach((v, i) => expect(Math.abs(got[i]! - v), `entry ${i}`).toBeLessThanOrEqual(2.4e-7));
  });

  it('repeats one timestep over the batch and takes one per sample', () => {
    const one = timestepProjection([981], 2, 16);
    expect(Array.from(one.subarray(16))).toEqual(Array.from(one.subarray(0, 16)));
    const per = timestepProjection([981, 1], 2, 16);
    expect(Array.from(per.subarray(16))).toEqual(Array.from(timestepProjection([1], 1, 16)));
  });

  it.each([
    [[1, 2, 3], 2, 16, /3 timesteps for a batch of 2/],
    [[1], 1, 15, /width 15 is odd/],
  ] as const)('refuses %j for batch %i, width %i', (ts, batch, dim, why) => {
    expect(() => timestepProjection(ts, batch, dim)).toThrow(why);
  });
});
