// `t2v models pull`: plans (commit, listing, the files t2v reads, sizes) then fetches a Hub repository into the Hugging Face cache, every blob checked.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { EXIT, T2vError } from '../core/errors.js';
import { PIPELINE_CLASSES } from './folder.js';
import { checkBlob, fetchBlob } from './hub/blob.js';
import { DEFAULT_TIMEOUT_S, interrupted, type HubClient } from './hub/http.js';
import { inside, parseHubSpec, quote } from './hub/names.js';
import { pipelineParts, selectFiles } from './hub/select.js';
import { listFiles, resolveCommit, type RemoteFile } from './hub/tree.js';

export { parseHubSpec } from './hub/names.js';

const MAX_INDEX_BYTES = 1 << 20;

export interface PullOptions {
  /** org/name, optionally @revision. */
  readonly spec: string;
  readonly cacheDir: string;
  /** `$HF_ENDPOINT`, as huggingface_hub reads it; default https://huggingface.co. */
  readonly hubUrl?: string;
  readonly accessToken?: string;
  readonly signal?: AbortSignal;
  /** Seconds without a byte before a request is given up. */
  readonly timeoutS?: number;
  readonly variant?: string;
  readonly include?: readonly string[];
  /** Bytes done of `total` (cached ones included) and the file being fetched. */
  readonly onBytes?: (done: number, total: number, file: string) => void;
  /** One line about the cache (a damaged blob fetched again). */
  readonly onNote?: (line: string) => void;
}

export interface PullPlan {
  readonly hubId: string;
  readonly revision: string;
  readonly commit: string;
  readonly repoDir: string;
  readonly dir: string;
  readonly files: readonly RemoteFile[];
  readonly skipped: readonly RemoteFile[];
  readonly bytes: number;
  /** Bytes of the chosen files whose blobs are already in the cache at the listed size (hashes are checked by the pull). */
  readonly cachedBytes: number;
  /** Bytes the plan itself received (model_index.json). */
  readonly fetchedBytes: number;
}

export interface PullResult {
  readonly hubId: string;
  readonly revision: string;
  readonly dir: string;
  readonly files: number;
  readonly skipped: number;
  /** Bytes received from the network in this pull. */
  readonly bytes: number;
}

