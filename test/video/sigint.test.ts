// A real Ctrl-C: SIGINT to the whole process group (node and its ffmpeg child) halfway through an encode.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listing, tempDir } from './helpers/fixtures.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const child = join(root, 'test/video/helpers/sigint-child.ts');
const loader = join(root, 'test/video/helpers/register-ts.mjs');

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the helper in its own process group and sends SIGINT to the group once it reports halfway. */
function runAndInterrupt(out: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', loader, child, out], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '',
      stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('half\n') && p.pid !== undefined) process.kill(-p.pid, 'SIGINT');
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('SIGINT while encoding', () => {
  it.each(['clip.mp4', 'clip.webm'])('%s: exits 130 with one line and leaves no file', async (name) => {
    const dir = tempDir();
    const r = await runAndInterrupt(join(dir, name));
    expect(r.stdout).toBe('half\n'); // interrupted before it completed
    expect(r.stderr.trim()).toBe(`interrupted: ${join(dir, name)} was not written`);
    expect(r.code).toBe(130);
    expect(listing(dir)).toEqual([]);
  });
});
