// `t2v worker --queue redis://...`: a render-farm worker; takes jobs from the BullMQ queue until interrupted.
import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { addFlags, DEVICES, flagLabel } from '../flags.js';
import { PRECISION_SETTING } from '../generation-settings.js';
import type { Context } from '../context.js';
import { parseChoice, parseInteger } from '../parse.js';
import { UsageError } from '../../core/errors.js';

export async function workerAction(opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  if (typeof opts.queue !== 'string') throw new UsageError('worker needs --queue redis://HOST:PORT (the Redis the batch was submitted to)');
  const device = typeof opts.device === 'string' ? parseChoice('--device', opts.device, DEVICES) : 'auto';
  const threads = typeof opts.threads === 'string' ? parseInteger('--threads', opts.threads, 1, availableParallelism()) : undefined;
  const lockSeconds = typeof opts.lockSeconds === 'string' ? parseInteger('--lock-seconds', opts.lockSeconds, 2, 3600) : 30;
  const precision = typeof opts.precision === 'string' ? PRECISION_SETTING.parse(flagLabel(PRECISION_SETTING.flag), opts.precision) : undefined;
  // asked precision against the device here, in one line, not as every job's failure (fp16 needs shader-f16 on webgpu)
  if (precision) {
    const { resolveDevice } = await import('../../core/runtime/device.js');
    const { resolvePrecision } = await import('../../core/runtime/precision.js');
    await resolvePrecision((await resolveDevice(device)).device, precision);
  }
  // opening the queue checks the URL and that Redis answers, before the engine thread loads the model
  const { openQueue } = await import('../farm/connection.js');
  const queueName = typeof opts.queueName === 'string' ? opts.queueName : 't2v';
  await (await openQueue(queueName, opts.queue)).close();
  const { startFarmWorker } = await import('../farm/worker.js');
  const log = (line: string): void => {
    if (opts.quiet !== true) ctx.io.stderr.write(`t2v worker: ${line}\n`);
  };
  const w = await startFarmWorker({ url: opts.queue, queueName, device, ...(precision ? { precision } : {}), ...(threads ? { threads } : {}), lockSeconds, log });
  log(`waiting for jobs on ${queueName} at ${opts.queue} (device ${device}${precision ? `, precision ${precision}` : ''}); Ctrl-C stops`);
  const onAbort = (): void => {
    log('stopping; a job in progress goes back to the queue');
    void w.close();
  };
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  await w.closed;
  return 0;
}

export function workerCommand(ctx: Context, done: (code: number) => void): Command {
  const cmd = new Command('worker').description('render-farm worker: take generation jobs from a BullMQ queue on Redis, one at a time, the model loaded once');
  cmd.addOption(new Option('--queue <redis-url>', 'the Redis of the farm, redis://HOST:PORT'));
  cmd.addOption(new Option('--queue-name <name>', 'BullMQ queue name (default: t2v)'));
  cmd.addOption(new Option('--device <name>', `where the networks run: ${DEVICES.join(' | ')} (default: auto)`));
  addFlags(cmd, [PRECISION_SETTING.flag]);
  cmd.addOption(new Option('--threads <n>', 'CPU threads for onnxruntime'));
  cmd.addOption(new Option('--lock-seconds <s>', 'how long a job stays locked without a renewal before it is given to another worker (default: 30)'));
  cmd.addOption(new Option('-q, --quiet', 'print nothing'));
  cmd.action(async (opts: Record<string, unknown>) => done(await workerAction(opts, ctx)));
  return cmd;
}
