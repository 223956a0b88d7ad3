// The package's bin runs as a program, as `npx t2v` and an installed `t2v` start it: a clean clone once wrote it
// without the executable bit (tsc does not set it), and `npx t2v` failed with "Permission denied".
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe('the t2v bin', () => {
  const bin = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { t2v: string } }).bin.t2v;

  it('is executable and starts without node on the command line', () => {
    expect(statSync(join(ROOT, bin)).mode & 0o111).toBe(0o111);
    const r = spawnSync(join(ROOT, bin), ['--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: t2v/);
  });
});
