// The files a generation reads from a model folder (configs, the chosen weight files, tokenizer files), with their real sizes.
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { weightIdentity } from './cache.js';
import type { ModelFolder } from './folder.js';
import { isFile } from './safetensors.js';

export interface RunFiles {
  /** Real paths (symlinks followed, each blob once) and their sizes. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly size: number }>;
  readonly bytes: number;
  /** Parts whose weights t2v cannot read as they are (no safetensors). */
  readonly missing: readonly string[];
}

const CONFIGS = ['model_index.json', 'unet/config.json', 'vae/config.json', 'text_encoder/config.json', 'scheduler/scheduler_config.json'];
const TOKENIZER = ['tokenizer_config.json', 'special_tokens_map.json'];

/** What `t2v` opens to run this folder: the same weight file choice as Weights.openPart (fp32 first, else the fp16 variant). */
export async function runFiles(folder: ModelFolder): Promise<RunFiles> {
  const paths: string[] = CONFIGS.map((c) => join(folder.root, c));
  const tok = join(folder.root, 'tokenizer');
  const tokenizerFiles = (await isFile(join(tok, 'tokenizer.json'))) ? ['tokenizer.json'] : ['vocab.json', 'merges.txt'];
  for (const f of [...tokenizerFiles, ...TOKENIZER]) paths.push(join(tok, f));
  const missing: string[] = [];
  const seen = new Map<string, number>();
  for (const [part, stem] of [
    ['unet', 'diffusion_pytorch_model'],
    ['vae', 'diffusion_pytorch_model'],
    ['text_encoder', 'model'],
  ] as const) {
    try {
      const files = (await weightIdentity({ dir: join(folder.root, part) }, stem)) as Array<{ path: string; size: number }>;
      for (const f of files) seen.set(f.path, f.size);
    } catch {
      missing.push(part);
    }
  }
  for (const p of paths) {
    const real = await realpath(p).catch(() => undefined);
    if (!real) continue;
    const st = await stat(real).catch(() => undefined);
    if (st?.isFile()) seen.set(real, st.size);
  }
  const files = [...seen].map(([path, size]) => ({ path, size }));
  return { files, bytes: files.reduce((a, f) => a + f.size, 0), missing };
}
