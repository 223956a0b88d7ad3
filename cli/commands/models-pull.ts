// `t2v models pull`: shows what it will fetch and how much, asks on a terminal (--yes for scripts), then fetches with a byte bar.
import { Command, Option } from 'commander';
import { EXIT, InterruptedError, UsageError } from '../../core/errors.js';
import type { Context } from '../context.js';
import { byteBar } from '../byte-bar.js';
import { formatBytes } from '../fs-size.js';
import { flagLabel, type FlagSpec } from '../flag-spec.js';
import { DEFAULT_TIMEOUT_S } from '../../models/hub/http.js';

/** The Hub client's idle timeout (models/hub/http.ts names it as the setting `timeout`). */
export const TIMEOUT_FLAG: FlagSpec = {
  key: 'timeout',
  flags: '--timeout <seconds>',
  description: `give up a request after this long without data (default: HF_HUB_DOWNLOAD_TIMEOUT or ${DEFAULT_TIMEOUT_S})`,
  configurable: false,
};

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function timeoutOf(value: unknown, env: NodeJS.ProcessEnv, fallback: number): number {
  const given = value ?? env.HF_HUB_DOWNLOAD_TIMEOUT;
  if (given === undefined || given === '') return fallback;
  const s = Number(given);
  if (!Number.isFinite(s) || s <= 0 || s > 3600) {
    throw new UsageError(`${value === undefined ? 'HF_HUB_DOWNLOAD_TIMEOUT' : flagLabel(TIMEOUT_FLAG)} ${String(given)}: pass seconds between 0 and 3600, like 30`);
  }
  return s;
}

/** Waits for a line on the terminal; Ctrl-C (the signal) counts as no. */
async function confirm(ctx: Context, question: string): Promise<boolean> {
  const stdin = ctx.io.stdin;
  if (!stdin) return false;
  ctx.io.stderr.write(question);
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: stdin, terminal: false });
  try {
    return await new Promise<boolean>((resolve) => {
      rl.once('line', (answer) => resolve(/^\s*y(es)?\s*$/i.test(answer)));
      rl.once('close', () => resolve(false));
      ctx.signal.addEventListener('abort', () => resolve(false), { once: true });
    });
  } finally {
    rl.close();
  }
}

export async function pullAction(spec: string, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  const { planPull, runPull, isPipelineFolder } = await import('../../models/hub-pull.js');
  const { hfHubCacheDir } = await import('../../models/paths.js');
  const env = ctx.io.env;
  const variant = opts.variant as string | undefined;
  if (variant !== undefined && !/^[A-Za-z0-9_]{1,32}$/.test(variant)) throw new UsageError(`--variant ${variant}: pass a variant name like fp16`);
  const token = env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN;
  const bar = byteBar(ctx.io.stderr);
  const pullOpts = {
    spec,
    cacheDir: hfHubCacheDir(env),
    ...(env.HF_ENDPOINT ? { hubUrl: env.HF_ENDPOINT } : {}),
    ...(token ? { accessToken: token } : {}),
    signal: ctx.signal,
    timeoutS: timeoutOf(opts.timeout, env, DEFAULT_TIMEOUT_S),
    ...(variant ? { variant } : {}),
    ...(Array.isArray(opts.include) ? { include: opts.include as string[] } : {}),
    ...(opts.quiet === true ? {} : { onBytes: (done: number, total: number, file: string) => bar.update(done, total, file) }),
    onNote: (line: string) => ctx.io.stderr.write(`t2v: ${line}\n`),
  };
  const plan = await planPull(pullOpts);
  const toFetch = plan.bytes - plan.cachedBytes;
  const skippedBytes = plan.skipped.reduce((n, f) => n + f.size, 0);
  ctx.io.stderr.write(
    `${plan.hubId}@${plan.commit.slice(0, 12)}: ${plan.files.length} files, ${formatBytes(plan.bytes)}` +
      `${plan.cachedBytes > 0 ? ` (${formatBytes(plan.cachedBytes)} already in the cache)` : ''}` +
      `${plan.skipped.length > 0 ? `; leaving out ${plan.skipped.length} files (${formatBytes(skippedBytes)}) t2v does not read (--include GLOB adds them)` : ''}\n`,
  );
  if (toFetch > 0 && opts.yes !== true) {
    if (ctx.io.stdin?.isTTY !== true || ctx.io.stderr.isTTY !== true) {
      throw new UsageError(`models pull ${spec}: ${formatBytes(toFetch)} to fetch and no terminal to ask; pass --yes to fetch without asking`);
    }
    const yes = await confirm(ctx, `fetch ${formatBytes(toFetch)}? [y/N] `);
    if (ctx.signal.aborted) throw new InterruptedError('interrupted; nothing fetched');
    if (!yes) {
      ctx.io.stderr.write('t2v: nothing fetched\n');
      return EXIT.runtime;
    }
  }
  const result = await runPull(plan, pullOpts);
  bar.finish();
  const usable = await isPipelineFolder(result.dir);
  if (opts.json === true) {
    ctx.io.stdout.write(`${JSON.stringify({ ...result, total: plan.bytes, textToVideo: usable })}\n`);
  } else {
    ctx.io.stdout.write(`${result.hubId}@${result.revision}: ${result.files} files, ${formatBytes(result.bytes)} fetched, in ${result.dir}\n`);
    if (!usable) ctx.io.stderr.write(`t2v: warning: ${result.hubId} is not a TextToVideoSDPipeline folder; t2v cannot generate with it\n`);
  }
  return 0;
}

export function pullCommand(ctx: Context, done: (code: number) => void, shared: readonly Option[]): Command {
  const cmd = new Command('pull')
    .description('download what t2v reads of org/name[@revision] into the Hugging Face cache (HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE honoured)')
    .argument('<hub id>', 'like damo-vilab/text-to-video-ms-1.7b or org/name@revision')
    .addOption(new Option('--variant <name>', 'weights variant, like fp16 (default: the plain files, else fp16)'))
    .addOption(new Option('--include <glob>', 'also fetch files matching the glob; repeatable, like "*.bin" or "**" for everything').argParser(collect))
    .addOption(new Option('-y, --yes', 'fetch without asking (default: ask on a terminal, refuse otherwise)'))
    .addOption(new Option(TIMEOUT_FLAG.flags, TIMEOUT_FLAG.description))
    .addOption(new Option('-q, --quiet', 'no progress bar (default: off)'));
  for (const o of shared) cmd.addOption(o);
  return cmd.action(async (spec: string, opts: Record<string, unknown>) => done(await pullAction(spec, opts, ctx)));
}
