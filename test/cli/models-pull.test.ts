// `t2v models pull` against a local server that answers like the Hub: the HF cache layout, the byte progress, the errors.
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { renderBar } from '../../cli/byte-bar.js';
import { fakeDeps, memoryIo } from './fakes.js';
import { startFakeHub, type FakeHub } from './fake-hub.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const weights = new Uint8Array(randomBytes(1_500_000));
const files = {
  'model_index.json': new TextEncoder().encode(JSON.stringify({ _class_name: 'TextToVideoSDPipeline', unet: ['diffusers', 'UNet3DConditionModel'] })),
  'unet/config.json': new TextEncoder().encode('{"_class_name": "UNet3DConditionModel"}'),
  'unet/diffusion_pytorch_model.safetensors': weights,
};
const total = Object.values(files).reduce((n, f) => n + f.byteLength, 0);

let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub({ id: 'acme/tiny-t2v', sha: SHA, files });
});
afterAll(async () => hub.close());

async function pull(args: string[], cache: string) {
  const io = memoryIo({ HF_ENDPOINT: hub.url, HF_HUB_CACHE: cache });
  const code = await main(['models', 'pull', ...args], io, { deps: async () => fakeDeps() });
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

describe('models pull', () => {
  it('downloads into models--org--name/snapshots/<sha> with refs/main, showing byte progress', async () => {
    const cache = mkdtempSync(join(tmpdir(), 't2v-hf-'));
    const r = await pull(['acme/tiny-t2v'], cache);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('t2v:');
    expect(r.stderr).toContain(`${renderBar(total, total)}`);
    expect(r.stderr).toContain('unet/diffusion_pytorch_model.safetensors');
    const repo = join(cache, 'models--acme--tiny-t2v');
    expect(readFileSync(join(repo, 'refs', 'main'), 'utf8')).toBe(SHA);
    const snap = join(repo, 'snapshots', SHA);
    for (const [name, data] of Object.entries(files)) {
      expect(lstatSync(join(snap, name)).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(snap, name))).toMatch(/^(\.\.\/)+blobs\/[0-9a-f]{40}$/);
      expect(new Uint8Array(readFileSync(join(snap, name)))).toEqual(data);
    }
    expect(r.stdout).toContain(`acme/tiny-t2v@${SHA}: 3 files`);
    expect(hub.requests.every((q) => !q.includes('huggingface.co'))).toBe(true);
    expect(hub.requests).toContain('GET /api/models/acme/tiny-t2v/revision/main');

    // then it is a model t2v can name
    const list = memoryIo({ HF_HUB_CACHE: cache });
    await main(['models', 'list', '--json'], list, { deps: async () => fakeDeps() });
    // the embedded model comes first, with its one-line description
    expect(JSON.parse(list.stdout.text)).toMatchObject({ models: [{ id: 'default', description: expect.stringMatching(/circle, square or triangle/) }, { id: 'acme/tiny-t2v', revision: SHA, path: snap }] });
  });

  it('--json prints one object; progress lines go to stderr', async () => {
    const cache = mkdtempSync(join(tmpdir(), 't2v-hf-'));
    const r = await pull(['acme/tiny-t2v@main', '--json'], cache);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ hubId: 'acme/tiny-t2v', revision: SHA, files: 3, bytes: total, textToVideo: true });
    expect(r.stderr).toContain(renderBar(total, total));
  });

  it.each([
    [['acme/missing'], /^t2v: models pull acme\/missing: HTTP 404: .*; check the id and revision on http:\/\/127\.0\.0\.1:\d+\n$/],
    [['acme/tiny-t2v@nope'], /^t2v: models pull acme\/tiny-t2v@nope: HTTP 404/],
  ])('%j fails with one line', async (args, message) => {
    const r = await pull(args, mkdtempSync(join(tmpdir(), 't2v-hf-')));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });
});
