// Where t2v's own files are: the package root (source or dist), the embedded model, the cache folder.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The folder holding t2v's package.json, found from this module whether it runs from source or dist/. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 't2v') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('t2v: cannot find its own package.json');
    dir = up;
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The embedded default model, shipped in the repository. */
export function defaultModelDir(): string {
  return join(packageRoot(), 'models', 'default');
}

/** `$T2V_CACHE`, else `$XDG_CACHE_HOME/t2v`, else `~/.cache/t2v`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.T2V_CACHE) return env.T2V_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 't2v');
}

/** The Hugging Face hub cache: `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`. */
export function hfHubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HF_HOME) return join(env.HF_HOME, 'hub');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface', 'hub');
}
