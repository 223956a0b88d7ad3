// One writer per blob: a lock seen before its writer has put its pid in is waited for, not taken over; a dead writer's is.
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withLock } from '../../../models/hub/lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 't2v-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('withLock', () => {
  it('waits while a new lock is still empty (its writer has not written its pid yet)', async () => {
    const part = join(dir, 'blob.incomplete');
    await writeFile(`${part}.lock`, '');
    const order: string[] = [];
    const waiting = withLock(
      part,
      undefined,
      () => undefined,
      async () => {
        order.push('second writer');
      },
    );
    await new Promise((r) => setTimeout(r, 600));
    order.push('first writer done');
    await rm(`${part}.lock`);
    await waiting;
    expect(order).toEqual(['first writer done', 'second writer']);
  });

  it.each([
    ['an empty lock older than the grace period', '', 10],
    ["a dead writer's pid", '999999999', 0],
  ])('takes over %s', async (_what, content, ageSeconds) => {
    const part = join(dir, 'blob.incomplete');
    await writeFile(`${part}.lock`, content);
    const old = new Date(Date.now() - ageSeconds * 1000);
    await utimes(`${part}.lock`, old, old);
    let held = '';
    await withLock(
      part,
      undefined,
      () => undefined,
      async () => {
        held = await readFile(`${part}.lock`, 'utf8');
      },
    );
    expect(held).toBe(String(process.pid));
  });
});
