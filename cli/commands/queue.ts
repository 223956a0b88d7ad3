// `t2v queue status --queue redis://...`: how many farm jobs wait, run, are done or failed.
import { Command, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Context } from '../context.js';

export const COUNTED = ['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'] as const;

export async function queueStatusAction(opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  if (typeof opts.queue !== 'string') throw new UsageError('queue status needs --queue redis://HOST:PORT');
  const { openQueue } = await import('../farm/connection.js');
  const name = typeof opts.queueName === 'string' ? opts.queueName : 't2v';
  const queue = await openQueue(name, opts.queue);
  try {
    const counts = await queue.getJobCounts(...COUNTED);
    const workers = (await queue.getWorkers()).length;
    if (opts.json === true) ctx.io.stdout.write(`${JSON.stringify({ queue: name, ...counts, workers })}\n`);
    else
      ctx.io.stdout.write(
        `${name}: ${counts.waiting ?? 0} waiting, ${counts.active ?? 0} active, ${counts.completed ?? 0} done, ${counts.failed ?? 0} failed, ${(counts.delayed ?? 0) + (counts.prioritized ?? 0)} delayed; ${workers} workers\n`,
      );
  } finally {
    await queue.close();
  }
  return 0;
}

export function queueCommand(ctx: Context, done: (code: number) => void): Command {
  const cmd = new Command('queue').description("the render farm's queue");
  const status = new Command('status').description('jobs waiting, active, done and failed, and the workers connected');
  status.addOption(new Option('--queue <redis-url>', 'the Redis of the farm, redis://HOST:PORT'));
  status.addOption(new Option('--queue-name <name>', 'BullMQ queue name (default: t2v)'));
  status.addOption(new Option('--json', 'one JSON object'));
  status.action(async (opts: Record<string, unknown>) => done(await queueStatusAction(opts, ctx)));
  cmd.addCommand(status);
  return cmd;
}
