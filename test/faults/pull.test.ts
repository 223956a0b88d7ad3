// Fault suite, `models pull`: a fake Hub on 127.0.0.1 that lies about names, ids, sizes and hashes, drops, loops and stalls.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { fakeDeps, memoryIo } from '../cli/fakes.js';
import { gitOid, sha256, startFakeHub, type Faults, type FakeHub } from '../cli/fake-hub.js';

const SHA = 'c0ffee0000000000000000000000000000000001';
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const weights = new Uint8Array(randomBytes(300_000));
const config = text('{"_class_name": "UNet3DConditionModel"}');
const index = text(JSON.stringify({ _class_name: 'TextToVideoSDPipeline', unet: ['diffusers', 'UNet3DConditionModel'] }));
const FILES = { 'model_index.json': index, 'unet/config.json': config, 'unet/diffusion_pytorch_model.safetensors': weights };
const W = 'unet/diffusion_pytorch_model.safetensors';

const REPO = 'cache/models--acme--tiny';
const blob = { index: `${REPO}/blobs/${gitOid(index)}`, config: `${REPO}/blobs/${gitOid(config)}`, weights: `${REPO}/blobs/${sha256(weights)}` };
const snap = (p: string): string => `${REPO}/snapshots/${SHA}/${p}`;
const COMPLETE = [blob.index, blob.config, blob.weights, `${REPO}/refs/main`, snap('model_index.json'), snap('unet/config.json'), snap(W)];

/** Every file and symlink under `root`, relative, sorted. */
function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (lstatSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

function onlyFor(path: string, serve: (req: IncomingMessage, res: ServerResponse, data: Uint8Array, n: number) => void): Faults['resolve'] {
  return (req, res, file, n) => {
    if (file.path !== path) return false;
    serve(req, res, file.data, n);
    return true;
  };
}

/** Sends the first half of what was asked (a Range honoured), then `after`: drop the socket, stall, or end cleanly. */
function half(after: 'drop' | 'stall' | 'end'): (req: IncomingMessage, res: ServerResponse, data: Uint8Array) => void {
  return (req, res, data) => {
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const rest = data.subarray(start);
    res.writeHead(start > 0 ? 206 : 200, {
      ...(after === 'end' ? {} : { 'content-length': String(rest.byteLength) }),
      ...(start > 0 ? { 'content-range': `bytes ${start}-${data.byteLength - 1}/${data.byteLength}` } : {}),
    });
    res.write(rest.subarray(0, Math.max(1, rest.byteLength >> 1)));
    if (after === 'drop') setTimeout(() => res.destroy(), 20);
    if (after === 'end') res.end();
  };
}

/** Redirects what `first` picks to /loop/a, then /loop/a and /loop/b to each other (or /hop/N to /hop/N+1 for `chain`). */
function redirects(first: (req: IncomingMessage) => boolean, kind: 'loop' | 'chain'): Faults {
  return {
    any: (req, res) => {
      const url = req.url ?? '';
      const hop = /^\/hop\/(\d+)$/.exec(url);
      const to = url === '/loop/a' ? '/loop/b' : url === '/loop/b' ? '/loop/a' : hop ? `/hop/${Number(hop[1]) + 1}` : first(req) ? (kind === 'loop' ? '/loop/a' : '/hop/1') : undefined;
      if (to === undefined) return false;
      res.writeHead(302, { location: to });
      res.end();
      return true;
    },
  };
}

interface Ctx {
  readonly root: string;
  readonly other: FakeHub;
  /** What Ctrl-C / SIGTERM abort in the executable. */
  readonly controller: AbortController;
}

interface Row {
  readonly name: string;
  readonly faults?: (ctx: Ctx) => Faults;
  readonly spec?: string;
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
  /** Runs this many pulls at once on the one cache (each must end with `code`; all but one say `line`). */
  readonly concurrent?: number;
  /** Mounts a tmpfs of this size on the cache folder first (a full disk; needs root, as CI has). */
  readonly tmpfs?: string;
  /** Puts files into the test root first (a damaged blob, a part left by a killed pull). */
  readonly setup?: (ctx: Ctx) => void;
  readonly code: number;
  /** The one `t2v:` line on stderr; undefined: none. */
  readonly line?: RegExp;
  readonly files: readonly string[];
  readonly check?: (hub: FakeHub, ctx: Ctx) => void;
}

const put = (root: string, path: string, data: Uint8Array): void => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), data);
};
const tree = (edit: (e: Record<string, unknown>[]) => unknown[]) => () => ({ tree: edit as unknown as Faults['tree'] }); // faults edit the entries as plain records;
const fileEntry = (path: string, data: Uint8Array) => ({ type: 'file', path, size: data.byteLength, oid: gitOid(data) });
const HOST = '127\\.0\\.0\\.1:\\d+';

