// `t2v info <file>`: the generation parameters stored in a t2v output and the command that makes it again.
import { Command, Option } from 'commander';
import type { Context } from '../context.js';

export async function infoAction(file: string, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  const { readMetadata } = await import('../../video/probe.js');
  const { describeMetadata } = await import('../describe.js');
  const { reproduceCommand } = await import('../reproduce.js');
  const meta = await readMetadata(file);
  if (opts.json === true) {
    ctx.io.stdout.write(`${JSON.stringify({ file, metadata: meta, reproduce: reproduceCommand(meta) })}\n`);
    return 0;
  }
  ctx.io.stdout.write(`${describeMetadata(meta)}\n\nto make it again:\n  ${reproduceCommand(meta)}\n`);
  return 0;
}

export function infoCommand(ctx: Context, done: (code: number) => void): Command {
  return new Command('info')
    .description('show the parameters stored in a video (or PNG frames) t2v wrote, and the command that reproduces it')
    .argument('<file>', 'an .mp4 / .webm / .gif, a PNG frame, a frame pattern or a frame folder')
    .addOption(new Option('--json', 'print one JSON object (default: off)'))
    .addOption(new Option('-v, --verbose', 'stack traces of unexpected errors (default: off)'))
    .action(async (file: string, opts: Record<string, unknown>) => done(await infoAction(file, opts, ctx)));
}
