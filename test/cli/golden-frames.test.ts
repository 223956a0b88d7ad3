// Issue 5's acceptance check through the built CLI: PNG frames of the tiny pipeline equal diffusers' frames within 2 levels.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../models/safetensors.js';
import { findFfmpeg } from '../../video/ffmpeg.js';

const ROOT = resolve(import.meta.dirname, '../..');
const GOLDEN = join(ROOT, 'test/fixtures/golden/pipeline-tiny');
const ENV = { ...process.env, XDG_CONFIG_HOME: '/nonexistent-t2v-test' };

/** Decodes a PNG sequence to packed RGB with the real ffmpeg. */
async function readPngs(pattern: string): Promise<Uint8Array> {
  const { path } = await findFfmpeg();
  const r = spawnSync(path, ['-v', 'error', '-i', pattern, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return new Uint8Array(r.stdout);
}

describe('t2v on the tiny pipeline reproduces the diffusers reference frames', () => {
  it.each([
    ['run0', []],
    ['run1', ['--freeu', '--b1', '1.2', '--b2', '1.4', '--s1', '0.9', '--s2', '0.2']],
  ])('%s', async (key, freeuFlags) => {
    const dir = mkdtempSync(join(tmpdir(), 't2v-golden-frames-'));
    const out = join(dir, 'frames', '%03d.png');
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'dist/cli/index.js'),
        '--model',
        join(GOLDEN, 'model'),
        '--prompt',
        'a red circle moving left',
        '--seed',
        '0',
        '--frames',
        '4',
        '--steps',
        '3',
        '--guidance',
        '6',
        '-W',
        '32',
        '-H',
        '32',
        '--scheduler',
        'ddim',
        '--device',
        'cpu',
        '-o',
        out,
        ...freeuFlags,
      ],
      { env: ENV, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.stderr).not.toMatch(/Error:|at .*\.js/);
    expect(r.status).toBe(0);
    expect(readdirSync(join(dir, 'frames')).sort()).toEqual(['001.png', '002.png', '003.png', '004.png']);
    const got = await readPngs(out);
    const golden = await SafetensorsFile.open(join(GOLDEN, 'tensors.safetensors'));
    const ref = await golden.readFloat32(`${key}_frames`);
    await golden.close();
    expect(got.length).toBe(ref.length);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i]! - Math.round(255 * ref[i]!)));
    expect(worst).toBeLessThanOrEqual(2);
  });
});
