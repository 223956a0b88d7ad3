// A local HTTP server that answers like the Hugging Face Hub (revision, tree, resolve with Range), with hooks that make it lie.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  readonly id: string;
  readonly sha: string;
  readonly files: Readonly<Record<string, Uint8Array>>;
}

/** A tree entry as the Hub lists it: LFS files carry their sha256, small files their git blob sha1. */
export interface TreeEntry {
  type: string;
  path: string;
  size: number;
  oid: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

export interface Faults {
  /** Answers any request itself when it returns true (checked first). */
  readonly any?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** What the revision endpoint gives as `sha`. */
  readonly sha?: unknown;
  /** Rewrites the tree listing. */
  readonly tree?: (entries: TreeEntry[]) => unknown[];
  /** A Link header on the tree answer. */
  readonly link?: string;
  /** Answers `/api/` requests itself when it returns true. */
  readonly api?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Answers a file download itself when it returns true; `n` counts the requests for that file from 1. */
  readonly resolve?: (req: IncomingMessage, res: ServerResponse, file: { path: string; data: Uint8Array }, n: number) => boolean;
}

export interface FakeHub {
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

export const gitOid = (data: Uint8Array): string => createHash('sha1').update(`blob ${data.byteLength}\0`).update(data).digest('hex');
export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const isLfs = (path: string): boolean => /\.(safetensors|bin)$/.test(path);

export function treeOf(files: Readonly<Record<string, Uint8Array>>): TreeEntry[] {
  const dirs = new Set<string>();
  for (const p of Object.keys(files)) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries: TreeEntry[] = [...dirs].sort().map((path) => ({ type: 'directory', path, size: 0, oid: '0'.repeat(40) }));
  for (const [path, data] of Object.entries(files)) {
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(data)}\nsize ${data.byteLength}\n`;
    entries.push(
      isLfs(path)
        ? { type: 'file', path, size: data.byteLength, oid: gitOid(new TextEncoder().encode(pointer)), lfs: { oid: sha256(data), size: data.byteLength, pointerSize: pointer.length } }
        : { type: 'file', path, size: data.byteLength, oid: gitOid(data) },
    );
  }
  return entries;
}

function json(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

function notFound(res: ServerResponse, code = 'RepoNotFound'): void {
  res.writeHead(404, { 'content-type': 'application/json', 'x-error-code': code });
  res.end(JSON.stringify({ error: 'Repository not found' }));
}

/** Serves `data` honestly, with a 206 answer to `Range: bytes=N-`. */
export function serveFile(req: IncomingMessage, res: ServerResponse, data: Uint8Array, etag: string): void {
  const headers = { etag: `"${etag}"`, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (range) {
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), data.byteLength - 1) : data.byteLength - 1;
    res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${data.byteLength}`, 'content-length': String(end - start + 1) });
    res.end(data.subarray(start, end + 1));
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': String(data.byteLength) });
  res.end(data);
}

export async function startFakeHub(repo: FakeRepo, faults: Faults = {}): Promise<FakeHub> {
  const requests: string[] = [];
  const counts = new Map<string, number>();
  const revs = new Set(['main', repo.sha]);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    requests.push(`${req.method} ${path}${req.headers.range ? ` range=${req.headers.range}` : ''}${req.headers.authorization ? ' auth' : ''}`);
    if (faults.any?.(req, res)) return;
    const api = `/api/models/${repo.id}/`;
    if (path.startsWith('/api/') && faults.api?.(req, res)) return;
    if (path.startsWith(api)) {
      const [kind, rev = ''] = path.slice(api.length).split('/');
      if (!revs.has(rev)) return notFound(res, 'RevisionNotFound');
      if (kind === 'revision') {
        return json(res, { _id: 'x1', id: repo.id, sha: 'sha' in faults ? faults.sha : repo.sha, private: false, siblings: Object.keys(repo.files).map((rfilename) => ({ rfilename })) });
      }
      const listing = (): unknown[] => (faults.tree ? faults.tree(treeOf(repo.files)) : treeOf(repo.files));
      if (kind === 'tree') return json(res, listing(), faults.link ? { link: faults.link } : {});
      if (kind === 'paths-info' && req.method === 'POST') {
        // what @huggingface/hub's downloadFileToCacheDir asks (kept so that the old client can be run against the same rows)
        void body(req).then((text) => {
          const { paths } = JSON.parse(text) as { paths: string[] };
          const entries = listing() as { path: string }[];
          json(
            res,
            entries.filter((e) => paths.includes(e.path)).map((e) => ({ ...e, lastCommit: { id: repo.sha, title: 'init', date: '2024-01-01T00:00:00.000Z' } })),
          );
        });
        return;
      }
      return notFound(res);
    }
    const resolve = `/${repo.id}/resolve/`;
    if (path.startsWith(resolve)) {
      const [rev = '', ...rest] = path.slice(resolve.length).split('/');
      const name = rest.join('/');
      const data = repo.files[name];
      if (!revs.has(rev) || !data) return notFound(res, 'EntryNotFound');
      // @huggingface/hub's 1-byte size probe is answered honestly, so that the old client meets the same faults as the new one
      if (req.headers.range === 'bytes=0-0') return serveFile(req, res, data, isLfs(name) ? sha256(data) : gitOid(data));
      const n = (counts.get(name) ?? 0) + 1;
      counts.set(name, n);
      if (faults.resolve?.(req, res, { path: name, data }, n)) return;
      return serveFile(req, res, data, isLfs(name) ? sha256(data) : gitOid(data));
    }
    return notFound(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
