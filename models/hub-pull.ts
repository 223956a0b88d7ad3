// Downloads a Hub repository into the Hugging Face cache through @huggingface/hub (`t2v models pull`), counting the bytes as they arrive.
import { InterruptedError, T2vError, UsageError } from '../core/errors.js';

export interface PullOptions {
  /** org/name, optionally @revision. */
  readonly spec: string;
  readonly cacheDir: string;
  /** `$HF_ENDPOINT`, as huggingface_hub reads it; default https://huggingface.co. */
  readonly hubUrl?: string;
  readonly accessToken?: string;
  readonly signal?: AbortSignal;
  /** Bytes received so far of `total` (the sum of the listed file sizes), and the file being fetched. */
  readonly onBytes?: (done: number, total: number, file: string) => void;
}

export interface PullResult {
  readonly hubId: string;
  readonly revision: string;
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export function parseHubSpec(spec: string): { hubId: string; revision: string } {
  const [hubId, revision = 'main', ...rest] = spec.split('@');
  if (!hubId || !HUB_ID.test(hubId) || rest.length > 0 || revision === '') {
    throw new UsageError(`models pull ${spec}: not a Hub id; pass org/name or org/name@revision, like damo-vilab/text-to-video-ms-1.7b`);
  }
  return { hubId, revision };
}

function headerOf(init: RequestInit | undefined, name: string): string | undefined {
  const h = init?.headers;
  if (!h) return undefined;
  if (h instanceof Headers) return h.get(name) ?? undefined;
  if (Array.isArray(h)) return h.find(([k]) => k?.toLowerCase() === name.toLowerCase())?.[1];
  const rec = h as Record<string, string>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : rec[key];
}

/** A fetch that honours `signal` and counts the body bytes of file downloads (not the 1-byte size probes). */
export function countingFetch(signal: AbortSignal | undefined, onChunk: (bytes: number, url: string) => void): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, { ...init, ...(signal ? { signal } : {}) });
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.includes('/resolve/') || headerOf(init, 'range') === 'bytes=0-0' || !res.body) return res;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onChunk(chunk.byteLength, url);
        controller.enqueue(chunk);
      },
    });
    return new Response(res.body.pipeThrough(counter), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

function describe(e: unknown): string {
  const err = e as { message?: string; statusCode?: number };
  return `${err.statusCode ? `HTTP ${err.statusCode}: ` : ''}${(err.message ?? String(e)).replace(/\s*\n\s*/g, ' ')}`;
}

export async function pullModel(opts: PullOptions): Promise<PullResult> {
  const { hubId, revision } = parseHubSpec(opts.spec);
  const hub = await import('@huggingface/hub');
  const hubUrl = (opts.hubUrl || 'https://huggingface.co').replace(/\/+$/, '');
  const common = { repo: { type: 'model' as const, name: hubId }, hubUrl, ...(opts.accessToken ? { accessToken: opts.accessToken } : {}) };
  let total = 0;
  let files = 0;
  let done = 0;
  const fetchFn = countingFetch(opts.signal, (bytes, url) => {
    done += bytes;
    opts.onBytes?.(done, total, decodeURIComponent(url.replace(/^.*\/resolve\/[^/]+\//, '')));
  });
  // snapshotDownload logs each file with console.debug, which goes to stdout: keep stdout for --json
  /* eslint-disable no-console -- silencing the library's console.debug is the point here */
  const debug = console.debug;
  console.debug = () => undefined;
  /* eslint-enable no-console */
  try {
    for await (const entry of hub.listFiles({ ...common, revision, recursive: true, fetch: fetchFn })) {
      if (entry.type !== 'file') continue;
      files++;
      total += entry.lfs?.size ?? entry.size;
    }
    opts.onBytes?.(0, total, '');
    const dir = await hub.snapshotDownload({ ...common, revision, cacheDir: opts.cacheDir, fetch: fetchFn });
    const commit = dir.split(/[\\/]/).pop() ?? revision;
    return { hubId, revision: commit, dir, files, bytes: done };
  } catch (e) {
    if (opts.signal?.aborted) throw new InterruptedError('interrupted; the partial download stays in the cache as *.incomplete and is fetched again next time');
    const status = (e as { statusCode?: number }).statusCode;
    if (status === 401 || status === 403) throw new T2vError(`models pull ${opts.spec}: ${describe(e)}; the repository is gated or private: set HF_TOKEN to a token that can read it`);
    if (status === 404) throw new T2vError(`models pull ${opts.spec}: ${describe(e)}; check the id and revision on ${hubUrl}`);
    throw new T2vError(`models pull ${opts.spec}: ${describe(e)}; check the network and HF_ENDPOINT (${hubUrl})`);
  } finally {
    console.debug = debug; // eslint-disable-line no-console -- restores the library's logger
  }
}
