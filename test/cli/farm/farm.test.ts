// The render farm end to end: real Redis, a producer and two workers of the built CLI on the tiny model, a worker killed mid-job.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../video/probe.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'dist/cli/index.js');
const TINY = join(ROOT, 'test/fixtures/golden/pipeline-tiny/model');
const ENV = { ...process.env, XDG_CONFIG_HOME: '/nonexistent-t2v-test', NO_COLOR: '1' };
const GEN = ['--model', TINY, '--steps', '3', '--frames', '4', '-W', '32', '-H', '32', '--seed', '1'];
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? ok(a.port) : fail(new Error('no port'))));
    });
  });
}

/** A Redis of the test's own on a free loopback port, persisting to `dir` (so a restart keeps the queue). */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not installed (apt-get install redis-server; .ci/run does it)');
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
  children.push(p);
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return p;
    await sleep(50);
  }
  throw new Error(`redis-server did not start on ${port}`);
}

interface Proc {
  readonly p: ChildProcess;
  out: string;
  err: string;
  readonly exited: Promise<number | null>;
}

function t2v(args: string[]): Proc {
  const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(p);
  const r: Proc = { p, out: '', err: '', exited: new Promise((ok) => p.on('exit', (code) => ok(code))) };
  p.stdout!.on('data', (d: Buffer) => (r.out += d.toString()));
  p.stderr!.on('data', (d: Buffer) => (r.err += d.toString()));
  return r;
}

async function until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function worker(url: string, queue: string, extra: string[] = []): Proc {
  return t2v(['worker', '--queue', url, '--queue-name', queue, '--device', 'cpu', '--threads', '1', '--lock-seconds', '2', ...extra]);
}

function batchDir(prompts: number): { file: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), 't2v-farm-'));
  const file = join(root, 'p.txt');
  writeFileSync(file, Array.from({ length: prompts }, (_, i) => `a shape number ${i + 1}`).join('\n') + '\n');
  return { file, dir: join(root, 'out') };
}

/** Every job done exactly once, each file a whole video of 4 frames, the manifest valid JSONL. */
async function expectComplete(dir: string, count: number): Promise<Record<string, unknown>[]> {
  const lines = readFileSync(join(dir, 'batch.jsonl'), 'utf8').trimEnd().split('\n');
  const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(records).toHaveLength(count);
  expect(new Set(records.map((r) => r.key)).size).toBe(count);
  for (const r of records) {
    expect(r.status).toBe('done');
    const info = await probe(join(dir, r.output as string));
    expect(info.frames).toBe(4);
  }
  expect(readdirSync(dir).sort()).toEqual([...records.map((r) => r.output as string), 'batch.jsonl'].sort());
  return records;
}

let port = 0;
let redisDir = '';
let redis: ChildProcess;

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing; run npm run build first`);
  port = await freePort();
  redisDir = mkdtempSync(join(tmpdir(), 't2v-redis-'));
  redis = await startRedis(port, redisDir);
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('render farm (BullMQ + Redis)', () => {
  it('a worker killed with SIGKILL mid-job: the job is retried on the other, every job finishes once, files whole', async () => {
    // the Redis .ci/run started, else the test's own
    const url = process.env.T2V_TEST_REDIS_URL || `redis://127.0.0.1:${port}`;
    const { file, dir } = batchDir(5);
    const producer = t2v(['batch', file, '-O', dir, '--queue', url, '--queue-name', 'kill', ...GEN, '--json']);
    const a = worker(url, 'kill');
    await until('worker A to take a job', () => /job \S+: \S+\.mp4/.test(a.err));
    a.p.kill('SIGKILL');
    await a.exited;
    const killedJob = /job (\S+): /.exec(a.err)![1]!;
    const b = worker(url, 'kill');
    const code = await producer.exited;
    expect(producer.err).not.toContain('failed');
    expect(code).toBe(0);
    expect(JSON.parse(producer.out)).toMatchObject({ jobs: 5, done: 5, failed: 0 });
    const records = await expectComplete(dir, 5);
    // everything was made by B, including the job A was killed in
    expect(new Set(records.map((r) => String(r.worker).split(':')[1]))).toEqual(new Set([String(b.p.pid)]));
    expect(b.err).toContain(`job ${killedJob}: done`);
    const status = t2v(['queue', 'status', '--queue', url, '--queue-name', 'kill', '--json']);
    await status.exited;
    expect(JSON.parse(status.out)).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0 });
    b.p.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  });

  it('Redis going away and coming back loses no job; a rerun of the finished batch does nothing', async () => {
    const url = `redis://127.0.0.1:${port}`;
    const { file, dir } = batchDir(4);
    const producer = t2v(['batch', file, '-O', dir, '--queue', url, '--queue-name', 'restart', ...GEN, '--json']);
    const w = worker(url, 'restart');
    await until('the first result', () => existsSync(join(dir, 'batch.jsonl')) && readFileSync(join(dir, 'batch.jsonl'), 'utf8').includes('"done"'));
    redis.kill('SIGTERM');
    await new Promise((ok) => redis.on('exit', ok));
    await sleep(1500);
    redis = await startRedis(port, redisDir);
    expect(await producer.exited).toBe(0);
    await expectComplete(dir, 4);
    const again = t2v(['batch', file, '-O', dir, '--queue', url, '--queue-name', 'restart', ...GEN, '--json']);
    expect(await again.exited).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ jobs: 4, done: 0, skipped: 4 });
    w.p.kill('SIGTERM');
    await w.exited;
  });

  it("worker --precision fp16: the worker's pipeline runs fp16 graphs (the record says so; cpu's default is fp32)", async () => {
    const url = `redis://127.0.0.1:${port}`;
    const { file, dir } = batchDir(1);
    const producer = t2v(['batch', file, '-O', dir, '--queue', url, '--queue-name', 'fp16', ...GEN, '--json']);
    const w = worker(url, 'fp16', ['--precision', 'fp16']);
    expect(await producer.exited).toBe(0);
    const [record] = await expectComplete(dir, 1);
    expect((record!.settings as Record<string, unknown>).precision).toBe('fp16');
    expect(w.err).toContain('precision fp16');
    w.p.kill('SIGTERM');
    await w.exited;
  });

  it('worker --precision fp8: one line naming the choices, exit 2, before Redis is asked', async () => {
    const w = worker(`redis://127.0.0.1:${await freePort()}`, 'bad', ['--precision', 'fp8']);
    expect(await w.exited).toBe(2);
    expect(w.err.trim()).toBe('t2v: --precision fp8: invalid value; use one of fp32, fp16');
  });

  it('no Redis: one line, exit 1', async () => {
    const { file, dir } = batchDir(1);
    const r = t2v(['batch', file, '-O', dir, '--queue', `redis://127.0.0.1:${await freePort()}`, ...GEN]);
    expect(await r.exited).toBe(1);
    expect(r.err.trim()).toMatch(/^t2v: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ within 5 s; start redis-server there or check --queue$/);
  });
});
