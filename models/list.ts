// The models on this machine: the embedded one and every text-to-video snapshot in the Hugging Face cache.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPipelineFolder } from './hub-pull.js';
import { openModelFolder } from './folder.js';
import { defaultModelDir, hfHubCacheDir } from './paths.js';
import { runFiles } from './run-files.js';

export interface ModelEntry {
  readonly id: string;
  readonly revision?: string;
  readonly path: string;
  readonly bytes?: number;
  /** One line from the folder's t2v.json: what the model can draw. */
  readonly description?: string;
}

/** Bytes under a folder (symlinks counted as links, so the HF cache's blobs count once). */
export async function folderSize(path: string): Promise<number | undefined> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return undefined;
  if (!st.isDirectory()) return st.size;
  let total = 0;
  const entries = await readdir(path).catch(() => [] as string[]);
  for (const name of entries) total += (await folderSize(join(path, name))) ?? 0;
  return total;
}

/** A JSON object file, or undefined when it is absent or unreadable (listing skips such folders quietly). */
async function jsonObject(path: string): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function description(dir: string): Promise<{ description?: string }> {
  const d = (await jsonObject(join(dir, 't2v.json')))?.description;
  return typeof d === 'string' ? { description: d } : {};
}

/** The real size of the files a run reads (symlinks into the HF cache's blobs followed), or nothing when unreadable. */
async function runSize(dir: string, id: string): Promise<{ bytes?: number }> {
  const folder = await openModelFolder(dir, id).catch(() => undefined);
  return folder ? { bytes: (await runFiles(folder)).bytes } : {};
}

/** The embedded model and every text-to-video pipeline snapshot in the Hugging Face cache. */
export async function listModels(env: NodeJS.ProcessEnv): Promise<ModelEntry[]> {
  const out: ModelEntry[] = [];
  const def = defaultModelDir();
  if (await isPipelineFolder(def)) out.push({ id: 'default', path: def, ...(await runSize(def, 'default')), ...(await description(def)) });
  const hub = hfHubCacheDir(env);
  for (const repo of (await readdir(hub).catch(() => [] as string[])).sort()) {
    if (!repo.startsWith('models--')) continue;
    const id = repo.slice('models--'.length).replace('--', '/');
    for (const snap of await readdir(join(hub, repo, 'snapshots')).catch(() => [] as string[])) {
      const dir = join(hub, repo, 'snapshots', snap);
      if (await isPipelineFolder(dir)) out.push({ id, revision: snap, path: dir, ...(await runSize(dir, id)), ...(await description(dir)) });
    }
  }
  return out;
}
