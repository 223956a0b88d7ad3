// `t2v models list | info | pull`: the models t2v can use, what one of them defaults to, and fetching one from the Hub.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import type { Context } from '../context.js';
import { formatBytes } from '../fs-size.js';
import { convertCommand } from './models-convert.js';
import { pullCommand } from './models-pull.js';

export interface ModelEntry {
  readonly id: string;
  readonly revision?: string;
  readonly path: string;
  readonly bytes?: number;
  /** One line from the folder's t2v.json: what the model can draw. */
  readonly description?: string;
}

async function description(dir: string): Promise<{ description?: string }> {
  const text = await readFile(join(dir, 't2v.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  try {
    const d = (JSON.parse(text) as { description?: unknown }).description;
    return typeof d === 'string' ? { description: d } : {};
  } catch {
    return {};
  }
}

async function isPipeline(dir: string): Promise<boolean> {
  const text = await readFile(join(dir, 'model_index.json'), 'utf8').catch(() => undefined);
  return text !== undefined && /"_class_name"\s*:\s*"TextToVideoSDPipeline"/.test(text);
}

/** The embedded model and every text-to-video pipeline snapshot in the Hugging Face cache. */
export async function listModels(env: NodeJS.ProcessEnv): Promise<ModelEntry[]> {
  const { defaultModelDir, hfHubCacheDir } = await import('../../models/paths.js');
  const out: ModelEntry[] = [];
  const def = defaultModelDir();
  if (await isPipeline(def)) out.push({ id: 'default', path: def, ...(await runSize(def, 'default')), ...(await description(def)) });
  const hub = hfHubCacheDir(env);
  for (const repo of (await readdir(hub).catch(() => [] as string[])).sort()) {
    if (!repo.startsWith('models--')) continue;
    const id = repo.slice('models--'.length).replace('--', '/');
    for (const snap of await readdir(join(hub, repo, 'snapshots')).catch(() => [] as string[])) {
      const dir = join(hub, repo, 'snapshots', snap);
      if (await isPipeline(dir)) out.push({ id, revision: snap, path: dir, ...(await runSize(dir, id)), ...(await description(dir)) });
    }
  }
  return out;
}

/** The real size of the files a run reads (symlinks into the HF cache's blobs followed), or nothing when unreadable. */
async function runSize(dir: string, id: string): Promise<{ bytes?: number }> {
  const { openModelFolder } = await import('../../models/folder.js');
  const { runFiles } = await import('../../models/run-files.js');
  const folder = await openModelFolder(dir, id).catch(() => undefined);
  return folder ? { bytes: (await runFiles(folder)).bytes } : {};
}

export async function listAction(opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
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
  const d = (await deps.loadPipeline(model, { env: ctx.io.env })).defaults; // no session opens: nothing to release
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
  const json = () => new Option('--json', 'print one JSON object (default: off)');
  const verbose = () => new Option('-v, --verbose', 'stack traces of unexpected errors (default: off)');
  const cmd = new Command('models').description('list the models t2v can use, show one, pull one from the Hugging Face Hub, or convert its .bin checkpoints');
  cmd.addCommand(new Command('list').description('the embedded model and the text-to-video pipelines in the Hugging Face cache ($HF_HUB_CACHE)')
    .addOption(json()).addOption(verbose())
    .action(async (opts: Record<string, unknown>) => done(await listAction(opts, ctx))));
  cmd.addCommand(new Command('info').description("a model's folder, size, U-Net shape and generation defaults")
    .argument('[model]', 'folder, Hub id or name (default: default)')
    .addOption(json()).addOption(verbose())
    .action(async (model: string | undefined, opts: Record<string, unknown>) => done(await infoAction(model, opts, ctx))));
  cmd.addCommand(pullCommand(ctx, done, [json(), verbose()]));
  cmd.addCommand(convertCommand(ctx, done));
  return cmd;
}
