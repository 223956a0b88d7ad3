// `t2v models convert FOLDER`: writes a safetensors file beside each .bin checkpoint of a model folder (or a Hub id in the cache).
import { Command } from 'commander';
import { jsonOption, verboseOption } from '../flags.js';
import type { Context } from '../context.js';

export async function convertAction(model: string, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  const { resolveModel } = await import('../../models/folder.js');
  const { convertFolder, describeConverted } = await import('../../models/convert.js');
  const { stat } = await import('node:fs/promises');
  const isDir = await stat(model).then(
    (s) => s.isDirectory(),
    () => false,
  );
  // a part folder (unet/) or any folder of .bin files converts as is; otherwise resolve it like --model
  const root = isDir ? model : (await resolveModel(model, ctx.io.env)).root;
  const done = await convertFolder(root);
  if (opts.json === true) ctx.io.stdout.write(`${JSON.stringify({ converted: done })}\n`);
  else for (const c of done) ctx.io.stdout.write(`${describeConverted(c)}\n`);
  return 0;
}

export function convertCommand(ctx: Context, done: (code: number) => void): Command {
  return new Command('convert')
    .description('write a .safetensors file beside each .bin checkpoint (read with a restricted unpickler: tensors only, nothing executed)')
    .argument('<model>', 'a model folder, a part folder or a Hub id in the Hugging Face cache')
    .addOption(jsonOption())
    .addOption(verboseOption())
    .action(async (model: string, opts: Record<string, unknown>) => done(await convertAction(model, opts, ctx)));
}
