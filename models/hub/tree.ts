// What a Hub repository holds at one commit: the commit id a ref names and every file's path, size and blob id, each checked.
import { T2vError } from '../../core/errors.js';
import { hubJson, type HubClient } from './http.js';
import { checkBlobId, checkCommit, checkRepoPath, quote } from './names.js';

export interface RemoteFile {
  /** Relative path in the repository, checked by checkRepoPath. */
  readonly path: string;
  readonly size: number;
  /** `lfs`: the blob id is the file's sha256; `git`: it is the git blob sha1 (of `blob <size>\0` + content). */
  readonly kind: 'lfs' | 'git';
  readonly blob: string;
}

const MAX_PAGES = 1000;

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new T2vError(`the Hub answered ${what} with something that is not an object; check HF_ENDPOINT`);
  return value as Record<string, unknown>;
}

function size(value: unknown, file: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new T2vError(`the Hub listed ${quote(file)} with the size ${quote(String(value))}; refusing it (check HF_ENDPOINT)`);
  }
  return value;
}

/** The 40-hex commit a branch, tag or commit names (`/api/models/{id}/revision/{rev}`). */
export async function resolveCommit(client: HubClient, hubId: string, revision: string): Promise<string> {
  const url = `${client.endpoint}/api/models/${hubId}/revision/${encodeURIComponent(revision)}`;
  const { value } = await hubJson(client, url, `${hubId}@${revision}`);
  return checkCommit(record(value, `${hubId}@${revision}`).sha, `${hubId}@${revision}`);
}

/** One file entry of a tree listing, checked; directories give undefined. */
export function checkEntry(raw: unknown): RemoteFile | undefined {
  const e = record(raw, 'a file listing entry');
  if (e.type === 'directory') return undefined;
  if (e.type !== 'file') throw new T2vError(`the Hub listed an entry of type ${quote(String(e.type))}; refusing the listing (check HF_ENDPOINT)`);
  const path = checkRepoPath(e.path);
  if (e.lfs !== undefined && e.lfs !== null) {
    const lfs = record(e.lfs, `the LFS record of ${path}`);
    return { path, size: size(lfs.size, path), kind: 'lfs', blob: checkBlobId(lfs.oid, 'lfs', path) };
  }
  return { path, size: size(e.size, path), kind: 'git', blob: checkBlobId(e.oid, 'git', path) };
}

/** The `rel="next"` page of a Link header; a page on another host is fetched without the token (hubGet keeps it to the endpoint). */
function nextPage(link: string | null, current: string): string | undefined {
  const m = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
  if (!m) return undefined;
  try {
    const next = new URL(m[1]!, current);
    if (next.protocol === 'https:' || next.protocol === 'http:') return next.href;
  } catch {
    // falls through to the refusal
  }
  throw new T2vError(`the Hub's file listing points to an unusable next page; refusing it (check HF_ENDPOINT)`);
}

/** Every file at `commit`, across the listing's pages; a repeated name or a file that is also a folder is refused. */
export async function listFiles(client: HubClient, hubId: string, commit: string): Promise<RemoteFile[]> {
  const files: RemoteFile[] = [];
  let url: string | undefined = `${client.endpoint}/api/models/${hubId}/tree/${commit}?recursive=true&expand=false`;
  for (let page = 0; url; page++) {
    if (page >= MAX_PAGES) throw new T2vError(`the Hub's file listing of ${hubId} has more than ${MAX_PAGES} pages; refusing it (check HF_ENDPOINT)`);
    const { value, headers } = await hubJson(client, url, `the file list of ${hubId}`);
    if (!Array.isArray(value)) throw new T2vError(`the Hub answered the file list of ${hubId} with something that is not a list; check HF_ENDPOINT`);
    for (const raw of value) {
      const f = checkEntry(raw);
      if (f) files.push(f);
    }
    url = nextPage(headers.get('link'), url);
  }
  const names = new Set(files.map((f) => f.path));
  if (names.size !== files.length) throw new T2vError(`the Hub listed a file of ${hubId} twice; refusing the listing (check HF_ENDPOINT)`);
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (names.has(dir)) throw new T2vError(`the Hub listed ${quote(dir)} as a file and as a folder; refusing the listing (check HF_ENDPOINT)`);
    }
  }
  return files;
}
