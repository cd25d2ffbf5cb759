/** The server's /api/v1, over fetch with the session cookie and the CSRF header. */

/** An error answer from the server (`{ error, message }`) or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrf: string | null = null;
let ready: Promise<void> = Promise.resolve();
let release: (() => void) | null = null;

/** Remembers the CSRF token that unsafe requests echo in `x-csrf-token`. */
export function setCsrf(token: string | null | undefined): void {
  csrf = token ?? null;
  release?.();
  release = null;
}

/** Unsafe requests wait for the next {@link setCsrf} (the session is being confirmed). */
export function holdCsrf(): void {
  if (!release) ready = new Promise((r) => (release = r));
}

/** Options of one request. */
export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  /** JSON body (objects) or raw bytes (uploads). */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/** Calls `/api/v1${path}` and returns the parsed JSON answer; throws ApiError on a non-2xx. */
export async function api<T>(path: string, o: RequestOptions = {}): Promise<T> {
  const method = o.method ?? (o.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (o.body instanceof Blob || o.body instanceof ArrayBuffer) {
    body = o.body;
    headers['content-type'] = o.contentType ?? 'application/octet-stream';
  } else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] = 'application/json';
  } else if (method !== 'GET') {
    body = '{}';
    headers['content-type'] = 'application/json';
  }
  if (method !== 'GET') await ready;
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'the server could not be reached');
  }
  const text = await res.text();
  let doc: unknown = null;
  if (text) {
    try {
      doc = JSON.parse(text);
    } catch {
      doc = null;
    }
  }
  if (!res.ok) {
    const e = (doc ?? {}) as { error?: unknown; message?: unknown };
    throw new ApiError(
      res.status,
      typeof e.error === 'string' ? e.error : 'error',
      typeof e.message === 'string' ? e.message : `${res.status} ${res.statusText}`,
    );
  }
  return doc as T;
}

/** `?a=1&b=x` from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** `/tenants/<t>` with the tenant id encoded. */
export function tpath(tenant: string, rest = ''): string {
  return `/tenants/${encodeURIComponent(tenant)}${rest}`;
}

/** The message of an error thrown by {@link api} (or anything else thrown). */
export function errorText(err: unknown): string {
  return err instanceof ApiError || err instanceof Error ? err.message : String(err);
}