const ROWS: Row[] = [
  {
    name: 'a ../ file name',
    faults: tree((e) => [...e, fileEntry('../../../outside/evil.json', config)]),
    code: 1,
    line: /^t2v: models pull acme\/tiny: the Hub listed an unsafe file name \.\.\/\.\.\/\.\.\/outside\/evil\.json \(a "\.\." path part\); refusing the whole listing \(check HF_ENDPOINT\)$/,
    files: [],
  },
  {
    name: 'an absolute file name',
    faults: ({ root }) => ({ tree: (e) => [...e, fileEntry(join(root, 'outside', 'abs.json'), config)] }),
    code: 1,
    line: /unsafe file name \/.*\/outside\/abs\.json \(absolute\)/,
    files: [],
  },
  {
    name: 'control characters in a name',
    faults: tree((e) => [...e, fileEntry('unet/\u001b[2Jconfig.json', config)]),
    code: 1,
    line: /unsafe file name "unet\/\\u001b\[2Jconfig\.json" \(control characters\)/,
    files: [],
  },
  { name: 'a file that is also a folder', faults: tree((e) => [...e, fileEntry('unet', config)]), code: 1, line: /listed unet as a file and as a folder/, files: [] },
  {
    name: 'a git oid that is a path',
    faults: tree((e) => e.map((x) => (x.path === 'unet/config.json' ? { ...x, oid: '../../../outside/pwned' } : x))),
    code: 1,
    line: /the Hub listed unet\/config\.json with the blob id \.\.\/\.\.\/\.\.\/outside\/pwned, not a git blob id \(40 hex digits\)/,
    files: [],
  },
  {
    name: 'an lfs.oid that is a path',
    faults: tree((e) => e.map((x) => (x.path === W ? { ...x, lfs: { ...(x.lfs as object), oid: '../../../outside/lfs' } } : x))),
    code: 1,
    line: /with the blob id \.\.\/\.\.\/\.\.\/outside\/lfs, not a sha256 \(64 hex digits\)/,
    files: [],
  },
  {
    name: 'a commit id that is a path',
    faults: () => ({ sha: '../../../outside/snap' }),
    code: 1,
    line: /^t2v: models pull acme\/tiny: acme\/tiny@main: the Hub answered the commit id \.\.\/\.\.\/\.\.\/outside\/snap, not 40 hex digits/,
    files: [],
  },
  {
    name: 'a revision that is a path',
    spec: 'acme/tiny@../../../outside',
    code: 2,
    line: /^t2v: models pull acme\/tiny@\.\.\/\.\.\/\.\.\/outside: \.\.\/\.\.\/\.\.\/outside is not a branch, tag or commit name/,
    files: [],
  },
  {
    name: 'a listing page on another host: fetched without the token',
    env: { HF_TOKEN: 'hf_secret' },
    faults: ({ other }) => ({ link: `<${other.url}/api/models/acme/tiny/tree/${SHA}?cursor=2>; rel="next"` }),
    code: 0,
    files: COMPLETE,
    check: (hub, { other }) => {
      expect(hub.requests.every((q) => q.endsWith(' auth'))).toBe(true);
      expect(other.requests).toEqual([`GET /api/models/acme/tiny/tree/${SHA}`]);
    },
  },
  {
    name: 'a body longer than listed (content-length says so)',
    faults: () => ({
      resolve: onlyFor(W, (_, res, data) => {
        res.writeHead(200, { 'content-length': String(data.byteLength + 10) });
        res.end(Buffer.concat([data, Buffer.alloc(10)]));
      }),
    }),
    code: 1,
    line: /the server sends 300010 bytes for unet\/diffusion_pytorch_model\.safetensors but the listing gives 300000; refusing it/,
    files: [blob.index, blob.config],
  },
  {
    name: 'a body longer than listed (no content-length)',
    faults: () => ({
      resolve: onlyFor(W, (_, res, data) => {
        res.writeHead(200);
        res.end(Buffer.concat([data, Buffer.alloc(10)]));
      }),
    }),
    code: 1,
    line: /the server sent more than the 300000 bytes listed for unet\/diffusion_pytorch_model\.safetensors; deleted it/,
    files: [blob.index, blob.config],
  },
  {
    name: 'lfs bytes that do not match their sha256',
    faults: () => ({
      resolve: onlyFor(W, (_, res, data) => {
        res.writeHead(200, { 'content-length': String(data.byteLength) });
        res.end(Buffer.from(data).fill(7, 0, 10));
      }),
    }),
    code: 1,
    line: new RegExp(`unet/diffusion_pytorch_model\\.safetensors: the download's sha256 is [0-9a-f]{64}, but the Hub lists ${sha256(weights)}; deleted it`),
    files: [blob.index, blob.config],
  },
  {
    name: 'a small file that does not match its git sha1',
    faults: () => ({
      resolve: onlyFor('unet/config.json', (_, res, data) => {
        res.writeHead(200);
        res.end(Buffer.from(data).fill(32, 1, 3));
      }),
    }),
    code: 1,
    line: /unet\/config\.json: the download's git sha1 is [0-9a-f]{40}, but the Hub lists/,
    files: [blob.index],
  },
  {
    name: 'a body that ends short every time',
    faults: () => ({ resolve: onlyFor(W, half('end')) }),
    code: 1,
    line: new RegExp(`the connection to ${HOST} ended early while fetching ${W}; 262500 of 300000 bytes are kept and the next pull resumes from there$`),
    files: [blob.index, blob.config, `${blob.weights}.incomplete`],
  },
  {
    name: 'a connection dropped mid-body every time',
    faults: () => ({ resolve: onlyFor(W, half('drop')) }),
    code: 1,
    line: new RegExp(`the connection to ${HOST} dropped while fetching ${W} \\(.+\\); 262500 of 300000 bytes are kept and the next pull resumes from there$`),
    files: [blob.index, blob.config, `${blob.weights}.incomplete`],
  },
  {
    name: 'a connection dropped once: resumed with Range in the same pull',
    faults: () => ({ resolve: (req, res, file, n) => (file.path === W && n === 1 ? (half('drop')(req, res, file.data), true) : false) }),
    code: 0,
    files: COMPLETE,
    check: (hub) => expect(hub.requests).toContainEqual(expect.stringMatching(new RegExp(`resolve/${SHA}/${W} range=bytes=150000-$`))),
  },
  {
    name: 'a part left by a killed pull: resumed with Range',
    setup: ({ root }) => put(root, `${blob.weights}.incomplete`, weights.subarray(0, 100_000)),
    code: 0,
    files: COMPLETE,
    check: (hub) => expect(hub.requests.filter((q) => q.includes(W))).toEqual([`GET /acme/tiny/resolve/${SHA}/${W} range=bytes=100000-`]),
  },
  {
    name: 'the lock of a pull killed with -9: taken over, its part resumed',
    setup: ({ root }) => {
      put(root, `${blob.weights}.incomplete`, weights.subarray(0, 100_000));
      put(root, `${blob.weights}.incomplete.lock`, text('999999999'));
    },
    code: 0,
    files: COMPLETE,
    check: (hub) => expect(hub.requests.filter((q) => q.includes(W))).toEqual([`GET /acme/tiny/resolve/${SHA}/${W} range=bytes=100000-`]),
  },
  {
    name: 'a wrong blob of the right size in the cache: fetched again',
    setup: ({ root }) => put(root, blob.weights, new Uint8Array(weights.byteLength)),
    code: 0,
    line: /^t2v: unet\/diffusion_pytorch_model\.safetensors: the blob in the cache is damaged \(its sha256 is not [0-9a-f]{64}\); fetching it again$/,
    files: COMPLETE,
    check: (_, { root }) => expect(sha256(readFileSync(join(root, blob.weights)))).toBe(sha256(weights)),
  },
  {
    name: 'a short blob in the cache: fetched again',
    setup: ({ root }) => put(root, blob.weights, weights.subarray(0, 1000)),
    code: 0,
    line: /the blob in the cache is damaged \(1000 bytes instead of 300000\); fetching it again$/,
    files: COMPLETE,
    check: (_, { root }) => expect(sha256(readFileSync(join(root, blob.weights)))).toBe(sha256(weights)),
  },
  {
    name: 'a redirect loop on a file',
    faults: () => redirects((req) => req.url?.endsWith(W) === true, 'loop'),
    code: 1,
    line: new RegExp(`^t2v: models pull acme/tiny: redirect loop at ${HOST} while fetching ${W}; the server \\(HF_ENDPOINT or a proxy\\) is misconfigured$`),
    files: [blob.index, blob.config],
  },
  {
    name: 'a redirect loop on the API',
    faults: () => redirects((req) => req.url?.startsWith('/api/') === true, 'loop'),
    code: 1,
    line: new RegExp(`^t2v: models pull acme/tiny: redirect loop at ${HOST} while fetching acme/tiny@main; `),
    files: [],
  },
  {
    name: 'an endless redirect chain',
    faults: () => redirects((req) => req.url?.startsWith('/api/') === true, 'chain'),
    code: 1,
    line: /^t2v: models pull acme\/tiny: more than 10 redirects while fetching acme\/tiny@main; the server \(HF_ENDPOINT or a proxy\) is misconfigured$/,
    files: [],
  },
  {
    name: 'a stall mid-body (--timeout 1)',
    args: ['--timeout', '1'],
    faults: () => ({ resolve: onlyFor(W, half('stall')) }),
    code: 1,
    line: new RegExp(`no data from ${HOST} for 1 s while fetching ${W}; check the network, or allow longer with --timeout; 262500 of 300000 bytes are kept`),
    files: [blob.index, blob.config, `${blob.weights}.incomplete`],
  },
  {
    name: 'an API that never answers (HF_HUB_DOWNLOAD_TIMEOUT=1)',
    env: { HF_HUB_DOWNLOAD_TIMEOUT: '1' },
    faults: () => ({ api: () => true }),
    code: 1,
    line: new RegExp(`^t2v: models pull acme/tiny: no data from ${HOST} for 1 s while fetching acme/tiny@main; `),
    files: [],
  },
  {
    name: 'Ctrl-C mid-body',
    faults: ({ controller }) => ({
      resolve: onlyFor(W, (req, res, data) => {
        half('stall')(req, res, data);
        setTimeout(() => controller.abort(), 50);
      }),
    }),
    code: 130,
    line: /^t2v: interrupted; what was fetched so far stays in the cache as \*\.incomplete and the next pull resumes it$/,
    files: [blob.index, blob.config, `${blob.weights}.incomplete`],
  },
  ...[2, 3].map((n): Row => ({
    name: `${n} pulls at once on one empty cache`,
    concurrent: n,
    faults: () => ({
      resolve: onlyFor(W, (req, res, data) => {
        half('stall')(req, res, data);
        setTimeout(() => res.end(data.subarray(data.byteLength >> 1)), 1500);
      }),
    }), // long enough for every pull to reach the lock on a loaded machine
    code: 0,
    line: new RegExp(`^t2v: waiting for another t2v \\(pid ${process.pid}\\) that is fetching ${W} into the same cache$`),
    files: COMPLETE,
    check: (hub, { root }) => {
      expect(hub.requests.filter((q) => q.includes(`resolve/${SHA}/${W}`))).toHaveLength(1);
      expect(sha256(readFileSync(join(root, blob.weights)))).toBe(sha256(weights));
    },
  })),
  {
    name: 'a full disk under the cache',
    tmpfs: '200k',
    code: 1,
    line: new RegExp(
      `^t2v: models pull acme/tiny: no space left on the device writing .*/cache/models--acme--tiny/blobs/${sha256(weights)}\\.incomplete; free at least \\d+ bytes and run again \\(the part fetched so far is kept\\)$`,
    ),
    files: [blob.index, blob.config, `${blob.weights}.incomplete`],
  },
  {
    name: 'a forged refs/main, then --model acme/tiny',
    setup: ({ root }) => {
      put(root, `${REPO}/refs/main`, text('../../../outside/snap'));
      put(root, 'outside/snap/model_index.json', index);
    },
    spec: 'info',
    code: 1,
    line: /^t2v: .*cache\/models--acme--tiny\/refs\/main holds \.\.\/\.\.\/\.\.\/outside\/snap, not a commit id; delete it and run `t2v models pull acme\/tiny` again$/,
    files: [`${REPO}/refs/main`, 'outside/snap/model_index.json'],
  },
];

