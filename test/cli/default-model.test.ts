// Smoke test of the embedded default model through the built CLI: a real MP4 whose object has the prompted colour and
// moves the prompted way, read from the frames (seed 0, the model's own settings as the README's first command uses
// them: at 10 steps this v2 draws the yellow triangle white; every direction and colour once).
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
    ['a red circle moving left', 'red', 'left'],
    ['a yellow triangle moving left', 'yellow', 'left'],
    ['a green square moving down', 'green', 'down'],
    ['a blue circle moving left on a black background', 'blue', 'left'],
    ['a white square moving left on a grey background', 'white', 'left'],
    ['a green triangle moving right', 'green', 'right'],
    ['a blue square moving up', 'blue', 'up'],
  ])('"%s" makes a valid MP4 of a %s object moving %s', async (prompt, colour, direction) => {
    const out = join(mkdtempSync(join(tmpdir(), 't2v-default-')), 'demo.mp4');
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/index.js'), prompt, '--seed', '0', '--device', 'cpu', '-o', out], { env: ENV, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    const info = await probe(out);
    expect(info).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', width: 64, height: 64, frames: 8 });
    const { path } = await findFfmpeg();
    const raw = spawnSync(path, ['-v', 'error', '-i', out, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 24 });
    expect(readClip(new Uint8Array(raw.stdout), 8, 64, 64)).toMatchObject({ colour, direction });
  });
});
