// The farm's Redis: a checked redis:// URL, BullMQ connection options, and the job/result shapes that travel through it.
import { Queue, type ConnectionOptions } from 'bullmq';
import { T2vError, UsageError } from '../../core/errors.js';

/** Bumped when the job or result shape changes; a worker refuses jobs of another version. */
export const FARM_PROTOCOL = 1;

/** The generation settings a job carries, as plain values (the worker checks them again, as if read from a file). */
export interface FarmJobData {
  readonly v: number;
  readonly key: string;
  readonly index: number;
  readonly name: string;
  readonly seed: string;
  readonly settings: Readonly<Record<string, string | boolean>>;
}

export interface FarmResult {
  readonly v: number;
  /** The output file, base64: results travel back in the job's return value, so no shared file system is needed. */
  readonly file: string;
  readonly sha256: string;
  readonly size: number;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly timings: Readonly<Record<string, number>>;
  readonly worker: string;
}

/** `redis://[user:pass@]host:port[/db]` (or rediss://) as BullMQ connection options. */
export function farmConnection(raw: string): ConnectionOptions {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--queue ${raw}: not a URL; use redis://HOST:PORT, like redis://127.0.0.1:6379`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UsageError(`--queue ${raw}: use a redis:// or rediss:// URL, like redis://127.0.0.1:6379`);
  if (url.hostname === '') throw new UsageError(`--queue ${raw}: no host; use redis://HOST:PORT`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw new UsageError(`--queue ${raw}: the path must be a database number, like redis://host:6379/0`);
  // null: a command waits through a Redis restart instead of failing (BullMQ requires it for workers)
  return { url: url.href, maxRetriesPerRequest: null, enableOfflineQueue: true };
}

export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new UsageError(`--queue-name ${name}: use 1-64 letters, digits, _ . or -`);
  return name;
}

/** Opens the queue and checks that Redis answers, with a one-line error when it does not. */
export async function openQueue(name: string, raw: string, timeoutMs = 5000): Promise<Queue> {
  const queue = new Queue(checkQueueName(name), { connection: farmConnection(raw) });
  queue.on('error', () => undefined); // reconnects are ioredis's job; errors surface through the calls below
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      queue.waitUntilReady(),
      new Promise((_r, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
  } catch {
    await queue.close().catch(() => undefined);
    throw new T2vError(`cannot reach Redis at ${raw} within ${timeoutMs / 1000} s; start redis-server there or check --queue`);
  } finally {
    clearTimeout(timer);
  }
  return queue;
}
