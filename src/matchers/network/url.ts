/**
 * URL normalisation for indicator matching, using the WHATWG URL parser (no regexes from input).
 */

/** A URL reduced for comparison: lower-case host, no default port, no fragment, no scheme. */
export interface NormalUrl {
  /** `host[:port]/path?query`, host lower-cased. */
  bare: string;
  scheme: string;
  host: string;
}

/** Normalises a URL; returns null when it does not parse as an absolute URL. */
export function normalizeUrl(raw: string): NormalUrl | null {
  const s = raw.trim();
  if (s.length === 0 || s.length > 8192) return null;
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `http://${s}`);
  } catch {
    return null;
  }
  if (!u.hostname) return null;
  let host = u.hostname.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  const port = u.port ? `:${u.port}` : '';
  return { bare: `${host}${port}${u.pathname}${u.search}`, scheme: u.protocol.replace(/:$/, ''), host };
}
