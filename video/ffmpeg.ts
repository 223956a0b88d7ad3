// Finds a working ffmpeg binary: T2V_FFMPEG / FFMPEG_PATH, then ffmpeg-static, @ffmpeg-installer/ffmpeg, then PATH.
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { T2vError } from '../core/errors.js';

export type FfmpegSource = 'T2V_FFMPEG' | 'FFMPEG_PATH' | 'ffmpeg-static' | '@ffmpeg-installer/ffmpeg' | 'PATH';

export interface FfmpegInfo {
  readonly path: string;
  readonly source: FfmpegSource;
  /** As `ffmpeg -version` prints it, e.g. "6.1.1" or "N-47683-g0e8eb07980-static". */
  readonly version: string;
}

/** An npm package that ships ffmpeg: resolves to a binary path, or says why not. */
export interface PackageCandidate {
  readonly source: 'ffmpeg-static' | '@ffmpeg-installer/ffmpeg';
  readonly resolve: () => string;
}

const require = createRequire(import.meta.url);

/** The packages in lookup order; each require() is lazy so a missing optional package is just "not installed". */
export const PACKAGES: readonly PackageCandidate[] = [
  {
    source: 'ffmpeg-static',
    resolve: () => {
      const p: unknown = require('ffmpeg-static');
      if (typeof p !== 'string' || p === '') throw new Error('has no binary for this platform');
      return p;
    },
  },
  {
    source: '@ffmpeg-installer/ffmpeg',
    resolve: () => {
      const m: unknown = require('@ffmpeg-installer/ffmpeg');
      const p = typeof m === 'object' && m !== null && 'path' in m ? m.path : undefined;
      if (typeof p !== 'string' || p === '') throw new Error('has no binary for this platform');
      return p;
    },
  },
];

function why(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; signal?: unknown; killed?: unknown };
  if (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND') return 'not installed';
  if (e.killed === true) return 'did not answer within 15 s';
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  if (typeof e.code === 'number') return `exit status ${e.code}`;
  if (typeof e.signal === 'string') return `killed by ${e.signal}`;
  return String(e.message ?? err).split('\n')[0] ?? 'failed';
}

/** Runs `ffmpeg -version`; resolves to the version or rejects with a short reason. */
export function ffmpegVersion(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(path, ['-version'], { timeout: 15_000, windowsHide: true }, (err, stdout) => {
      if (err) return reject(new Error(why(err)));
      const m = /^ffmpeg version (\S+)/.exec(String(stdout));
      if (!m?.[1]) return reject(new Error('does not print "ffmpeg version"'));
      resolve(m[1]);
    });
  });
}

/** The first executable named ffmpeg on PATH, or undefined. */
function onPath(env: NodeJS.ProcessEnv): string | undefined {
  const names = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE').split(';').map((ext) => `ffmpeg${ext.toLowerCase()}`) : ['ffmpeg'];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of names) {
      const p = join(dir, name);
      try {
        if (statSync(p).isFile()) {
          accessSync(p, constants.X_OK);
          return p;
        }
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

/** One line for `t2v doctor`: which ffmpeg, from where. */
export function ffmpegSummary(info: FfmpegInfo): string {
  return `ffmpeg ${info.version} (${info.source}: ${info.path})`;
}

const cache = new Map<string, Promise<FfmpegInfo>>();

/**
 * The ffmpeg to use, verified by running it. An env override that does not run is an error naming the variable
 * (not a silent fallback); otherwise each candidate that fails is skipped and listed in the final error.
 */
export function findFfmpeg(env: NodeJS.ProcessEnv = process.env, packages: readonly PackageCandidate[] = PACKAGES): Promise<FfmpegInfo> {
  const key = JSON.stringify([env.T2V_FFMPEG, env.FFMPEG_PATH, env.PATH, packages.map((p) => p.source)]);
  let found = cache.get(key);
  if (!found) {
    found = lookup(env, packages);
    cache.set(key, found);
    found.catch(() => cache.delete(key));
  }
  return found;
}

async function lookup(env: NodeJS.ProcessEnv, packages: readonly PackageCandidate[]): Promise<FfmpegInfo> {
  for (const source of ['T2V_FFMPEG', 'FFMPEG_PATH'] as const) {
    const path = env[source];
    if (path === undefined || path === '') continue;
    try {
      return { path, source, version: await ffmpegVersion(path) };
    } catch (err) {
      throw new T2vError(`${source}=${path} does not run ffmpeg (${(err as Error).message}); point it at an ffmpeg binary or unset it`);
    }
  }
  const tried: string[] = [];
  for (const pkg of packages) {
    try {
      const path = pkg.resolve();
      return { path, source: pkg.source, version: await ffmpegVersion(path) };
    } catch (err) {
      tried.push(`${pkg.source}: ${why(err)}`);
    }
  }
  const path = onPath(env);
  if (path !== undefined) {
    try {
      return { path, source: 'PATH', version: await ffmpegVersion(path) };
    } catch (err) {
      tried.push(`PATH ${path}: ${(err as Error).message}`);
    }
  } else {
    tried.push('PATH: no ffmpeg');
  }
  throw new T2vError(`no working ffmpeg found (${tried.join('; ')}); install ffmpeg or set T2V_FFMPEG=/path/to/ffmpeg`);
}
