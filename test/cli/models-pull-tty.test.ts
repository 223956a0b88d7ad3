// `t2v models pull` in a real terminal (tmux): the size question answered with y, and Ctrl-C at the question.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeHub, type FakeHub } from './fake-hub.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/cli/index.js');
const SHA = 'feed000000000000000000000000000000000001';
const files = {
  'model_index.json': new TextEncoder().encode(JSON.stringify({ _class_name: 'TextToVideoSDPipeline', unet: ['diffusers', 'UNet3DConditionModel'] })),
  'unet/diffusion_pytorch_model.safetensors': new Uint8Array(4096).fill(1),
};

let hub: FakeHub;
beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing; run npm run build first`);
  hub = await startFakeHub({ id: 'acme/tty', sha: SHA, files });
});
afterAll(async () => hub.close());

const socket = `t2v-pull-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
afterAll(() => tmux('kill-server'));

async function until(session: string, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const screen = tmux('capture-pane', '-p', '-t', session).stdout;
    if (pattern.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${pattern}; screen:\n${tmux('capture-pane', '-p', '-t', session).stdout}`);
}

describe('models pull in a terminal (tmux)', () => {
  it.each([
    ['y', ['y', 'Enter'], /EXIT=0/, true],
    ['Ctrl-C', ['C-c'], /t2v: interrupted; nothing fetched\s+EXIT=130/, false],
  ])('answering %s', async (name, keys, end, fetched) => {
    const cache = mkdtempSync(join(tmpdir(), 't2v-hf-tty-'));
    const session = `pull-${name.replace(/\W/g, '')}`;
    const cmd = `env -u CI NO_COLOR=1 HF_ENDPOINT=${hub.url} HF_HUB_CACHE=${cache} ${process.execPath} ${BIN} models pull acme/tty; echo EXIT=$?; sleep 60`;
    expect(tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '20', '-c', ROOT, cmd).status).toBe(0);
    const question = await until(session, /\[y\/N\]/);
    expect(question).toMatch(/acme\/tty@feed00000000: 2 files, 4\.\d+ KiB\n.*fetch 4\.\d+ KiB\? \[y\/N\]/);
    tmux('send-keys', '-t', session, ...keys);
    await until(session, end);
    expect(existsSync(join(cache, 'models--acme--tty', 'snapshots', SHA, 'unet', 'diffusion_pytorch_model.safetensors'))).toBe(fetched);
    tmux('kill-session', '-t', session);
  });
});
