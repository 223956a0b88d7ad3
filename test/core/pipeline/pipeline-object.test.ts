import { describe, expect, it } from 'vitest';
import { loadPipeline, type SessionPolicy } from '../../../core/pipeline/pipeline.js';
import type { GenerateRequest } from '../../../core/pipeline/types.js';
import { golden } from '../../helpers.js';

const MODEL = golden('pipeline-tiny', 'model');
const REQUEST: GenerateRequest = { prompt: 'a red circle', seed: 7n, steps: 2, guidanceScale: 6, frames: 2, width: 32, height: 32, scheduler: 'ddim', freeu: null };
const FREEU = { b1: 1.3, b2: 1.4, s1: 0.9, s2: 0.2, version: 1 as const, start: 0, end: 1 };

async function threeVideos(sessions: SessionPolicy) {
  const pipe = await loadPipeline(MODEL, { device: 'cpu', threads: 1, sessions });
  try {
    const videos = [];
    for (const freeu of [null, FREEU, null]) videos.push(await pipe.generate({ ...REQUEST, freeu }));
    return { videos, created: { ...pipe.stats.sessionsCreated } };
  } finally {
    await pipe.release();
  }
}

describe('loadPipeline: one model, many videos', () => {
  it('sessions keep: each network once over three videos; per-phase: once per video; the same frames', async () => {
    const keep = await threeVideos('keep');
    const perPhase = await threeVideos('per-phase');
    expect(keep.created).toEqual({ text_encoder: 1, unet: 1, vae: 1 });
    expect(perPhase.created).toEqual({ text_encoder: 3, unet: 3, vae: 3 });
    keep.videos.forEach((v, i) => expect(v.frames01).toEqual(perPhase.videos[i]!.frames01));
    expect(keep.videos[0]!.rgb).toEqual(keep.videos[2]!.rgb); // same request, same video, on a reused session
    expect(keep.videos[0]!.rgb).not.toEqual(keep.videos[1]!.rgb); // FreeU changes it
  });

  it('parses configs once at load and exposes the defaults', async () => {
    const pipe = await loadPipeline(MODEL, { device: 'cpu' });
    expect(pipe.configs.vaeConfig.scaleFactor).toBeGreaterThan(0);
    expect(pipe.defaults.width).toBe((pipe.configs.unetConfig.sampleSize ?? 32) * pipe.configs.vaeConfig.scaleFactor);
    expect(pipe.stats.sessionsCreated).toEqual({ text_encoder: 0, unet: 0, vae: 0 }); // nothing opens before a generation
  });

  it('a bad request fails before any session opens', async () => {
    const pipe = await loadPipeline(MODEL, { device: 'cpu', sessions: 'keep' });
    await expect(pipe.generate({ ...REQUEST, width: 33 })).rejects.toThrow(/^width 33: must be a multiple of/);
    expect(pipe.stats.sessionsCreated).toEqual({ text_encoder: 0, unet: 0, vae: 0 });
  });
});

describe('loadPipeline: DeepCache and the guidance interval through generate', () => {
  it('interval 1 is the plain run bit for bit; interval 2 runs the shallow graph on every other step; a bad branch fails first', async () => {
    const pipe = await loadPipeline(MODEL, { device: 'cpu', threads: 1, sessions: 'keep' });
    try {
      const req = { ...REQUEST, steps: 4 };
      const plain = await pipe.generate(req);
      const off = await pipe.generate({ ...req, deepCache: { interval: 1, branch: 0, schedule: 'uniform' } });
      expect(off.frames01).toEqual(plain.frames01);
      expect(off.unetCalls).toEqual({ full: 4, shallow: 0, guided: 4 });
      const cached = await pipe.generate({ ...req, deepCache: { interval: 2, branch: 0, schedule: 'uniform' }, guidanceInterval: [0, 0.5] });
      expect(cached.unetCalls).toEqual({ full: 2, shallow: 2, guided: 2 });
      expect(cached.frames01).not.toEqual(plain.frames01);
      expect(pipe.stats.sessionsCreated.unet).toBe(2); // the plain graph and the DeepCache pair
      await expect(pipe.generate({ ...req, deepCache: { interval: 2, branch: 2, schedule: 'uniform' } })).rejects.toThrow(
        /^deepCache.branch 2: this U-Net's up_blocks\[-1\] has 2 skips; expected 0..1/,
      );
    } finally {
      await pipe.release();
    }
  });
});
