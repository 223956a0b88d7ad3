// A local HTTP server that answers like the Hugging Face Hub for the requests @huggingface/hub's snapshotDownload makes.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  readonly id: string;
  readonly sha: string;
  readonly files: Readonly<Record<string, Uint8Array>>;
}

export interface FakeHub {
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

const oid = (data: Uint8Array): string => createHash('sha1').update(data).digest('hex');

function json(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse, code = 'RepoNotFound'): void {
  res.writeHead(404, { 'content-type': 'application/json', 'x-error-code': code });
  res.end(JSON.stringify({ error: 'Repository not found' }));
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

function dirsOf(paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort();
}

export async function startFakeHub(repo: FakeRepo): Promise<FakeHub> {
  const requests: string[] = [];
  const revs = new Set(['main', repo.sha]);
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = decodeURIComponent(url.pathname);
      requests.push(`${req.method} ${path}${req.headers.range ? ` range=${req.headers.range}` : ''}`);
      const api = `/api/models/${repo.id}/`;
      if (path.startsWith(api)) {
        const [kind, rev = ''] = path.slice(api.length).split('/');
        if (!revs.has(rev)) return notFound(res, 'RevisionNotFound');
        if (kind === 'revision') {
          return json(res, { _id: 'x1', id: repo.id, sha: repo.sha, private: false, downloads: 0, likes: 0, gated: false, pipeline_tag: 'text-to-video', lastModified: '2024-01-01T00:00:00.000Z', siblings: Object.keys(repo.files).map((rfilename) => ({ rfilename })) });
        }
        if (kind === 'tree') {
          const files = Object.entries(repo.files).map(([p, d]) => ({ type: 'file', path: p, size: d.byteLength, oid: oid(d) }));
          return json(res, [...dirsOf(Object.keys(repo.files)).map((p) => ({ type: 'directory', path: p, size: 0, oid: 'd' })), ...files]);
        }
        if (kind === 'paths-info' && req.method === 'POST') {
          const { paths } = JSON.parse(await body(req)) as { paths: string[] };
          return json(res, paths.filter((p) => repo.files[p]).map((p) => ({ type: 'file', path: p, size: repo.files[p]!.byteLength, oid: oid(repo.files[p]!), lastCommit: { id: repo.sha, title: 'init', date: '2024-01-01T00:00:00.000Z' } })));
        }
        return notFound(res);
      }
      const resolve = `/${repo.id}/resolve/`;
      if (path.startsWith(resolve)) {
        const [rev = '', ...rest] = path.slice(resolve.length).split('/');
        const file = repo.files[rest.join('/')];
        if (!revs.has(rev) || !file) return notFound(res, 'EntryNotFound');
        const headers = { etag: `"${oid(file)}"`, 'x-repo-commit': repo.sha, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
        const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
        if (range) {
          const start = Number(range[1]);
          const end = range[2] ? Math.min(Number(range[2]), file.byteLength - 1) : file.byteLength - 1;
          res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${file.byteLength}`, 'content-length': String(end - start + 1) });
          return res.end(file.subarray(start, end + 1));
        }
        res.writeHead(200, { ...headers, 'content-length': String(file.byteLength) });
        return res.end(file);
      }
      return notFound(res);
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
