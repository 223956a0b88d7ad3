// Checks for every name that reaches a path or a URL in a Hub pull: repository ids, refs, commit and blob ids, file paths.
import { isAbsolute, relative, resolve } from 'node:path';
import { T2vError, UsageError } from '../../core/errors.js';

/** huggingface_hub's repo id rule: namespace/name, letters, digits, `-_.`, no `--` or `..`, at most 96 characters each. */
const NAME_PART = /^(?!.*(?:--|\.\.))[A-Za-z0-9](?:[\w.-]{0,94}[A-Za-z0-9])?$/;
/** A branch or tag as git allows it, without the forms that walk out of `refs/`: no `..`, no leading `.` or `/`. */
const REF = /^(?!.*\.\.)(?!.*\/\.)(?!\.)[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
export const COMMIT = /^[0-9a-f]{40}$/;
const GIT_OID = /^[0-9a-f]{40}$/;
const SHA256 = /^[0-9a-f]{64}$/;
// eslint-disable-next-line no-control-regex -- control characters are what this rejects
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function isHubId(id: string): boolean {
  const parts = id.split('/');
  return parts.length === 2 && parts.every((p) => NAME_PART.test(p));
}

export function isRef(ref: string): boolean {
  return ref.length <= 255 && REF.test(ref);
}

/** `org/name[@revision]` from the command line; a bad id or ref is a usage error. */
export function parseHubSpec(spec: string): { hubId: string; revision: string } {
  const at = spec.indexOf('@');
  const hubId = at < 0 ? spec : spec.slice(0, at);
  const revision = at < 0 ? 'main' : spec.slice(at + 1);
  if (!isHubId(hubId)) {
    throw new UsageError(`models pull ${quote(spec)}: not a Hub id; pass org/name or org/name@revision, like damo-vilab/text-to-video-ms-1.7b`);
  }
  if (!isRef(revision)) {
    throw new UsageError(`models pull ${quote(spec)}: ${quote(revision)} is not a branch, tag or commit name; pass letters, digits, '.', '_', '-' and '/' only`);
  }
  return { hubId, revision };
}

/** JSON-quotes text for a message so that control characters and escapes never reach the terminal raw. */
export function quote(text: string): string {
  const s = JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text);
  return CONTROL.test(text) || /["\\]/.test(text) ? s : text;
}

/** A commit id the server gave (`sha`): only 40 lowercase hex digits are ever used as a folder name or a ref's content. */
export function checkCommit(value: unknown, where: string): string {
  if (typeof value !== 'string' || !COMMIT.test(value)) {
    throw new T2vError(`${where}: the Hub answered the commit id ${quote(String(value))}, not 40 hex digits; refusing it (check HF_ENDPOINT)`);
  }
  return value;
}

/** A blob id: the sha256 of an LFS file (64 hex) or the git blob sha1 of a small one (40 hex). */
export function checkBlobId(value: unknown, kind: 'lfs' | 'git', file: string): string {
  const ok = typeof value === 'string' && (kind === 'lfs' ? SHA256 : GIT_OID).test(value);
  if (!ok) {
    const want = kind === 'lfs' ? 'a sha256 (64 hex digits)' : 'a git blob id (40 hex digits)';
    throw new T2vError(`the Hub listed ${quote(file)} with the blob id ${quote(String(value))}, not ${want}; refusing it (check HF_ENDPOINT)`);
  }
  return value as string;
}

/** A file name from a listing: relative, `/`-separated, no empty, `.` or `..` part, no backslash, no control characters. */
export function checkRepoPath(value: unknown): string {
  const bad = (why: string): never => {
    throw new T2vError(`the Hub listed an unsafe file name ${quote(String(value))} (${why}); refusing the whole listing (check HF_ENDPOINT)`);
  };
  if (typeof value !== 'string' || value.length === 0) return bad('empty');
  if (Buffer.byteLength(value) > 1024) bad('over 1024 bytes');
  if (CONTROL.test(value)) bad('control characters');
  if (value.includes('\\')) bad('a backslash');
  if (value.startsWith('/') || isAbsolute(value)) bad('absolute');
  for (const part of value.split('/')) {
    if (part === '' || part === '.' || part === '..') bad(`a ${part === '' ? 'empty' : `"${part}"`} path part`);
    if (Buffer.byteLength(part) > 255) bad('a part over 255 bytes');
  }
  return value;
}

/** `root/rel` after checking that it stays inside `root` (the last line of defence after the name checks). */
export function inside(root: string, ...rel: string[]): string {
  const path = resolve(root, ...rel);
  const back = relative(resolve(root), path);
  if (back === '' || back === '..' || back.startsWith('../') || isAbsolute(back)) throw new T2vError(`refusing to write ${quote(path)}: it is not inside ${root}`);
  return path;
}
