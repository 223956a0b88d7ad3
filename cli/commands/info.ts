// `t2v info <file>`: the generation parameters stored in a t2v output and the command that makes it again.
import { Command } from 'commander';
import { jsonOption, verboseOption } from '../flags.js';
import type { Context } from '../context.js';

/** The model's defaults when its folder is here (configs only, no network built); else none and the long form only. */
async function modelDefaultsOf(id: string, revision: string, env: NodeJS.ProcessEnv) {
  try {
    const { loadPipeline } = await import('../../core/pipeline/pipeline.js');
    // loading reads the folder and its configs; no session opens, so there is nothing to release
    return (await loadPipeline(revision ? `${id}@${revision}` : id, { env })).defaults;
  } catch {
    return undefined;
  }
}

export async function infoAction(file: string, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  const { readMetadata } = await import('../../video/probe.js');
  const { describeMetadata } = await import('../describe.js');
  const { reproduceCommand } = await import('../reproduce.js');
  const meta = await readMetadata(file);
  const defaults = await modelDefaultsOf(meta.model.id, meta.model.revision, ctx.io.env);
  const full = reproduceCommand(meta);
  const short = defaults ? reproduceCommand(meta, { defaults }) : undefined;
  if (opts.json === true) {
    ctx.io.stdout.write(`${JSON.stringify({ file, metadata: meta, reproduce: full, ...(short ? { reproduceShort: short } : {}) })}\n`);
    return 0;
  }
  const again = short ? `${short}\n\nwith every setting spelled out (config.json and T2V_* cannot change it):\n  ${full}` : full;
  ctx.io.stdout.write(`${describeMetadata(meta)}\n\nto make it again:\n  ${again}\n`);
  return 0;
}

export function infoCommand(ctx: Context, done: (code: number) => void): Command {
  return new Command('info')
    .description('show the parameters stored in a video (or PNG frames) t2v wrote, and the command that reproduces it')
    .argument('<file>', 'an .mp4 / .webm / .gif, a PNG frame, a frame pattern or a frame folder')
    .addOption(jsonOption())
    .addOption(verboseOption())
    .action(async (file: string, opts: Record<string, unknown>) => done(await infoAction(file, opts, ctx)));
}
