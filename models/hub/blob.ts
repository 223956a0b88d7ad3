// One blob of the cache: fetched into `<blob>.incomplete` (resumed with HTTP Range), checked for size and hash, renamed only when right.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { T2vError } from '../../core/errors.js';
import { bodyChunks, hubGet, HubTransientError, type HubClient } from './http.js';
import { withLock } from './lock.js';
import type { RemoteFile } from './tree.js';

export const ATTEMPTS = 3;

/** The hash a blob id is: sha256 of the bytes (LFS), or git's sha1 of `blob <size>\0` + the bytes. */
function hasher(file: RemoteFile): Hash {
  const h = createHash(file.kind === 'lfs' ? 'sha256' : 'sha1');
  if (file.kind === 'git') h.update(`blob ${file.size}\0`);
  return h;
}

async function hashInto(h: Hash, path: string, end?: number): Promise<void> {
  if (end === 0) return;
  for await (const chunk of createReadStream(path, end === undefined ? {} : { end: end - 1 })) h.update(chunk as Buffer);
}

async function sizeOf(path: string): Promise<number | undefined> {
  return stat(path).then(
    (s) => (s.isFile() ? s.size : undefined),
    () => undefined,
  );
}

/** undefined when the blob is there with the listed size and hash; else why it is not (missing, short, hash). */
export async function checkBlob(path: string, file: RemoteFile): Promise<string | undefined> {
  const size = await sizeOf(path);
  if (size === undefined) return 'missing';
  if (size !== file.size) return `${size} bytes instead of ${file.size}`;
  const h = hasher(file);
  await hashInto(h, path);
  return h.digest('hex') === file.blob ? undefined : `its ${file.kind === 'lfs' ? 'sha256' : 'git sha1'} is not ${file.blob}`;
}

function contentRangeStart(res: Response): number | undefined {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
  return m ? Number(m[1]) : undefined;
}

function writeError(e: unknown, path: string, left: number): T2vError {
  const code = (e as { code?: string }).code;
  if (code === 'ENOSPC') return new T2vError(`no space left on the device writing ${path}; free at least ${left} bytes and run again (the part fetched so far is kept)`);
  return new T2vError(`cannot write ${path} (${code ?? String(e)}); check the cache folder's permissions`);
}

/**
 * Fetches `file` from `url` into `blobPath`: resumes `<blobPath>.incomplete` with a Range request, retries a dropped or
 * stalled connection ATTEMPTS times from where it stopped, refuses a body longer than listed, and renames only after the
 * size and hash match; a wrong hash deletes the download. `onBytes` gets byte deltas (negative when a resume is refused), `network` false for the part found on disk.
 */
export async function fetchBlob(
  client: HubClient,
  file: RemoteFile,
  url: string,
  blobPath: string,
  onBytes: (delta: number, network: boolean) => void,
  onWait: (pid: number) => void = () => undefined,
): Promise<void> {
  await withLock(`${blobPath}.incomplete`, client.signal, onWait, async () => {
    // another pull may have fetched it while this one waited; a damaged blob goes only under the lock
    const bad = await checkBlob(blobPath, file);
    if (bad === undefined) return;
    if (bad !== 'missing') await rm(blobPath, { force: true });
    await fetchUnlocked(client, file, url, blobPath, onBytes);
  });
}

async function fetchUnlocked(client: HubClient, file: RemoteFile, url: string, blobPath: string, onBytes: (delta: number, network: boolean) => void): Promise<void> {
  const part = `${blobPath}.incomplete`;
  let resumed = false;
  for (let attempt = 1; ; attempt++) {
    let offset = (await sizeOf(part)) ?? 0;
    if (offset > file.size) {
      await rm(part, { force: true });
      offset = 0;
    }
    const h = hasher(file);
    await hashInto(h, part, offset);
    if (attempt === 1) {
      resumed = offset > 0;
      onBytes(offset, false);
    }
    let fh: FileHandle | undefined;
    try {
      if (offset < file.size) {
        const got = await hubGet(client, url, file.path, offset > 0 ? { range: `bytes=${offset}-` } : {});
        if (offset > 0 && (got.res.status !== 206 || contentRangeStart(got.res) !== offset)) {
          // the server ignored or mangled the range: start the file again
          got.idle.done();
          await got.res.body?.cancel().catch(() => undefined);
          onBytes(-offset, false);
          await rm(part, { force: true });
          return await fetchUnlocked(client, file, url, blobPath, onBytes);
        }
        const expected = file.size - offset;
        const length = got.res.headers.get('content-length');
        if (length !== null && Number(length) !== expected) {
          got.idle.done();
          await got.res.body?.cancel().catch(() => undefined);
          throw new T2vError(`the server sends ${length} bytes for ${file.path} but the listing gives ${expected}; refusing it (check HF_ENDPOINT)`);
        }
        const handle = await open(part, offset > 0 ? 'a' : 'w').catch(async (e: unknown) => {
          got.idle.done();
          await got.res.body?.cancel().catch(() => undefined);
          throw writeError(e, part, expected);
        });
        fh = handle;
        let written = 0;
        for await (const chunk of bodyChunks(client, got, file.path)) {
          if (written + chunk.byteLength > expected) {
            await handle.close();
            fh = undefined;
            await rm(part, { force: true });
            throw new T2vError(`the server sent more than the ${file.size} bytes listed for ${file.path}; deleted it (check HF_ENDPOINT)`);
          }
          await handle.write(chunk).catch((e: unknown) => Promise.reject(writeError(e, part, expected - written)));
          h.update(chunk);
          written += chunk.byteLength;
          onBytes(chunk.byteLength, true);
        }
        if (written < expected) throw new HubTransientError(`the connection to ${new URL(got.url).host} ended early while fetching ${file.path}`);
        await handle.sync();
        await handle.close();
        fh = undefined;
      }
      const digest = h.digest('hex');
      if (digest !== file.blob) {
        await rm(part, { force: true });
        if (resumed) {
          // the part left by an earlier run was wrong: fetch the whole file once more
          onBytes(-file.size, false);
          return await fetchUnlocked(client, file, url, blobPath, onBytes);
        }
        throw new T2vError(
          `${file.path}: the download's ${file.kind === 'lfs' ? 'sha256' : 'git sha1'} is ${digest}, but the Hub lists ${file.blob}; deleted it, run again (check HF_ENDPOINT if it repeats)`,
        );
      }
      await rename(part, blobPath);
      return;
    } catch (e) {
      await fh?.close().catch(() => undefined);
      if (!(e instanceof HubTransientError)) throw e;
      const kept = (await sizeOf(part)) ?? 0;
      // the template keeps the setting names (settingRef) for the CLI to spell
      if (attempt >= ATTEMPTS) throw new T2vError(`${e.template}; ${kept} of ${file.size} bytes are kept and the next pull resumes from there`);
    }
  }
}