describe('fault suite: models pull', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', async (_, row) => {
    const root = mkdtempSync(join(tmpdir(), 't2v-fault-pull-'));
    mkdirSync(join(root, 'outside'));
    const other = await startFakeHub({ id: 'acme/tiny', sha: SHA, files: FILES }, { tree: () => [] });
    const ctx = { root, other, controller: new AbortController() };
    const hub = await startFakeHub({ id: 'acme/tiny', sha: SHA, files: FILES }, row.faults?.(ctx) ?? {});
    if (row.tmpfs) {
      mkdirSync(join(root, 'cache'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${row.tmpfs}`, 'tmpfs', join(root, 'cache')]);
    }
    try {
      row.setup?.(ctx);
      const argv = row.spec === 'info' ? ['models', 'info', 'acme/tiny'] : ['models', 'pull', row.spec ?? 'acme/tiny', '--yes', '--quiet', ...(row.args ?? [])];
      const runs = await Promise.all(
        Array.from({ length: row.concurrent ?? 1 }, async () => {
          const io = memoryIo({ HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(root, 'cache'), ...row.env });
          const code = await main(argv, io, { deps: async () => fakeDeps(), controller: ctx.controller });
          return { code, lines: io.stderr.text.split('\n').filter((l) => l !== '') };
        }),
      );
      const lines = runs.flatMap((r) => r.lines);
      if (process.env.DEBUG_ROWS)
        console.log(
          row.name,
          runs.map((r) => r.code),
          JSON.stringify(lines),
          filesUnder(root),
        );
      // nothing but the plan's summary line and at most one t2v: line per run (all but one run for concurrent rows), never a stack
      const said = row.line ? Array((row.concurrent ?? 2) - 1).fill(expect.stringMatching(row.line)) : [];
      expect(lines.filter((l) => !/^acme\/tiny@[0-9a-f]{12}: /.test(l))).toEqual(said);
      expect(runs.map((r) => r.code)).toEqual(runs.map(() => row.code));
      expect(filesUnder(root)).toEqual([...row.files].sort());
      row.check?.(hub, ctx);
    } finally {
      await Promise.all([hub.close(), other.close()]);
      if (row.tmpfs) execFileSync('umount', [join(root, 'cache')]);
      rmSync(root, { recursive: true, force: true });
    }
  });
});
