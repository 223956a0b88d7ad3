// End to end through the built executable on the tiny pipeline: real generation, real ffmpeg, Ctrl-C, and the Ink wizard in tmux.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/cli/index.js');
const TINY = join(ROOT, 'test/fixtures/golden/pipeline-tiny/model');
const ENV = { ...process.env, XDG_CONFIG_HOME: '/nonexistent-t2v-test', NO_COLOR: '1' };
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;

function t2v(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 't2v-e2e-'));

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing; run npm run build first`);
});

describe('t2v end to end (tiny model, cpu)', () => {
  it('--json: one JSON object on stdout, progress on stderr, a real MP4 whose metadata reads back', () => {
    const out = join(dir, 'json.mp4');
    // --device auto: whatever the WebGPU probe prints must stay off stdout
    const r = t2v(['a red circle moving left', '--model', TINY, '--steps', '2', '--frames', '4', '-W', '32', '-H', '32', '--seed', '3', '--freeu', '--json', '-o', out]);
    expect(r.stderr).toContain('step 2/2');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ output: out, seed: '3', steps: 2, frames: 4, width: 32, height: 32, deviceRequested: 'auto', freeu: { b1: 1.2 } });
    expect(['cpu', 'webgpu']).toContain(json.device);
    expect(statSync(out).size).toBeGreaterThan(0);
    const info = t2v(['info', out, '--json']);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ metadata: { prompt: 'a red circle moving left', seed: '3', steps: 2, freeu: { enabled: true } } });
  });

  it('--eta: a real DDIM eta run stores eta, info prints it and reproduces it', () => {
    const out = join(dir, 'eta.mp4');
    expect(t2v(['a red circle', '--model', TINY, '--steps', '2', '--frames', '2', '--seed', '5', '--eta', '0.5', '--device', 'cpu', '-q', '-o', out]).code).toBe(0);
    const info = JSON.parse(t2v(['info', out, '--json']).stdout) as { metadata: Record<string, unknown>; reproduce: string };
    expect(info.metadata).toMatchObject({ scheduler: 'ddim', eta: 0.5 });
    expect(info.reproduce).toContain('--scheduler ddim --eta 0.5 ');
    expect(t2v(['info', out]).stdout).toContain('2 (ddim, eta 0.5)');
  });

  it('without a seed the drawn one is printed and stored', () => {
    const out = join(dir, 'seed.gif');
    const r = t2v(['a blue square', '--model', TINY, '--steps', '1', '--frames', '2', '--device', 'cpu', '-o', out]);
    expect(r.code).toBe(0);
    const seed = /seed (\d+) \(drawn at random/.exec(r.stderr)?.[1];
    expect(seed).toBeDefined();
    expect(r.stdout).toBe(`${out}\n`);
    expect(JSON.parse(t2v(['info', out, '--json']).stdout)).toMatchObject({ metadata: { seed } });
  });

  it('compare writes one side-by-side video', () => {
    const out = join(dir, 'compare.mp4');
    const r = t2v(['compare', 'a red circle', '--model', TINY, '--steps', '1', '--frames', '2', '--seed', '1', '--device', 'cpu', '-q', '-o', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(t2v(['info', out, '--json']).stdout)).toMatchObject({ metadata: { composite: { layout: 'side-by-side' } } });
  });

  it('SIGINT aborts the engine: exit 130, nothing written', async () => {
    const sub = mkdtempSync(join(dir, 'sigint-'));
    const out = join(sub, 'never.mp4');
    const child = spawn(process.execPath, [BIN, 'a red circle', '--model', TINY, '--steps', '200', '--frames', '4', '--device', 'cpu', '-o', out], { cwd: ROOT, env: ENV });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('step 2/') && child.signalCode === null && !sent) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(stderr).toContain('t2v: interrupted; nothing was written');
    expect(code).toBe(130);
    expect(readdirSync(sub)).toEqual([]);
  });
});

describe('the wizard in a real terminal (tmux)', () => {
  it('tmux is installed (.ci/run installs it)', () => {
    expect(HAS_TMUX, 'tmux is missing: apt-get install tmux').toBe(true);
  });
  const socket = `t2v-test-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  // one session per test: killing the last session stops the server, which races with starting the next one
  let session = '';
  const screen = () => tmux('capture-pane', '-p', '-t', session).stdout;
  async function waitFor(text: string, ms = 60_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = screen();
      if (s.includes(text)) return s;
      if (Date.now() > end) throw new Error(`"${text}" did not appear; the screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  async function keys(...k: string[]) {
    tmux('send-keys', '-t', session, ...k);
    await new Promise((r) => setTimeout(r, 150));
  }
  // a person at a terminal has no CI variable; under CI=true Ink would draw only the final frame
  // each session gets its own config folder, so the wizard's last.json of one test never leaks into another
  let config = '';
  function start(args: string[], colour = 'NO_COLOR=1', keepConfig = false) {
    if (!keepConfig || !config) config = mkdtempSync(join(dir, 'config-'));
    const cmd = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
    session = `w${Date.now()}`;
    const r = tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '45', '-c', ROOT, `env -u CI -u NO_COLOR ${colour} XDG_CONFIG_HOME=${config} ${cmd}; echo EXIT=$?; sleep 120`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }
  afterAll(() => {
    tmux('kill-server');
  });

  it('prompt, Enter through the defaults, FreeU on, then progress to a finished video', async () => {
    const out = join(dir, 'wizard.mp4');
    start(['--model', TINY, '--steps', '2', '--frames', '4', '--device', 'cpu', '-o', out]);
    await waitFor('Prompt:');
    await keys('-l', 'a red circle moving left');
    await keys('Enter');
    for (const label of ['Negative prompt:', 'Model:', 'Frames: 4', 'Size: 32x32', 'Steps: 2']) {
      await waitFor(label);
      await keys('Enter');
    }
    await waitFor('Seed:');
    await keys('-l', '11');
    await keys('Enter');
    await waitFor('FreeU:');
    await keys('Down');
    await keys('Enter');
    await waitFor('Advanced settings:');
    await keys('Enter');
    await waitFor('Output:');
    await keys('Enter');
    await waitFor('Enter: run');
    await keys('Enter');
    // the screen keeps the settings and the command that repeats the run, then offers what next
    const after = await waitFor('again with a new seed', 90_000);
    expect(after).toContain(`saved ${out}`);
    expect(after).toContain('Prompt: a red circle moving left');
    // Ink wraps the long command at word boundaries
    expect(after.replace(/\s+/g, ' ')).toMatch(/to make it again: t2v 'a red circle moving left' .*--seed 11 /);
    await keys('q');
    const final = await waitFor('EXIT=');
    expect(final).toContain('EXIT=0');
    expect(statSync(out).size).toBeGreaterThan(0);
    const info = JSON.parse(t2v(['info', out, '--json']).stdout) as { metadata: Record<string, unknown> };
    expect(info.metadata).toMatchObject({ prompt: 'a red circle moving left', seed: '11', steps: 2, frames: 4, freeu: { enabled: true, b1: 1.2 } });
  });

  // the review's keystroke trials: a whole answer and Enter in one chunk, and a fast burst of single keys, ten times each
  it.each([
    ['one chunk', (text: string) => tmux('send-keys', '-t', session, '-l', `${text}\r`)],
    [
      'a fast burst of keys',
      (text: string) => {
        for (const ch of text) tmux('send-keys', '-t', session, '-l', ch);
        tmux('send-keys', '-t', session, 'Enter');
      },
    ],
  ])(
    'typing: %s then Enter, ten times, never loses a character',
    async (_how, send) => {
      start(['--model', TINY, '--device', 'cpu']);
      await waitFor('Prompt:');
      for (let i = 0; i < 10; i++) {
        const prompt = `a red circle moving left ${i}`;
        const negative = `blurry noise ${i}`;
        send(prompt);
        // sent at once, it must land in the next field; from the second trial on that field holds the last answer: Ctrl-U first
        send(`\u0015${negative}`);
        const s = await waitFor('Model:', 20_000);
        const lines = s.split('\n').map((l) => l.trimEnd());
        expect(lines).toContain(`Prompt: ${prompt}`);
        expect(lines).toContain(`Negative prompt: ${negative}`);
        // back two fields with Shift-Tab; the prompt comes back to edit, Ctrl-U clears it for the next trial
        await keys('BTab');
        await waitFor(`Negative prompt: ${negative}`);
        await keys('BTab');
        await waitFor('Enter: next');
        await keys('C-u');
        await keys('C-e');
      }
      await keys('C-c');
      expect(await waitFor('EXIT=')).toContain('EXIT=130');
    },
    240_000,
  );

  it('advanced settings: "Sampling speed" fast runs --fast and stores it', async () => {
    const out = join(dir, 'wizard-fast.mp4');
    start(['--model', TINY, '--steps', '2', '--frames', '4', '--device', 'cpu', '--seed', '2', '-o', out]);
    await waitFor('Prompt:');
    await keys('-l', 'a green square moving down');
    // Enter through the defaults; "yes" to the advanced group and "fast" for the speed (one Down each)
    for (const label of [
      'Prompt:',
      'Negative prompt:',
      'Model:',
      'Frames:',
      'Size:',
      'Steps:',
      'Seed:',
      'FreeU:',
      'Advanced settings:',
      'Scheduler:',
      'Guidance:',
      'Sampling speed:',
      'Frames per second:',
      'Device:',
      'Output:',
    ]) {
      const s = await waitFor(label);
      if (label === 'Sampling speed:') expect(s).toContain("fast: the model's measured trade-off (--fast: DeepCache every 3 steps)");
      if (label === 'Advanced settings:' || label === 'Sampling speed:') await keys('Down');
      await keys('Enter');
    }
    expect(await waitFor('Enter: run')).toMatch(/Sampling speed\s+fast/);
    await keys('Enter');
    // the tiny model has no t2v.json fast: the generic preset (DeepCache 3, branch 1); --steps 2 stands
    const after = (await waitFor('again with a new seed', 90_000)).replace(/\s+/g, ' ');
    expect(after).toContain('--steps 2 ');
    expect(after).toContain('--deep-cache 3 --deep-cache-branch 1 --deep-cache-schedule uniform ');
    const info = JSON.parse(t2v(['info', out, '--json']).stdout) as { metadata: Record<string, unknown> };
    expect(info.metadata).toMatchObject({ steps: 2, sampling: { fast: true, deepCache: { interval: 3, branch: 1, schedule: 'uniform' }, guidanceInterval: null } });
    await keys('q');
    expect(await waitFor('EXIT=')).toContain('EXIT=0');
  }, 120_000);

  it('back a field with Shift-Tab, edit it, review, edit from the review, run', async () => {
    const out = join(dir, 'wizard-back.mp4');
    start(['--model', TINY, '--steps', '2', '--device', 'cpu', '--seed', '5', '-o', out]);
    await waitFor('Prompt:');
    await keys('-l', 'a blue square moving up');
    await keys('Enter');
    await waitFor('Negative prompt:');
    await keys('Enter');
    await waitFor('Model:');
    await keys('Enter');
    await waitFor('Frames:');
    await keys('-l', '6');
    await keys('Enter');
    await waitFor('Size:');
    await keys('BTab');
    await waitFor('Frames: 6');
    await keys('BSpace');
    await keys('-l', '3');
    await keys('Enter');
    await waitFor('Frames: 3');
    for (const label of ['Size:', 'Steps:', 'Seed:', 'FreeU:', 'Advanced settings:', 'Output:']) {
      await waitFor(label);
      await keys('Enter');
    }
    let review = await waitFor('Enter: run');
    expect(review).toMatch(/Frames\s+3/);
    // mark Steps (prompt, negative, model, frames, size, steps) and edit it; Enter comes back to the review
    for (let i = 0; i < 5; i++) await keys('Down');
    await keys('-l', 'e');
    await waitFor('Steps:');
    await keys('C-u');
    await keys('-l', '1');
    await keys('Enter');
    review = await waitFor('Enter: run');
    expect(review).toMatch(/Steps\s+1/);
    await keys('Enter');
    await waitFor('again with a new seed', 90_000);
    const info = JSON.parse(t2v(['info', out, '--json']).stdout) as { metadata: Record<string, unknown> };
    expect(info.metadata).toMatchObject({ prompt: 'a blue square moving up', seed: '5', steps: 1, frames: 3 });
    // again with a new seed: the same settings, another seed, a new file beside the first
    await keys('Enter');
    const again = await waitFor('again with a new seed', 90_000);
    const second = /saved (\S+)/.exec(again)?.[1];
    expect(second).toBe(out.replace(/\.mp4$/, '-2.mp4'));
    const info2 = JSON.parse(t2v(['info', second!, '--json']).stdout) as { metadata: Record<string, unknown> };
    expect(info2.metadata).toMatchObject({ prompt: 'a blue square moving up', steps: 1, frames: 3 });
    expect(info2.metadata.seed).not.toBe('5');
    await keys('Down');
    await keys('Down');
    await keys('Enter'); // quit
    expect(await waitFor('EXIT=')).toContain('EXIT=0');
    // the next wizard offers the last answers as its defaults (Enter keeps them)
    start(['--model', TINY, '--device', 'cpu'], 'NO_COLOR=1', true);
    await waitFor('Prompt: a blue square moving up');
    await keys('C-c');
    expect(await waitFor('EXIT=')).toContain('EXIT=130');
  }, 120_000);

  it.each([
    [[], 'TERM=xterm-256color', true],
    [['--no-preview'], 'TERM=xterm-256color', false],
    [[], 'NO_COLOR=1', false],
  ])(
    'live preview on a terminal: flags %j with %s shows it: %s',
    async (flags, colour, shown) => {
      start(['a red circle', '--model', TINY, '--steps', '40', '--frames', '4', '--device', 'cpu', '--preview-interval', '2', '-o', join(dir, `preview-${Date.now()}.mp4`), ...flags], colour);
      // Ink redraws at most every few ms, so a given step may never be on screen: wait until step 6 or later is
      const end = Date.now() + 45_000;
      while (Number(/sampling\s+(\d+)\/40/.exec(screen())?.[1] ?? 0) < 6 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(screen().includes('preview at step')).toBe(shown);
      await keys('C-c');
      expect(await waitFor('EXIT=')).toContain('EXIT=130');
    },
    60_000,
  );

  it('Ctrl-C during the run cancels cleanly: exit 130, no file', async () => {
    const sub = mkdtempSync(join(dir, 'wizard-cancel-'));
    const out = join(sub, 'never.mp4');
    start(['a red circle', '--model', TINY, '--steps', '200', '--frames', '4', '--device', 'cpu', '-o', out]);
    await waitFor('sampling');
    await keys('C-c');
    const final = await waitFor('EXIT=', 60_000);
    expect(final).toContain('EXIT=130');
    expect(readdirSync(sub)).toEqual([]);
  });
});
