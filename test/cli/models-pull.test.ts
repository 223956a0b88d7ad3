// `t2v models pull` against a local server that answers like the Hub: the HF cache layout, what is fetched, the size question, resuming.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { renderBar } from '../../cli/byte-bar.js';
import { fakeDeps, memoryIo, MemoryStream } from './fakes.js';
import { startFakeHub, type FakeHub } from './fake-hub.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const weights = new Uint8Array(randomBytes(1_500_000));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const files = {
  'model_index.json': text(JSON.stringify({ _class_name: 'TextToVideoSDPipeline', unet: ['diffusers', 'UNet3DConditionModel'], tokenizer: ['transformers', 'CLIPTokenizer'] })),
  'unet/config.json': text('{"_class_name": "UNet3DConditionModel"}'),
  'unet/diffusion_pytorch_model.safetensors': weights,
  'tokenizer/merges.txt': text('#version: 0.2\n'),
};
// what t2v does not read: other formats and variants, files outside the parts model_index.json names
const extra = {
  'unet/diffusion_pytorch_model.bin': new Uint8Array(randomBytes(1000)),
  'unet/diffusion_pytorch_model.fp16.safetensors': new Uint8Array(randomBytes(700)),
  'zs2_576w/open_clip_pytorch_model.bin': new Uint8Array(randomBytes(900)),
  'README.md': text('# tiny\n'),
};
const total = Object.values(files).reduce((n, f) => n + f.byteLength, 0);

let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub({ id: 'acme/tiny-t2v', sha: SHA, files: { ...files, ...extra } });
});
afterAll(async () => hub.close());

async function pull(args: string[], cache: string, tty?: { answer: string }) {
  const io = memoryIo({ HF_ENDPOINT: hub.url, HF_HUB_CACHE: cache });
  if (tty) {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stderr = new MemoryStream(true);
    // answer once the question is on screen
    const write = stderr.write.bind(stderr);
    stderr.write = (s: string) => {
      if (s.includes('[y/N]')) setImmediate(() => stdin.write(`${tty.answer}\n`));
      return write(s);
    };
    Object.assign(io, { stdin, stderr });
  }
  const code = await main(['models', 'pull', ...args], io, { deps: async () => fakeDeps() });
  return { code, stdout: io.stdout.text, stderr: (io.stderr as MemoryStream).text };
}

const tmpCache = (): string => mkdtempSync(join(tmpdir(), 't2v-hf-'));

