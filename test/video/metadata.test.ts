// Stored metadata: JSON round trip and validation, the `t2v info` text, and the reproducing command line.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { describeMetadata } from '../../cli/describe.js';
import { parseMetadata, serializeMetadata, type GenerationMetadata } from '../../video/metadata.js';
import { reproduceCommand, shellQuote } from '../../cli/reproduce.js';
import { sampleMetadata } from './helpers/fixtures.js';

describe('serializeMetadata / parseMetadata', () => {
  it.each([
    ['utf-8', false],
    ['ascii', true],
  ])('round-trips (%s)', (_name, ascii) => {
    const meta = sampleMetadata({ padded: { from: [33, 17], to: [34, 18] }, composite: { layout: 'side-by-side', rows: [], columns: ['FreeU off', 'FreeU on'] } });
    const json = serializeMetadata(meta, ascii);
    expect(json).not.toContain('\n');
    if (ascii) expect(json).toMatch(/^[\x20-\x7e]*$/);
    expect(parseMetadata(json)).toEqual(meta);
  });

  const broken = (edit: (m: Record<string, unknown>) => void): string => {
    const m = JSON.parse(JSON.stringify(sampleMetadata())) as Record<string, unknown>;
    edit(m);
    return JSON.stringify(m);
  };

  it.each([
    ['not JSON', '{oops', /not valid JSON/],
    ['not ours', '{"title":"holiday"}', /not t2v metadata/],
    ['seed missing', broken((m) => delete m.seed), /field seed/],
    ['numeric seed', broken((m) => (m.seed = 1234)), /field seed should be a decimal string, 0 \.\. 2\^64-1/],
    ['seed of 2^64', broken((m) => (m.seed = '18446744073709551616')), /field seed/],
    ['negative seed', broken((m) => (m.seed = '-1')), /field seed/],
    ['bad scheduler', broken((m) => (m.scheduler = 'pndm')), /field scheduler should be ddim\|dpmpp2m\|euler/],
    ['freeu version 3', broken((m) => ((m.freeu as Record<string, unknown>).version = 3)), /field freeu.version/],
    ['model id missing', broken((m) => (m.model = {})), /field model.id/],
    ['bad padded', broken((m) => (m.padded = { from: [1], to: [2, 2] })), /field padded.from/],
    ['an unknown precision', broken((m) => (m.precision = 'fp8')), /field precision should be fp32\|fp16/],
    [
      'bad DeepCache',
      broken((m) => (m.sampling = { fast: false, deepCache: { interval: 0, branch: 0, schedule: 'uniform' }, guidanceInterval: null })),
      /field sampling.deepCache should be null or \{interval, branch, schedule, lastFull\?\}/,
    ],
    [
      'bad DeepCache last-full count',
      broken((m) => (m.sampling = { fast: false, deepCache: { interval: 3, branch: 0, schedule: 'uniform', lastFull: -2 }, guidanceInterval: null })),
      /field sampling.deepCache should be null/,
    ],
    ['bad guidance interval', broken((m) => (m.sampling = { fast: false, deepCache: null, guidanceInterval: [0.5, 0.2] })), /field sampling.guidanceInterval/],
  ])('rejects %s with a one-line error naming the file', (_name, json, err) => {
    let message = '';
    try {
      parseMetadata(json, 'clip.mp4');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(err);
    expect(message.startsWith('clip.mp4: ')).toBe(true);
    expect(message).not.toContain('\n');
  });

  it('keeps 64-bit seeds exact', () => {
    const meta = sampleMetadata({ seed: '18446744073709551615' });
    expect(parseMetadata(serializeMetadata(meta)).seed).toBe('18446744073709551615');
  });

  it('keeps unknown fields from newer versions', () => {
    expect(parseMetadata(broken((m) => (m.future = 1)))).toMatchObject({ future: 1 });
  });
});

describe('describeMetadata', () => {
  it('lists every parameter, one per line', () => {
    const text = describeMetadata(sampleMetadata({ padded: { from: [33, 17], to: [34, 18] } }));
    expect(text.split('\n')).toEqual([
      'prompt:          an astronaut riding a horse, "4k"; café ☃',
      'negative prompt: blurry, low quality',
      'model:           ali-vilab/text-to-video-ms-1.7b @ 8227dddca75a8561bf858d604cc5dae52b954d01',
      'seed:            1234',
      'steps:           25 (dpmpp2m)',
      'guidance:        9',
      'frames:          10 at 8 fps (1.25 s)',
      'size:            64x48',
      'FreeU:           on (v2 b1=1.2 b2=1.4 s1=0.9 s2=0.2, active 0..1)',
      'device:          cpu, fp32',
      't2v:             0.1.0',
      'padded:          33x17 -> 34x18 (last column/row repeated; H.264 yuv420p needs even sides)',
    ]);
  });

  it.each([
    ['FreeU off, no negative prompt', sampleMetadata({ negativePrompt: '', freeu: { ...sampleMetadata().freeu, enabled: false } }), ['negative prompt: (none)', 'FreeU:           off']],
    ['newline in prompt', sampleMetadata({ prompt: 'a\nb' }), ['prompt:          a\\nb']],
    ['model folder without revision', sampleMetadata({ model: { id: '/models/t2v', revision: '' } }), ['model:           /models/t2v']],
    [
      'grid',
      sampleMetadata({ composite: { layout: 'grid', rows: ['b1=1.1', 'b1=1.3'], columns: ['s1=0.6', 's1=0.9'] } }),
      ["layout:          grid; rows: b1=1.1 | b1=1.3; columns: s1=0.6 | s1=0.9 (the parameters above are one panel's)"],
    ],
  ])('%s', (_name, meta, lines) => {
    const text = describeMetadata(meta).split('\n');
    for (const line of lines) expect(text).toContain(line);
  });
});

describe('shellQuote', () => {
  it.each([
    ['plain', 'plain'],
    ['a/b.mp4', 'a/b.mp4'],
    ['', "''"],
    ['two words', "'two words'"],
    ["it's", "'it'\\''s'"],
    ['$HOME `x` "q"', '\'$HOME `x` "q"\''],
  ])('%j -> %s', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });
});