function client(opts: PullOptions): HubClient {
  return {
    endpoint: (opts.hubUrl || 'https://huggingface.co').replace(/\/+$/, ''),
    timeoutMs: (opts.timeoutS ?? DEFAULT_TIMEOUT_S) * 1000,
    ...(opts.accessToken ? { token: opts.accessToken } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
}

function resolveUrl(c: HubClient, hubId: string, commit: string, path: string): string {
  return `${c.endpoint}/${hubId}/resolve/${commit}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** Prefixes the spec to a failure's line; the interrupt keeps its own. */
async function named<T>(spec: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof T2vError && e.exitCode !== EXIT.interrupted && !e.message.startsWith('models pull')) throw new T2vError(`models pull ${quote(spec)}: ${e.template}`, e.exitCode);
    throw e;
  }
}

async function blobPath(repoDir: string, file: RemoteFile): Promise<string> {
  await mkdir(join(repoDir, 'blobs'), { recursive: true });
  return inside(repoDir, 'blobs', file.blob);
}

/** The part folders model_index.json names, fetching it first (it is small); undefined without one. */
async function partsOf(c: HubClient, hubId: string, commit: string, repoDir: string, files: readonly RemoteFile[]): Promise<{ parts?: string[]; fetched: number }> {
  const index = files.find((f) => f.path === 'model_index.json');
  // a model_index.json is a few hundred bytes: a huge one is not read (then every folder counts)
  if (!index || index.size > MAX_INDEX_BYTES) return { fetched: 0 };
  const path = await blobPath(repoDir, index);
  let fetched = 0;
  if ((await checkBlob(path, index)) !== undefined) {
    await fetchBlob(c, index, resolveUrl(c, hubId, commit, index.path), path, (delta, network) => {
      if (network) fetched += delta;
    });
  }
  try {
    const parts = pipelineParts(JSON.parse(await readFile(path, 'utf8')) as unknown);
    return { ...(parts ? { parts } : {}), fetched };
  } catch {
    return { fetched };
  }
}

/** Resolves the commit, lists and checks the files, picks what t2v reads and sums the sizes; writes only model_index.json's blob. */
export async function planPull(opts: PullOptions): Promise<PullPlan> {
  const { hubId, revision } = parseHubSpec(opts.spec);
  return named(opts.spec, async () => {
    const c = client(opts);
    const commit = await resolveCommit(c, hubId, revision);
    const all = await listFiles(c, hubId, commit);
    const repoDir = inside(opts.cacheDir, `models--${hubId.replace('/', '--')}`);
    const cached = new Set<string>();
    for (const f of all) {
      const st = await stat(join(repoDir, 'blobs', f.blob)).catch(() => undefined);
      if (st?.isFile() && st.size === f.size) cached.add(f.path);
    }
    const { parts, fetched } = await partsOf(c, hubId, commit, repoDir, all);
    const { files, skipped } = selectFiles(all, { ...(opts.variant ? { variant: opts.variant } : {}), ...(opts.include ? { include: opts.include } : {}), ...(parts ? { parts } : {}) });
    const cachedBytes = files.reduce((n, f) => n + (cached.has(f.path) ? f.size : 0), 0);
    const bytes = files.reduce((n, f) => n + f.size, 0);
    return { hubId, revision, commit, repoDir, dir: inside(repoDir, 'snapshots', commit), files, skipped, bytes, cachedBytes, fetchedBytes: fetched };
  });
}

/** Points `link` at `target` by a relative symlink, replaced in one rename; its folder must really be inside `root`. */
async function linkInto(root: string, link: string, target: string): Promise<void> {
  await mkdir(dirname(link), { recursive: true });
  const [realRoot, realDir] = await Promise.all([realpath(root), realpath(dirname(link))]);
  inside(realRoot, relative(realRoot, realDir), 'x');
  const temp = `${link}.t2v-${randomBytes(6).toString('hex')}.link`;
  await rm(temp, { force: true });
  await symlink(relative(dirname(link), target), temp);
  await rename(temp, link).catch(async (e: unknown) => {
    await rm(temp, { force: true });
    throw new T2vError(`cannot put ${link} in place (${(e as { code?: string }).code ?? String(e)}); remove it and run again`);
  });
}

async function writeRef(repoDir: string, revision: string, commit: string): Promise<void> {
  const ref = inside(repoDir, 'refs', ...revision.split('/'));
  await mkdir(dirname(ref), { recursive: true });
  const temp = `${ref}.t2v-${randomBytes(6).toString('hex')}`;
  await writeFile(temp, commit);
  await rename(temp, ref);
}

/** Fetches every planned file whose blob is missing, short or damaged, then links the snapshot, then writes the ref. */
export async function runPull(plan: PullPlan, opts: PullOptions): Promise<PullResult> {
  return named(opts.spec, async () => {
    const c = client(opts);
    let done = 0;
    let received = plan.fetchedBytes;
    for (const file of plan.files) {
      if (opts.signal?.aborted) throw interrupted();
      const blob = await blobPath(plan.repoDir, file);
      const bad = await checkBlob(blob, file);
      if (bad !== undefined) {
        if (bad !== 'missing') opts.onNote?.(`${file.path}: the blob in the cache is damaged (${bad}); fetching it again`);
        const start = done;
        const progress = (delta: number, network: boolean): void => {
          done += delta;
          if (network) received += delta;
          opts.onBytes?.(done, plan.bytes, file.path);
        };
        const wait = (pid: number): void => opts.onNote?.(`waiting for another t2v (pid ${pid}) that is fetching ${file.path} into the same cache`);
        await fetchBlob(c, file, resolveUrl(c, plan.hubId, plan.commit, file.path), blob, progress, wait);
        // counted whole whichever way it arrived (fetched, resumed, or by another pull this one waited for)
        done = start + file.size;
      } else {
        done += file.size;
        opts.onBytes?.(done, plan.bytes, file.path);
      }
    }
    // the snapshot and the ref appear only once every blob is there and checked: a failed pull leaves no half snapshot
    for (const file of plan.files) await linkInto(plan.repoDir, inside(plan.dir, ...file.path.split('/')), inside(plan.repoDir, 'blobs', file.blob));
    if (plan.revision !== plan.commit) await writeRef(plan.repoDir, plan.revision, plan.commit);
    return { hubId: plan.hubId, revision: plan.commit, dir: plan.dir, files: plan.files.length, skipped: plan.skipped.length, bytes: received };
  });
}

/** Whether `dir` holds a model_index.json of a pipeline class t2v runs. */
export async function isPipelineFolder(dir: string): Promise<boolean> {
  try {
    const cls = (JSON.parse(await readFile(join(dir, 'model_index.json'), 'utf8')) as { _class_name?: unknown })._class_name;
    return PIPELINE_CLASSES.some((c) => c === cls);
  } catch {
    return false;
  }
}
