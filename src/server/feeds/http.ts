/**
 * HTTP for feeds: one GET with conditional headers, credentials only for the feed's own origin,
 * redirects followed by hand (at most {@link MAX_REDIRECTS}, loops refused), a timeout, and the
 * body read with a byte cap (decompressed bytes are counted, so a gzip bomb stops at the cap).
 * Never throws: failures come back as an issue.
 */
import { issue, type Issue } from '../../core/issue.js';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_TIMEOUT_MS,
  FEEDS_PLUGIN_ID,
  type FeedAuth,
  type FetchLike,
  type PollDeps,
} from './types.js';

/** Redirect hops followed per request. */
export const MAX_REDIRECTS = 5;

/** One request. */
export interface FeedRequest {
  url: string;
  accept: string;
  /** Sent only to `authOrigin`. */
  auth?: FeedAuth | undefined;
  authOrigin?: string | undefined;
  etag?: string | undefined;
  lastModified?: string | undefined;
}

/** A response that was read in full (or a 304). */
export interface FeedResponseOk {
  ok: true;
  status: number;
  /** URL after redirects. */
  url: string;
  headers: Headers;
  body: Uint8Array;
}

/** A request that failed; `retryable` is false for answers that will not change by themselves. */
export interface FeedResponseFail {
  ok: false;
  status?: number;
  issue: Issue;
  retryable: boolean;
  /** The server's Retry-After (429/503), in seconds, capped at a day. */
  retryAfterSeconds?: number;
}

export type FeedResponse = FeedResponseOk | FeedResponseFail;

/** URL for messages: without user info, query kept (tokens do not belong in feed URLs). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.slice(0, 200);
  }
}

const where = (url: string): { file: string; pluginId: string } => ({
  file: displayUrl(url),
  pluginId: FEEDS_PLUGIN_ID,
});

function statusReason(status: number): string {
  if (status === 401)
    return 'HTTP 401 Unauthorized: the server wants (other) credentials; check the feed auth';
  if (status === 403) return 'HTTP 403 Forbidden: the credentials are not allowed to read this resource';
  if (status === 404) return 'HTTP 404 Not Found: check the feed URL (or collection id)';
  if (status === 406) return 'HTTP 406 Not Acceptable: the server does not offer the media type asked for';
  if (status === 429) return 'HTTP 429 Too Many Requests: the server is rate-limiting; polling backs off';
  return `HTTP ${status}`;
}

/** Performs one GET; see the module comment. */
export async function feedGet(req: FeedRequest, deps: PollDeps): Promise<FeedResponse> {
  const doFetch: FetchLike = deps.fetch ?? ((u, i) => fetch(u, i));
  const maxBytes = deps.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = deps.signal ? AbortSignal.any([deps.signal, timeout]) : timeout;
  const visited = new Set<string>();
  let url = req.url;
  for (let hop = 0; ; hop++) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return fail(url, 'invalid-value', `not a valid URL: ${url.slice(0, 200)}`, false);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      return fail(url, 'unsupported', `only http(s) URLs are fetched, not ${parsed.protocol}`, false);
    if (visited.has(parsed.href))
      return fail(req.url, 'unreadable', `redirect loop (back to ${displayUrl(parsed.href)})`, false);
    visited.add(parsed.href);
    const headers: Record<string, string> = {
      accept: req.accept,
      'user-agent': deps.userAgent ?? 'chainhunt-feeds',
    };
    if (req.auth && req.authOrigin === parsed.origin) {
      headers['authorization'] =
        req.auth.type === 'bearer'
          ? `Bearer ${req.auth.token}`
          : `Basic ${Buffer.from(`${req.auth.username}:${req.auth.password}`).toString('base64')}`;
    }
    if (req.etag) headers['if-none-match'] = req.etag;
    if (req.lastModified) headers['if-modified-since'] = req.lastModified;
    let res: Response;
    try {
      res = await doFetch(parsed.href, { method: 'GET', headers, redirect: 'manual', signal });
    } catch (e) {
      return transportFailure(url, e, signal, timeoutMs, deps.signal);
    }
    if (res.status >= 300 && res.status < 400 && res.status !== 304) {
      await discard(res);
      const loc = res.headers.get('location');
      if (!loc)
        return fail(url, 'unreadable', `HTTP ${res.status} redirect without a Location header`, false);
      if (hop >= MAX_REDIRECTS)
        return fail(req.url, 'unreadable', `more than ${MAX_REDIRECTS} redirects; refused`, false);
      try {
        url = new URL(loc, parsed).href;
      } catch {
        return fail(
          url,
          'unreadable',
          `redirect to an invalid URL ${JSON.stringify(loc.slice(0, 200))}`,
          false,
        );
      }
      continue;
    }
    if (res.status === 304) {
      await discard(res);
      return { ok: true, status: 304, url: parsed.href, headers: res.headers, body: new Uint8Array(0) };
    }
    if (res.status < 200 || res.status >= 300) {
      await discard(res);
      const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
      const out: FeedResponseFail = {
        ok: false,
        status: res.status,
        issue: issue('unreadable', statusReason(res.status), where(url)),
        retryable,
      };
      const after = retryAfterSeconds(res.headers.get('retry-after'), deps.now?.() ?? Date.now());
      if (retryable && after !== undefined) out.retryAfterSeconds = after;
      return out;
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await discard(res);
      return fail(url, 'too-large', `response is ${declared} bytes (limit ${maxBytes}); not read`, false);
    }
    const body = await readCapped(res, maxBytes);
    if (body === 'too-large')
      return fail(url, 'too-large', `response is larger than ${maxBytes} bytes; not imported`, false);
    if (body instanceof Error) return transportFailure(url, body, signal, timeoutMs, deps.signal);
    return { ok: true, status: res.status, url: parsed.href, headers: res.headers, body };
  }
}

function fail(url: string, code: Issue['code'], message: string, retryable: boolean): FeedResponseFail {
  return { ok: false, issue: issue(code, message, where(url)), retryable };
}

function transportFailure(
  url: string,
  e: unknown,
  signal: AbortSignal,
  timeoutMs: number,
  outer: AbortSignal | undefined,
): FeedResponseFail {
  if (outer?.aborted) return fail(url, 'unreadable', 'poll aborted', true);
  if (signal.aborted) return fail(url, 'unreadable', `no complete answer within ${timeoutMs / 1000} s`, true);
  const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
  const msg = e instanceof Error ? e.message : String(e);
  return fail(url, 'unreadable', `request failed: ${msg}${cause}`.slice(0, 500), true);
}

/** Reads the body up to `max` bytes; `'too-large'` beyond, an Error on transport failure. */
async function readCapped(res: Response, max: number): Promise<Uint8Array | 'too-large' | Error> {
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    // Leaving the loop early cancels the stream (the rest is never downloaded).
    for await (const value of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += value.byteLength;
      if (total > max) return 'too-large';
      chunks.push(value);
    }
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
  return Buffer.concat(chunks, total);
}

async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

/** Retry-After (delta seconds or an HTTP date) → seconds from `now`, capped at one day. */
export function retryAfterSeconds(v: string | null, now: number): number | undefined {
  if (v === null) return undefined;
  const t = v.trim();
  const secs = /^\d{1,10}$/.test(t) ? Number(t) : (Date.parse(t) - now) / 1000;
  if (!Number.isFinite(secs)) return undefined;
  return Math.min(86_400, Math.max(0, Math.ceil(secs)));
}

/** Media type of a response, lower-cased, without parameters. */
export function mediaType(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