describe('reproduceCommand', () => {
  /** Splits a command line the way sh does (runs the real shell: proves the quoting). */
  const shellWords = (line: string): string[] => {
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${line.replace(/^t2v /, '')}`]);
    return out.toString('utf8').split('\0').slice(0, -1);
  };

  it('spells out every parameter', () => {
    expect(reproduceCommand(sampleMetadata(), { output: 'out dir/clip.mp4' })).toBe(
      "t2v 'an astronaut riding a horse, \"4k\"; café ☃' --negative-prompt 'blurry, low quality'" +
        ' --model ali-vilab/text-to-video-ms-1.7b --revision 8227dddca75a8561bf858d604cc5dae52b954d01' +
        ' --seed 1234 --steps 25 --guidance 9 --scheduler dpmpp2m --eta 0 --frames 10 --fps 8 --width 64 --height 48' +
        ' --freeu --freeu-version 2 --b1 1.2 --b2 1.4 --s1 0.9 --s2 0.2 --freeu-start 0 --freeu-end 1 --device cpu' +
        " --precision fp32 -o 'out dir/clip.mp4'",
    );
  });

  it.each<[string, GenerationMetadata, string[], string[]]>([
    ['FreeU off omits FreeU flags', sampleMetadata({ freeu: { ...sampleMetadata().freeu, enabled: false } }), [], ['--freeu', '--b1']],
    ['empty negative prompt is still spelled out', sampleMetadata({ negativePrompt: '' }), ['--negative-prompt', ''], []],
    ['model folder: no --revision', sampleMetadata({ model: { id: '/models/my t2v', revision: '' } }), ['/models/my t2v'], ['--revision']],
    ['prompt starting with a dash', sampleMetadata({ prompt: '-weird' }), ['--prompt', '-weird'], []],
    [
      'DeepCache and the guidance interval spelled out',
      sampleMetadata({ sampling: { fast: true, deepCache: { interval: 3, branch: 1, schedule: 'non-uniform' }, guidanceInterval: [0, 0.5] } }),
      ['--deep-cache', '3', '--deep-cache-branch', '1', '--deep-cache-schedule', 'non-uniform', '--deep-cache-last-full', '0', '--guidance-interval', '0,0.5'],
      ['--fast'],
    ],
    [
      'the last full steps spelled out',
      sampleMetadata({ sampling: { fast: true, deepCache: { interval: 3, branch: 0, schedule: 'uniform', lastFull: 3 }, guidanceInterval: null } }),
      ['--deep-cache-schedule', 'uniform', '--deep-cache-last-full', '3', '--guidance-interval', '0,1'],
      ['--fast'],
    ],
    [
      'sampling off is spelled out as off',
      sampleMetadata({ sampling: { fast: false, deepCache: null, guidanceInterval: null } }),
      ['--deep-cache', '1', '--guidance-interval', '0,1'],
      ['--deep-cache-branch'],
    ],
    ['files from before: no sampling flags', sampleMetadata(), [], ['--deep-cache', '--guidance-interval']],
    ['the stored precision (files from before --precision ran fp32)', sampleMetadata({ device: 'webgpu', precision: 'fp16' }), ['--device', 'webgpu', '--precision', 'fp16'], ['fp32']],
    ['quotes, $ and newlines survive the shell', sampleMetadata({ prompt: `it's $5 "now"\nand \`then\`` }), [`it's $5 "now"\nand \`then\``], []],
  ])('%s', (_name, meta, present, absent) => {
    const words = shellWords(reproduceCommand(meta));
    for (const w of present) expect(words).toContain(w);
    for (const w of absent) expect(words).not.toContain(w);
    expect(words[words.indexOf('--seed') + 1]).toBe('1234');
  });
});

