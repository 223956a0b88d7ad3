// Smoke test of the embedded default model through the built CLI: a real MP4 whose object has the prompted colour and
// moves the prompted way, read from the frames (seed 0, the model's own settings as the README's first command uses
// them: at 10 steps v2 drew the yellow triangle white; every direction and colour once); the README's first command's
// shape as well.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readClip } from '../../bench/shape-metrics.js';
import { findFfmpeg } from '../../video/ffmpeg.js';
import { probe } from '../../video/probe.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ENV = { ...process.env, XDG_CONFIG_HOME: '/nonexistent-t2v-test' };

describe('the embedded default model', () => {
  it.each([
    { prompt: 'a red circle moving left', colour: 'red', direction: 'left' },
    { prompt: 'a yellow triangle moving left', colour: 'yellow', direction: 'left' },
    { prompt: 'a green square moving down', colour: 'green', direction: 'down' },
    { prompt: 'a blue circle moving left on a black background', colour: 'blue', direction: 'left' },
    { prompt: 'a white square moving left on a grey background', colour: 'white', direction: 'left' },
    { prompt: 'a green triangle moving right', colour: 'green', direction: 'right' },
    { prompt: 'a blue square moving up', colour: 'blue', direction: 'up' },
    // the README's first command
    { prompt: 'a red circle moving left on a white background', colour: 'red', direction: 'left', shape: 'circle' },
  ])('$prompt makes a valid MP4 of a $colour object moving $direction', async ({ prompt, ...expected }) => {
    const out = join(mkdtempSync(join(tmpdir(), 't2v-default-')), 'demo.mp4');
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/index.js'), prompt, '--seed', '0', '--device', 'cpu', '-o', out], { env: ENV, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    const info = await probe(out);
    expect(info).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', width: 64, height: 64, frames: 8 });
    const { path } = await findFfmpeg();
    const raw = spawnSync(path, ['-v', 'error', '-i', out, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 24 });
    expect(readClip(new Uint8Array(raw.stdout), 8, 64, 64)).toMatchObject(expected);
  });
});