describe('models pull', () => {
  it('fetches what t2v reads into models--org--name/snapshots/<sha> with refs/main, saying how much first', async () => {
    const cache = tmpCache();
    const r = await pull(['acme/tiny-t2v', '--yes'], cache);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toMatch(/^acme\/tiny-t2v@0123456789ab: 4 files, 1\.43 MiB; leaving out 4 files \(2\.5\d KiB\) t2v does not read \(--include GLOB adds them\)$/);
    expect(r.stderr).not.toContain('t2v:');
    expect(r.stderr).toContain(`${renderBar(total, total)}`);
    const repo = join(cache, 'models--acme--tiny-t2v');
    expect(readFileSync(join(repo, 'refs', 'main'), 'utf8')).toBe(SHA);
    const snap = join(repo, 'snapshots', SHA);
    for (const [name, data] of Object.entries(files)) {
      expect(lstatSync(join(snap, name)).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(snap, name))).toMatch(/^(\.\.\/)+blobs\/([0-9a-f]{40}|[0-9a-f]{64})$/);
      expect(Buffer.compare(readFileSync(join(snap, name)), data)).toBe(0);
    }
    for (const name of Object.keys(extra)) expect(existsSync(join(snap, name))).toBe(false);
    expect(r.stdout).toContain(`acme/tiny-t2v@${SHA}: 4 files`);
    expect(hub.requests).toContain('GET /api/models/acme/tiny-t2v/revision/main');

    // then it is a model t2v can name
    const list = memoryIo({ HF_HUB_CACHE: cache });
    await main(['models', 'list', '--json'], list, { deps: async () => fakeDeps() });
    expect(JSON.parse(list.stdout.text)).toMatchObject({
      models: [
        { id: 'default', description: expect.stringMatching(/circle, square or triangle/) },
        { id: 'acme/tiny-t2v', revision: SHA, path: snap },
      ],
    });

    // a second pull finds every blob complete and fetches nothing
    const again = await pull(['acme/tiny-t2v', '--json'], cache);
    expect(again.code).toBe(0);
    expect(again.stderr.split('\n')[0]).toContain('(1.43 MiB already in the cache)');
    expect(JSON.parse(again.stdout)).toMatchObject({ files: 4, bytes: 0, total });
  });

  it.each([
    [['--variant', 'fp16'], ['unet/diffusion_pytorch_model.fp16.safetensors'], ['unet/diffusion_pytorch_model.safetensors']],
    [['--include', '*.bin'], ['unet/diffusion_pytorch_model.bin', 'zs2_576w/open_clip_pytorch_model.bin', 'unet/diffusion_pytorch_model.safetensors'], []],
    [['--include', 'README.md', '--include', 'zs2_576w/**'], ['README.md', 'zs2_576w/open_clip_pytorch_model.bin'], ['unet/diffusion_pytorch_model.bin']],
  ])('%j picks %j, not %j', async (args, present, absent) => {
    const cache = tmpCache();
    const r = await pull(['acme/tiny-t2v', '--yes', ...args], cache);
    expect(r.code).toBe(0);
    const snap = join(cache, 'models--acme--tiny-t2v', 'snapshots', SHA);
    for (const name of present) expect(existsSync(join(snap, name))).toBe(true);
    for (const name of absent) expect(existsSync(join(snap, name))).toBe(false);
  });

  it('--json prints one object; progress lines go to stderr', async () => {
    const r = await pull(['acme/tiny-t2v@main', '--json', '--yes'], tmpCache());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ hubId: 'acme/tiny-t2v', revision: SHA, files: 4, skipped: 4, bytes: total, total, textToVideo: true });
    expect(r.stderr).toContain(renderBar(total, total));
  });

  it('asks on a terminal: "n" fetches nothing, "y" fetches', async () => {
    const cache = tmpCache();
    const no = await pull(['acme/tiny-t2v'], cache, { answer: 'n' });
    expect(no.code).toBe(1);
    expect(no.stderr).toContain('fetch 1.43 MiB? [y/N] ');
    expect(no.stderr).toContain('t2v: nothing fetched\n');
    expect(existsSync(join(cache, 'models--acme--tiny-t2v', 'snapshots'))).toBe(false);
    const yes = await pull(['acme/tiny-t2v'], cache, { answer: 'y' });
    expect(yes.code).toBe(0);
    expect(existsSync(join(cache, 'models--acme--tiny-t2v', 'snapshots', SHA, 'unet', 'diffusion_pytorch_model.safetensors'))).toBe(true);
  });

  it.each([
    [['acme/tiny-t2v'], 2, /^acme\/tiny-t2v@0123456789ab: .*\nt2v: models pull acme\/tiny-t2v: 1\.43 MiB to fetch and no terminal to ask; pass --yes to fetch without asking\n$/],
    [['acme/missing', '--yes'], 1, /^t2v: models pull acme\/missing: HTTP 404 from 127\.0\.0\.1:\d+ for acme\/missing@main; check the id and revision\n$/],
    [['acme/tiny-t2v@nope', '--yes'], 1, /^t2v: models pull acme\/tiny-t2v@nope: HTTP 404/],
    [['acme/tiny-t2v', '--timeout', '0'], 2, /^t2v: --timeout 0: pass seconds between 0 and 3600, like 30\n$/],
    [['acme/tiny-t2v', '--variant', 'fp16/../x'], 2, /^t2v: --variant fp16\/\.\.\/x: pass a variant name like fp16\n$/],
  ])('%j fails with one line', async (args, code, message) => {
    const r = await pull(args, tmpCache());
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });
});

describe('models pull of a real repository layout', () => {
  // issue 14's damo-vilab/text-to-video-ms-1.7b fixture, laid out as huggingface_hub lays out its cache
  const FIXTURE = fileURLToPath(new URL('../fixtures/real-layouts/text-to-video-ms-1.7b/hub/models--damo-vilab--text-to-video-ms-1.7b/', import.meta.url));
  const REV = readFileSync(join(FIXTURE, 'refs', 'main'), 'utf8').trim();
  const snapFiles = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((p) => !lstatSync(join(dir, p)).isDirectory())
      .sort();

  it('reproduces that cache: the same snapshot files, the same blob names and links, the same ref', async () => {
    const snap = join(FIXTURE, 'snapshots', REV);
    const served = Object.fromEntries(snapFiles(snap).map((p) => [p, new Uint8Array(readFileSync(join(snap, p)))]));
    // what the real repository has besides: .bin twins and files t2v does not read
    const others = {
      'unet/diffusion_pytorch_model.fp16.bin': new Uint8Array(64),
      'text_encoder/pytorch_model.fp16.bin': new Uint8Array(64),
      'README.md': text('# ms\n'),
      '.gitattributes': text('*.bin filter=lfs\n'),
    };
    const real = await startFakeHub({ id: 'damo-vilab/text-to-video-ms-1.7b', sha: REV, files: { ...served, ...others } });
    try {
      const cache = tmpCache();
      const io = memoryIo({ HF_ENDPOINT: real.url, HF_HUB_CACHE: cache });
      expect(await main(['models', 'pull', 'damo-vilab/text-to-video-ms-1.7b', '--yes', '--quiet'], io, { deps: async () => fakeDeps() })).toBe(0);
      const ours = join(cache, 'models--damo-vilab--text-to-video-ms-1.7b');
      expect(snapFiles(join(ours, 'snapshots', REV))).toEqual(snapFiles(snap));
      for (const p of snapFiles(snap)) expect(readlinkSync(join(ours, 'snapshots', REV, p))).toBe(readlinkSync(join(snap, p)));
      expect(readdirSync(join(ours, 'blobs')).sort()).toEqual(readdirSync(join(FIXTURE, 'blobs')).sort());
      expect(readFileSync(join(ours, 'refs', 'main'), 'utf8')).toBe(REV);
    } finally {
      await real.close();
    }
  });
});