describe('reproduceCommand: composites and the short form', () => {
  const defaults = { steps: 25, guidanceScale: 9, scheduler: 'ddim', frames: 16, fps: 8, width: 64, height: 48, freeu: { b1: 1.2, b2: 1.4, s1: 1, s2: 1 } };
  const sweep = sampleMetadata({
    composite: {
      layout: 'grid',
      rows: ['b1 1', 'b1 1.1'],
      columns: ['s1 1', 's1 0.5'],
      command: ['sweep', '--freeu-version', '1', '--freeu-start', '0', '--freeu-end', '1', '--b1', '1,1.1', '--b2', '1.4', '--s1', '1,0.5', '--s2', '1'],
    },
  });
  it.each<[string, GenerationMetadata, { defaults?: typeof defaults }, string]>([
    [
      'a sweep remakes the whole grid',
      sweep,
      {},
      "t2v sweep 'an astronaut riding a horse, \"4k\"; café ☃' --negative-prompt 'blurry, low quality' --model ali-vilab/text-to-video-ms-1.7b --revision 8227dddca75a8561bf858d604cc5dae52b954d01 --seed 1234 --steps 25 --guidance 9 --scheduler dpmpp2m --eta 0 --frames 10 --fps 8 --width 64 --height 48 --freeu-version 1 --freeu-start 0 --freeu-end 1 --b1 1,1.1 --b2 1.4 --s1 1,0.5 --s2 1 --device cpu --precision fp32",
    ],
    [
      'short: only what differs from the model and FreeU defaults',
      sweep,
      { defaults },
      "t2v sweep 'an astronaut riding a horse, \"4k\"; café ☃' --negative-prompt 'blurry, low quality' --model ali-vilab/text-to-video-ms-1.7b --revision 8227dddca75a8561bf858d604cc5dae52b954d01 --seed 1234 --scheduler dpmpp2m --frames 10 --b1 1,1.1 --s1 1,0.5",
    ],
    [
      'short single video, default model, FreeU v2',
      sampleMetadata({ negativePrompt: '', model: { id: 'default', revision: '' } }),
      { defaults },
      't2v \'an astronaut riding a horse, "4k"; café ☃\' --seed 1234 --scheduler dpmpp2m --frames 10 --freeu --freeu-version 2 --s1 0.9 --s2 0.2',
    ],
    [
      'short, FreeU off',
      sampleMetadata({ negativePrompt: '', model: { id: 'default', revision: '' }, freeu: { ...sampleMetadata().freeu, enabled: false } }),
      { defaults },
      't2v \'an astronaut riding a horse, "4k"; café ☃\' --seed 1234 --scheduler dpmpp2m --frames 10',
    ],
  ])('%s', (_name, meta, options, want) => expect(reproduceCommand(meta, options)).toBe(want));
});
