// `t2v models list | info | pull`: the models t2v can use, what one of them defaults to, and fetching one from the Hub.
import { Command } from 'commander';
import { jsonOption, verboseOption } from '../flags.js';
import type { Context } from '../context.js';
import { formatBytes } from '../fs-size.js';
import { convertCommand } from './models-convert.js';
import { pullCommand } from './models-pull.js';

export async function listAction(opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  const { listModels } = await import('../../models/list.js');
  const models = await listModels(ctx.io.env);
  if (opts.json === true) {
    ctx.io.stdout.write(`${JSON.stringify({ models })}\n`);
    return 0;
  }
  if (models.length === 0) ctx.io.stdout.write('no models yet; fetch one with: t2v models pull damo-vilab/text-to-video-ms-1.7b\n');
  for (const m of models) {
    ctx.io.stdout.write(`${m.id}${m.revision ? `@${m.revision.slice(0, 12)}` : ''}  ${m.bytes === undefined ? '?' : formatBytes(m.bytes)}  ${m.path}\n`);
    if (m.description) ctx.io.stdout.write(`  ${m.description}\n`);
  }
  return 0;
}

export async function infoAction(model: string | undefined, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  const { resolveModel, readPartConfig } = await import('../../models/folder.js');
  const folder = await resolveModel(model, ctx.io.env);
  const deps = await ctx.deps();
  const d = (await deps.loadPipeline(folder, { env: ctx.io.env })).defaults; // no session opens: nothing to release
  const unet = await readPartConfig(folder, 'unet');
  const { runFiles } = await import('../../models/run-files.js');
  const read = await runFiles(folder);
  const bytes = read.bytes;
  const info = {
    id: folder.id,
    name: d.name,
    ...(d.description ? { description: d.description } : {}),
    revision: folder.revision ?? null,
    path: folder.root,
    bytes,
    files: read.files.length,
    ...(read.missing.length ? { missingWeights: read.missing } : {}),
    unet: { blockOutChannels: unet.block_out_channels ?? null, sampleSize: unet.sample_size ?? null, crossAttentionDim: unet.cross_attention_dim ?? null },
    defaults: { frames: d.frames, width: d.width, height: d.height, steps: d.steps, guidance: d.guidanceScale, fps: d.fps, scheduler: d.scheduler, freeu: d.freeu },
  };
  if (opts.json === true) {
    ctx.io.stdout.write(`${JSON.stringify(info)}\n`);
    return 0;
  }
  const f = d.freeu;
  const lines = [
    `${info.name}${info.revision ? ` @ ${info.revision}` : ''}`,
    ...(d.description ? [`  ${d.description}`] : []),
    `  path      ${info.path} (${formatBytes(bytes)} in the ${read.files.length} files a run reads)`,
    ...(read.missing.length ? [`  weights   ${read.missing.join(', ')}: no .safetensors (run \`t2v models convert\` on .bin checkpoints)`] : []),
    `  unet      block_out_channels ${JSON.stringify(info.unet.blockOutChannels)}, sample_size ${String(info.unet.sampleSize)}`,
    `  defaults  ${d.frames} frames, ${d.width}x${d.height}, ${d.steps} steps ${d.scheduler}, guidance ${d.guidanceScale}, ${d.fps} fps`,
    `  freeu     b1 ${f.b1} b2 ${f.b2} s1 ${f.s1} s2 ${f.s2} (what --freeu applies)`,
  ];
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export function modelsCommand(ctx: Context, done: (code: number) => void): Command {
  const cmd = new Command('models').description('list the models t2v can use, show one, pull one from the Hugging Face Hub, or convert its .bin checkpoints');
  cmd.addCommand(
    new Command('list')
      .description('the embedded model and the text-to-video pipelines in the Hugging Face cache ($HF_HUB_CACHE)')
      .addOption(jsonOption())
      .addOption(verboseOption())
      .action(async (opts: Record<string, unknown>) => done(await listAction(opts, ctx))),
  );
  cmd.addCommand(
    new Command('info')
      .description("a model's folder, size, U-Net shape and generation defaults")
      .argument('[model]', 'folder, Hub id or name (default: default)')
      .addOption(jsonOption())
      .addOption(verboseOption())
      .action(async (model: string | undefined, opts: Record<string, unknown>) => done(await infoAction(model, opts, ctx))),
  );
  cmd.addCommand(pullCommand(ctx, done, [jsonOption(), verboseOption()]));
  cmd.addCommand(convertCommand(ctx, done));
  return cmd;
}
