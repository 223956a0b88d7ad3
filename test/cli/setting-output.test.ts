// The stored metadata and the --json summary come from the declarations: every field once, in the formats' order.
import { describe, expect, it } from 'vitest';
import { fromFlags, layer } from '../../cli/config.js';
import { metadataOf, summary, toRequest, type Outcome } from '../../cli/run-generation.js';
import { REPORTED_SETTINGS, REQUEST_SETTINGS, STORED_SETTINGS } from '../../cli/setting-output.js';
import { checkGiven, completeSettings } from '../../cli/settings.js';
import type { GenerateResult } from '../../core/pipeline/types.js';
import { parseMetadata, serializeMetadata } from '../../video/metadata.js';
import { TINY_DEFAULTS } from './fakes.js';

const NO_CONFIG = { XDG_CONFIG_HOME: '/nonexistent-t2v-test' };
const settings = completeSettings(checkGiven(layer(fromFlags({ negativePrompt: 'dark', b1: '1.1', deepCache: '2', threads: '2' }), NO_CONFIG), 'a red circle'), TINY_DEFAULTS, () => 7n);
const result: GenerateResult = {
  rgb: new Uint8Array(0),
  frames01: new Float32Array(0),
  frames: settings.frames,
  width: settings.width,
  height: settings.height,
  seed: 7n,
  device: 'cpu',
  precision: 'fp32',
  timings: { loadSeconds: 0, sampleSeconds: 0, decodeSeconds: 0 },
  unetCalls: { full: 2, shallow: 1, guided: 3 },
  modelId: 'tiny',
};
const outcome: Outcome = {
  written: { path: '/o/a.gif', files: ['/o/a.gif'], format: 'gif', width: result.width, height: result.height, frames: result.frames, fps: settings.fps, metadata: metadataOf(settings, result) },
  results: [result],
  timings: { loadSeconds: 0, sampleSeconds: 0, decodeSeconds: 0, encodeSeconds: 0, totalSeconds: 0 },
};

describe('what a run leaves of its settings', () => {
  it('asks the engine for one video with every request field, and no more', () => {
    expect(toRequest(settings, 3)).toStrictEqual({
      prompt: 'a red circle',
      negativePrompt: 'dark',
      seed: 7n,
      steps: settings.steps,
      guidanceScale: settings.guidanceScale,
      frames: settings.frames,
      width: settings.width,
      height: settings.height,
      scheduler: settings.scheduler,
      eta: 0,
      freeu: settings.freeu,
      previewEvery: 3,
      deepCache: settings.deepCache,
      guidanceInterval: null,
    });
    // no negative prompt: the field is absent, not undefined; no preview: none asked
    const { negativePrompt: _, ...plain } = settings;
    const request = toRequest(plain);
    expect('negativePrompt' in request || 'previewEvery' in request).toBe(false);
    const keys = REQUEST_SETTINGS.flatMap((d) => Object.keys(d.request!(settings)));
    expect(keys.length).toBe(new Set(keys).size);
  });

  it('stores every metadata field, in the order files have always had, and reads back', () => {
    const meta = metadataOf(settings, result);
    expect(Object.keys(meta)).toEqual([
      't2v',
      'prompt',
      'negativePrompt',
      'seed',
      'steps',
      'guidance',
      'scheduler',
      'eta',
      'frames',
      'fps',
      'width',
      'height',
      'model',
      'freeu',
      'sampling',
      'device',
      'precision',
    ]);
    expect(parseMetadata(serializeMetadata(meta))).toEqual(meta);
    expect(meta).toMatchObject({ negativePrompt: 'dark', seed: '7', model: { id: 'tiny', revision: '' }, freeu: { enabled: true, b1: 1.1 }, sampling: { deepCache: { interval: 2 } } });
  });

  it('reports them in the order --json has always had', () => {
    const json = summary(settings, outcome, { extra: 1 });
    expect(Object.keys(json)).toEqual([
      'output',
      'files',
      'format',
      'seed',
      'seedDrawn',
      'prompt',
      'negativePrompt',
      'model',
      'steps',
      'guidance',
      'scheduler',
      'eta',
      'frames',
      'fps',
      'width',
      'height',
      'freeu',
      'sampling',
      'unetCalls',
      'device',
      'deviceRequested',
      'precision',
      'threads',
      'timings',
      'extra',
    ]);
    expect(json).toMatchObject({ seed: '7', seedDrawn: true, negativePrompt: 'dark', model: { id: 'tiny', revision: null }, unetCalls: result.unetCalls, deviceRequested: 'auto', threads: 2 });
  });

  it('the generated size is what is stored and reported', () => {
    const r = { ...result, width: settings.width + 8 };
    expect(metadataOf(settings, r).width).toBe(settings.width + 8);
    expect(summary(settings, { ...outcome, results: [r] }).width).toBe(settings.width + 8);
    // no panel ran: the settings
    expect(summary(settings, { ...outcome, results: [] })).toMatchObject({ width: settings.width, seed: '7', device: null, precision: null });
  });

  it('each field comes from one declaration, and every stored one is reported', () => {
    const keys = STORED_SETTINGS.map((d) => Object.keys(d.stored!(settings, result)));
    expect(keys.flat().length).toBe(new Set(keys.flat()).size);
    const reported = REPORTED_SETTINGS.map((d) => Object.keys(d.reported(settings, result)));
    expect(reported.flat().length).toBe(new Set(reported.flat()).size);
    for (const d of STORED_SETTINGS) expect(REPORTED_SETTINGS).toContain(d);
    expect(REPORTED_SETTINGS.filter((d) => !d.stored).length).toBe(REPORTED_SETTINGS.length - STORED_SETTINGS.length);
  });
});
