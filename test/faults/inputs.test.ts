// Fault rows: hostile or careless input refused before the engine loads, damaged weights, forged metadata.
import { mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envFor, lastLine, listing, modelCopy, scratch, SMALL, t2v } from './harness.js';

const warm = scratch('warm');

interface UsageRow {
  readonly name: string;
  readonly args: readonly string[];
  readonly code: number;
  readonly message: RegExp;
  /** A config.json for the run. */
  readonly config?: Record<string, unknown>;
}

const longPrompt = 'a red circle moving left '.repeat(1160); // 29,000 characters
const ROWS: readonly UsageRow[] = [
  {
    name: 'a 29,000-character prompt',
    args: [longPrompt],
    code: 2,
    message: /^t2v: the prompt is 29000 characters; at most 4000 are taken \(the text encoder reads only the first 77 tokens\); shorten it$/,
  },
  { name: 'a 29,000-character negative prompt', args: ['a cat', '-n', longPrompt], code: 2, message: /^t2v: the negative prompt is 29000 characters; at most 4000 are taken/ },
  { name: '--threads 1024', args: ['a cat', '--threads', '1024'], code: 2, message: new RegExp(`^t2v: --threads 1024: invalid value; use a whole number from 1 to ${availableParallelism()}$`) },
  {
    name: '--steps 5000',
    args: ['a cat', '--steps', '5000'],
    code: 2,
    message: /^t2v: --steps 5000: this model has 1000 train timesteps \(its scheduler's num_train_timesteps\), so at most 1000 steps$/,
  },
  { name: 'config.json steps 5000 is named as the config key', args: ['a cat'], config: { steps: 5000 }, code: 2, message: /^t2v: \S+config\.json "steps" 5000: this model has 1000 train timesteps/ },
  { name: 'config.json width 33 is named as the config key', args: ['a cat'], config: { width: 33 }, code: 2, message: /^t2v: \S+config\.json "width" 33: must be a multiple of 2 / },
  { name: '--guidance 1e6', args: ['a cat', '--guidance', '1e6'], code: 2, message: /^t2v: --guidance 1e6: invalid value; use a number >= 1 and <= 100$/ },
  {
    name: 'a GIF at 60 fps',
    args: ['a cat', '--fps', '60', '-o', '@/a.gif'],
    code: 2,
    message: /^t2v: --fps 60: a GIF stores frame delays in 1\/100 s .* use --fps 50 or less for \.gif, or write \.mp4 or \.webm$/,
  },
  {
    name: 'a dangling symlink -o',
    args: ['a cat', '-o', '@/link.mp4'],
    code: 1,
    message: /^t2v: \S+\/link\.mp4 is a symbolic link to \/nonexistent-target\.mp4, which does not exist; remove the link, choose another -o, or pass --overwrite to replace it$/,
  },
  {
    name: '2048x2048 x 1024 frames',
    args: ['a cat', '-W', '2048', '-H', '2048', '--frames', '1024'],
    code: 1,
    message:
      /^t2v: 2048x2048, 1024 frames needs about [\d.]+ GiB of memory, over the [\d.]+ GiB of (the memory of this machine|the cgroup limit \(.*\)); lower -W\/-H or --frames, or pass --max-memory to set the limit \(0 turns the check off\)$/,
  },
  { name: '--max-memory below the estimate', args: ['a cat', '--max-memory', '100M'], code: 1, message: /^t2v: 32x32, 4 frames needs about 0\.\d GiB of memory, over the 0\.1 GiB of --max-memory;/ },
];

const FLAG_OF: Readonly<Record<string, string>> = { steps: '--steps', width: '-W' };

describe('refused in one line before any generation work', () => {
  it.each(ROWS)('$name', (row) => {
    const out = scratch('out');
    symlinkSync('/nonexistent-target.mp4', join(out, 'link.mp4'));
    const home = scratch('home');
    if (row.config) {
      mkdirSync(join(home, 't2v'));
      writeFileSync(join(home, 't2v', 'config.json'), JSON.stringify(row.config));
    }
    const args = row.args.map((a) => a.replace(/^@/, out));
    // the row's flags come last and win; a config row leaves out the flags that would override its file
    const given = Object.keys(row.config ?? {}).map((k) => FLAG_OF[k]);
    const small = SMALL.filter((_a, i) => !given.includes(SMALL[i - (i % 2)]));
    const r = t2v([...small, ...args, ...(args.includes('-o') ? [] : ['-o', join(out, 'a.mp4')])], { ...envFor(warm), ...(row.config ? { XDG_CONFIG_HOME: home } : {}) });
    expect(r.stderr).not.toMatch(/step \d+\//);
    expect(lastLine(r.stderr)).toMatch(row.message);
    expect(r.code).toBe(row.code);
    expect(listing(out)).toEqual(['link.mp4']);
  });

  it('an argv of 40,000 characters runs (onnxruntime used to overflow its stack on it: exit 139)', () => {
    const out = scratch('out');
    const padding = Array.from({ length: 2000 }, () => ['--steps', '2']).flat(); // twice: 36,000 characters of repeated flags
    const r = t2v(['a red circle', ...padding, ...padding, ...SMALL, '-q', '-o', join(out, 'a.mp4')], envFor(warm));
    expect(r.signal).toBe(null);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(listing(out)).toEqual(['a.mp4']);
  });
});

/** The tiny U-Net's safetensors with its header rewritten by `edit` (data left as is, or replaced by `data`). */
function damagedWeights(edit: (header: Record<string, unknown>) => void, lengthOverride?: bigint): string {
  const model = modelCopy(scratch('model'));
  const file = join(model, 'unet', 'diffusion_pytorch_model.safetensors');
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  edit(header);
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lengthOverride ?? BigInt(json.length));
  writeFileSync(file, Buffer.concat([len, json, bytes.subarray(8 + n)]));
  return model;
}

const tensorNames = (h: Record<string, unknown>): string[] =>
  Object.keys(h)
    .filter((k) => k !== '__metadata__')
    .sort();
type Entry = { data_offsets: [number, number]; shape: unknown };

const WEIGHTS: ReadonlyArray<{ name: string; model: () => string; why: RegExp }> = [
  {
    name: 'overlapping data_offsets (two tensors share bytes)',
    model: () =>
      damagedWeights((h) => {
        const [a, b] = tensorNames(h)
          .map((k) => h[k] as Entry)
          .filter((e) => e.data_offsets[1] - e.data_offsets[0] === 64);
        if (!a || !b) throw new Error('fixture: no two 64-byte tensors');
        b.data_offsets = [...a.data_offsets];
      }),
    why: /tensor \S+ overlaps the tensor before it|there are \d+ unused bytes before tensor/,
  },
  {
    name: 'a null entry',
    model: () =>
      damagedWeights((h) => {
        h[tensorNames(h)[0]!] = null;
      }),
    why: /tensor \S+ is null, not an object with dtype, shape and data_offsets/,
  },
  {
    name: 'a string shape',
    model: () =>
      damagedWeights((h) => {
        (h[tensorNames(h)[0]!] as Entry).shape = '320';
      }),
    why: /tensor \S+ has shape "320", not a list of whole numbers/,
  },
  { name: 'a huge header length', model: () => damagedWeights(() => undefined, 1n << 60n), why: /header length 1152921504606846976 is over the 104857600-byte limit of the safetensors format/ },
];

describe('damaged safetensors are refused in one line', () => {
  it.each(WEIGHTS)('$name', ({ model, why }) => {
    const dir = model();
    const cache = scratch('cache');
    const out = scratch('out');
    const r = t2v(['a red circle', ...SMALL, '--model', dir, '-o', join(out, 'a.mp4')], envFor(cache));
    expect(lastLine(r.stderr)).toMatch(new RegExp(`^t2v: \\S+/unet/diffusion_pytorch_model\\.safetensors is not a valid safetensors file: ${why.source}; re-download or re-save it$`));
    expect(r.code).toBe(1);
    expect(listing(out)).toEqual([]);
    expect(listing(cache).filter((p) => p.startsWith('unet3d'))).toEqual([]);
  });
});

describe('numbers that are not numbers', () => {
  it('a config value of Infinity is reported as Infinity, not null', () => {
    const dir = modelCopy(scratch('model'));
    const cfg = join(dir, 'unet', 'config.json');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(/"norm_eps": [^,\n]+/, '"norm_eps": Infinity'));
    const r = t2v(['a red circle', ...SMALL, '--model', dir, '-o', join(scratch('out'), 'a.mp4')], envFor(scratch('cache')));
    expect(lastLine(r.stderr)).toMatch(/^t2v: \S+\/unet\/config\.json: norm_eps is Infinity, expected a number; t2v cannot build this model$/);
    expect(r.code).toBe(1);
  });

  it('NaN latents stop the run with one line instead of writing a black video', () => {
    const dir = damagedWeightsNaN();
    const out = scratch('out');
    const r = t2v(['a red circle', ...SMALL, '--model', dir, '-o', join(out, 'a.mp4')], envFor(scratch('cache')));
    expect(lastLine(r.stderr)).toMatch(/^t2v: the latents hold NaN after step 1 of 2 \(guidance 9\); the model's weights may be damaged, or try a lower --guidance or --device cpu$/);
    expect(r.code).toBe(1);
    expect(listing(out)).toEqual([]);
  });
});

/** The tiny U-Net with its conv_out bias set to NaN. */
function damagedWeightsNaN(): string {
  const model = modelCopy(scratch('model'));
  const file = join(model, 'unet', 'diffusion_pytorch_model.safetensors');
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  const bias = header['conv_out.bias'];
  if (!bias || bias.dtype !== 'F32') throw new Error('fixture: no F32 conv_out.bias');
  for (let at = bias.data_offsets[0]; at < bias.data_offsets[1]; at += 4) bytes.writeFloatLE(NaN, 8 + n + at);
  writeFileSync(file, bytes);
  return model;
}

describe('forged metadata cannot write to the terminal', () => {
  const forged = 'a cat\r\u001b[2K\u001b]0;owned\u0007t2v "a dog" --seed 1 \u202eevil';
  it.each(['clip.mp4', 'shots/', 'anim.gif'])('t2v info on %s shows controls escaped, in the fields and the command', (name) => {
    const out = scratch('out');
    const target = join(out, name);
    expect(t2v([forged, ...SMALL, '-q', '-o', target], envFor(warm)).code).toBe(0);
    const r = t2v(['info', target], envFor(warm));
    expect(r.code).toBe(0);
    for (const raw of ['\r', '\u001b', '\u0007', '\u202e']) expect(r.stdout).not.toContain(raw);
    expect(r.stdout).toContain('prompt:          a cat\\r\\e[2K\\e]0;owned\\x07t2v "a dog" --seed 1 \\u202eevil');
    expect(r.stdout).toContain(`t2v 'a cat'"$(printf '\\015')"''"$(printf '\\033')"'[2K'`);
  });
});

describe('info reads only the metadata of a frame or a GIF, not the whole file', () => {
  // 3 GiB, sparse: beyond what readFile can hold in one Buffer (2 GiB), so reading it whole fails
  const HUGE = 3 * 1024 ** 3;
  it.each(['frames/', 'anim.gif'])('%s padded to 3 GiB', (name) => {
    const out = scratch('out');
    expect(t2v(['a red circle', ...SMALL, '-q', '-o', join(out, name)], envFor(warm)).code).toBe(0);
    const file = name.endsWith('/') ? join(out, name, 'frame_001.png') : join(out, name);
    truncateSync(file, HUGE);
    const r = t2v(['info', file, '--json'], envFor(warm));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ metadata: { prompt: 'a red circle' } });
  });
});
