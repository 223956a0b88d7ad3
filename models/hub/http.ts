// Requests to a Hub endpoint: redirects followed by hand (loops named, the token kept to the endpoint), an idle timeout, one-line errors.
import { InterruptedError, settingRef, T2vError } from '../../core/errors.js';

export interface HubClient {
  /** `$HF_ENDPOINT` or https://huggingface.co, without a trailing slash. */
  readonly endpoint: string;
  readonly token?: string;
  /** Milliseconds without a byte before a request is given up. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export const MAX_REDIRECTS = 10;
/** Seconds without a byte before a request is given up (huggingface_hub's HF_HUB_DOWNLOAD_TIMEOUT overrides it). */
export const DEFAULT_TIMEOUT_S = 30;

/** An HTTP status the Hub answered with; `message` is the whole user line. */
export class HubStatusError extends T2vError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A dropped connection or a stall: worth a resumed retry. */
export class HubTransientError extends T2vError {}

/** The idle timer of one request: `touch()` on every byte, `timedOut` once it fired. */
export class Idle {
  readonly controller = new AbortController();
  timedOut = false;
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly ms: number) {
    this.touch();
  }
  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.ms).unref();
  }
  done(): void {
    clearTimeout(this.timer);
  }
}

export function interrupted(): T2vError {
  return new InterruptedError('interrupted; what was fetched so far stays in the cache as *.incomplete and the next pull resumes it');
}

function causeCode(e: unknown): string | undefined {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
}

/** Maps a fetch or body-read failure to one line; `what` says what was being fetched. */
export function networkError(e: unknown, client: HubClient, idle: Idle, url: string, what: string): T2vError {
  if (client.signal?.aborted) return interrupted();
  if (e instanceof T2vError) return e;
  const host = new URL(url).host;
  if (idle.timedOut) {
    return new HubTransientError(`no data from ${host} for ${client.timeoutMs / 1000} s while fetching ${what}; check the network, or allow longer with ${settingRef('timeout')}`);
  }
  const code = causeCode(e) ?? (e instanceof Error ? e.message : String(e));
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT/.test(code)) {
    return new T2vError(`cannot reach ${host} (${code}) for ${what}; check the network and HF_ENDPOINT`);
  }
  return new HubTransientError(`the connection to ${host} dropped while fetching ${what} (${code})`);
}

function statusError(status: number, host: string, what: string): HubStatusError {
  if (status === 401 || status === 403) return new HubStatusError(`HTTP ${status} from ${host} for ${what}; the repository is gated or private: set HF_TOKEN to a token that can read it`, status);
  if (status === 404) return new HubStatusError(`HTTP 404 from ${host} for ${what}; check the id and revision`, status);
  if (status === 416) return new HubStatusError(`HTTP 416 from ${host} for ${what}: the server refused the resume range`, status);
  return new HubStatusError(`HTTP ${status} from ${host} for ${what}; try again later or check HF_ENDPOINT`, status);
}

/**
 * GET `url`, following at most MAX_REDIRECTS redirects by hand: a loop or too many is one line, and the token goes only to the
 * endpoint's own origin (a CDN the Hub redirects to gets none). Returns a 2xx response; the caller calls `idle.done()`.
 */
export async function hubGet(client: HubClient, url: string, what: string, headers: Record<string, string> = {}): Promise<{ res: Response; idle: Idle; url: string }> {
  const origin = new URL(client.endpoint).origin;
  const seen = new Set<string>();
  let current = url;
  for (let hop = 0; ; hop++) {
    const idle = new Idle(client.timeoutMs);
    const signal = client.signal ? AbortSignal.any([client.signal, idle.controller.signal]) : idle.controller.signal;
    const auth: Record<string, string> = client.token && new URL(current).origin === origin ? { authorization: `Bearer ${client.token}` } : {};
    let res: Response;
    try {
      res = await fetch(current, { headers: { ...headers, ...auth }, redirect: 'manual', signal });
    } catch (e) {
      idle.done();
      throw networkError(e, client, idle, current, what);
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location !== null) {
      idle.done();
      await res.body?.cancel().catch(() => undefined);
      seen.add(current);
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new T2vError(`${new URL(current).host} redirected ${what} to an unusable address; check HF_ENDPOINT`);
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new T2vError(`${new URL(current).host} redirected ${what} to a ${next.protocol} address; refusing it`);
      if (seen.has(next.href)) throw new T2vError(`redirect loop at ${next.host} while fetching ${what}; the server (HF_ENDPOINT or a proxy) is misconfigured`);
      if (hop + 1 > MAX_REDIRECTS) throw new T2vError(`more than ${MAX_REDIRECTS} redirects while fetching ${what}; the server (HF_ENDPOINT or a proxy) is misconfigured`);
      current = next.href;
      continue;
    }
    if (!res.ok) {
      idle.done();
      await res.body?.cancel().catch(() => undefined);
      throw statusError(res.status, new URL(current).host, what);
    }
    return { res, idle, url: current };
  }
}

/** Each chunk of a response body, the idle timer touched on every one; read errors become one line. */
export async function* bodyChunks(client: HubClient, got: { res: Response; idle: Idle; url: string }, what: string): AsyncGenerator<Uint8Array> {
  const reader = got.res.body?.getReader();
  if (!reader) return;
  try {
    for (;;) {
      let step: Awaited<ReturnType<typeof reader.read>>;
      try {
        step = await reader.read();
      } catch (e) {
        throw networkError(e, client, got.idle, got.url, what);
      }
      if (step.done) return;
      got.idle.touch();
      yield step.value;
    }
  } finally {
    got.idle.done();
    reader.releaseLock();
    await got.res.body?.cancel().catch(() => undefined);
  }
}

/** A JSON answer of at most `limit` bytes (a lying server cannot fill memory). */
export async function hubJson(client: HubClient, url: string, what: string, limit = 64 << 20): Promise<{ value: unknown; headers: Headers }> {
  const got = await hubGet(client, url, what, { accept: 'application/json' });
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of bodyChunks(client, got, what)) {
    size += chunk.byteLength;
    if (size > limit) throw new T2vError(`${new URL(got.url).host} sent more than ${limit >> 20} MiB for ${what}; refusing it (check HF_ENDPOINT)`);
    parts.push(chunk);
  }
  try {
    return { value: JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown, headers: got.res.headers };
  } catch {
    throw new T2vError(`${new URL(got.url).host} answered ${what} with something that is not JSON; check HF_ENDPOINT`);
  }
}
