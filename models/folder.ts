// A diffusers pipeline folder: found by path, Hub id (in the Hugging Face cache) or name, and checked part by part.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { settingRef, T2vError, UsageError } from '../core/errors.js';
import { COMMIT, isRef, quote } from './hub/names.js';
import { asObject, readJsonFile } from './json.js';
import { defaultModelDir, hfHubCacheDir } from './paths.js';

export type PartName = 'unet' | 'vae' | 'text_encoder' | 'tokenizer' | 'scheduler';

/** The `_class_name` (diffusers) or `architectures[0]` / `tokenizer_class` (transformers) each part may have. */
export const PART_CLASSES: Readonly<Record<PartName, readonly string[]>> = {
  unet: ['UNet3DConditionModel'],
  vae: ['AutoencoderKL'],
  text_encoder: ['CLIPTextModel'],
  tokenizer: ['CLIPTokenizer', 'CLIPTokenizerFast'],
  scheduler: ['DDIMScheduler', 'DPMSolverMultistepScheduler', 'EulerDiscreteScheduler', 'PNDMScheduler', 'DDPMScheduler'],
};

const CONFIG_FILE: Readonly<Record<PartName, string>> = {
  unet: 'config.json',
  vae: 'config.json',
  text_encoder: 'config.json',
  tokenizer: 'tokenizer_config.json',
  scheduler: 'scheduler_config.json',
};

export const PIPELINE_CLASSES = ['TextToVideoSDPipeline'] as const;

export interface ModelFolder {
  /** Absolute path of the pipeline folder (holds model_index.json). */
  readonly root: string;
  /** What the user named: a path, a Hub id or `default`. */
  readonly id: string;
  /** The Hub snapshot revision when it came from the Hugging Face cache. */
  readonly revision?: string;
  readonly index: Readonly<Record<string, unknown>>;
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** The folder of a Hub id inside the Hugging Face cache, at `revision` (a ref name or commit) or `main`. */
export async function findInHfCache(hubId: string, revision = 'main', env: NodeJS.ProcessEnv = process.env): Promise<{ dir: string; revision: string } | undefined> {
  const repoDir = join(hfHubCacheDir(env), `models--${hubId.replace('/', '--')}`);
  if (!(await isDir(repoDir))) return undefined;
  // a ref name or the content of a ref file becomes a path: only names that stay in refs/ and 40-hex commits are used
  if (!isRef(revision)) return undefined;
  let commit = revision;
  const ref = await readFile(join(repoDir, 'refs', revision), 'utf8').catch(() => undefined);
  if (ref !== undefined) {
    commit = ref.trim();
    if (!COMMIT.test(commit)) throw new T2vError(`${join(repoDir, 'refs', revision)} holds ${quote(commit)}, not a commit id; delete it and run \`t2v models pull ${hubId}\` again`);
  }
  const snap = join(repoDir, 'snapshots', commit);
  if (COMMIT.test(commit) && (await isDir(snap))) return { dir: snap, revision: commit };
  // no ref file: take the only snapshot, as an offline diffusers would when it was downloaded once
  const snaps = (await readdir(join(repoDir, 'snapshots')).catch(() => [] as string[])).filter((s) => COMMIT.test(s));
  if (revision === 'main' && snaps.length === 1) return { dir: join(repoDir, 'snapshots', snaps[0]!), revision: snaps[0]! };
  return undefined;
}

/** Resolves `--model`: `default` (or nothing), a folder path, or a Hub id `org/name[@revision]` in the HF cache. */
export async function resolveModel(spec: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ModelFolder> {
  if (!spec || spec === 'default') return openModelFolder(defaultModelDir(), 'default');
  if (await isDir(spec)) return openModelFolder(resolve(spec), spec);
  const [hubId, revision] = spec.split('@') as [string, string | undefined];
  if (HUB_ID.test(hubId) && !spec.startsWith('.') && !spec.startsWith('/')) {
    const found = await findInHfCache(hubId, revision, env);
    if (found) return openModelFolder(found.dir, hubId, found.revision);
    throw new UsageError(`model ${spec} is not in the Hugging Face cache (${hfHubCacheDir(env)}); run \`t2v models pull ${hubId}\` or pass a folder path`);
  }
  throw new UsageError(`${settingRef('model')} ${spec}: no such folder; pass a diffusers model folder, a Hub id like damo-vilab/text-to-video-ms-1.7b, or "default"`);
}

/** Reads model_index.json and checks that it is a text-to-video pipeline with every part present. */
export async function openModelFolder(root: string, id: string, revision?: string): Promise<ModelFolder> {
  const indexPath = join(root, 'model_index.json');
  if (
    !(await stat(indexPath).then(
      () => true,
      () => false,
    ))
  ) {
    throw new UsageError(`${indexPath} is missing: ${root} is not a diffusers pipeline folder; point ${settingRef('model')} at the folder that holds model_index.json`);
  }
  const index = asObject(await readJsonFile(indexPath), indexPath);
  const cls = index._class_name;
  if (!PIPELINE_CLASSES.includes(cls as (typeof PIPELINE_CLASSES)[number])) {
    throw new T2vError(`${indexPath}: _class_name ${JSON.stringify(cls)} is not supported; t2v runs ${PIPELINE_CLASSES.join(', ')} folders`);
  }
  const folder: ModelFolder = { root, id, index, ...(revision ? { revision } : {}) };
  for (const part of Object.keys(CONFIG_FILE) as PartName[]) {
    if (!(part in index)) throw new T2vError(`${indexPath} lists no ${part}; the folder is incomplete`);
  }
  return folder;
}

export function partDir(folder: ModelFolder, part: PartName): string {
  return join(folder.root, part);
}

/** The config object of one part, its class checked against what t2v can run. */
export async function readPartConfig(folder: ModelFolder | string, part: PartName): Promise<Record<string, unknown>> {
  const dir = typeof folder === 'string' ? folder : partDir(folder, part);
  const path = join(dir, CONFIG_FILE[part]);
  if (
    !(await stat(path).then(
      (s) => s.isFile(),
      () => false,
    ))
  ) {
    throw new T2vError(`${path} is missing; the ${part} part of the model folder is incomplete`);
  }
  const config = asObject(await readJsonFile(path), path);
  const architectures = config.architectures;
  const cls = config._class_name ?? (Array.isArray(architectures) ? architectures[0] : undefined) ?? config.tokenizer_class;
  if (cls !== undefined && !PART_CLASSES[part].includes(String(cls))) {
    throw new T2vError(`${path}: ${part} class ${JSON.stringify(cls)} is not supported; expected ${PART_CLASSES[part].join(' or ')}`);
  }
  return config;
}
