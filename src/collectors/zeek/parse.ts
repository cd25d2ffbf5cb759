/**
 * Zeek records to `net-contact` observations: conn, dns, http, ssl, x509 and files logs, TSV or
 * JSON. Pure: takes text, returns observations and issues.
 */
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { NetContactObservation } from '../../core/observation.js';
import {
  baseLogPath,
  forEachZeekRecord,
  num,
  str,
  strList,
  zeekTimeToIso,
  type ZeekRecord,
  type ZeekValue,
} from '../../logs/zeek/parse.js';

/** Zeek log types this collector turns into contacts. */
export const ZEEK_CONTACT_LOGS = ['conn', 'dns', 'http', 'ssl', 'x509', 'files'] as const;
const SUPPORTED = new Set<string>(ZEEK_CONTACT_LOGS);

/** An observation as emitted (before the runner stamps host and collector). */
export type NetContact = Omit<NetContactObservation, 'host' | 'tenant' | 'collectorId'>;

/**
 * Parses a Zeek log text into contacts.
 *
 * @example parseZeekContacts(text, 'dns.log').observations[0].fqdn
 */
export function parseZeekContacts(
  text: string,
  file: string,
  opts: { pathHint?: string; pluginId?: string } = {},
): { observations: NetContact[]; issues: Issue[]; records: number } {
  const observations: NetContact[] = [];
  const unsupported: Issue[] = [];
  const unsupportedPaths = new Set<string>();
  const parsed = forEachZeekRecord(text, { file, ...opts }, (r) => {
    const type = baseLogPath(r.logPath).type;
    if (type !== r.logPath) r.logPath = type;
    if (!SUPPORTED.has(r.logPath)) {
      if (!unsupportedPaths.has(r.logPath)) {
        unsupportedPaths.add(r.logPath);
        unsupported.push(
          issue('unsupported', `Zeek log type ${r.logPath} has no contact mapping; records skipped`, {
            file,
            line: r.line,
            pluginId: opts.pluginId,
          }),
        );
      }
      return;
    }
    const c = contactFromZeekRecord(r, file);
    if (c) observations.push(c);
  });
  const issues = [...parsed.issues, ...unsupported];
  return { observations, issues, records: parsed.records };
}

/** Lower-cased host name without a trailing dot; undefined for empty values. */
export function normalizeHostName(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  let s = v.trim().toLowerCase();
  while (s.endsWith('.')) s = s.slice(0, -1);
  return s.length > 0 ? s : undefined;
}

/** True for an IPv4 or IPv6 literal (cheap syntactic test). */
export function looksLikeIp(s: string): boolean {
  if (s.includes(':')) return /^[0-9a-f:.]+$/i.test(s) || (s.startsWith('[') && s.endsWith(']'));
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s);
}

/** The common name in an X.500 distinguished name (`CN=x,OU=…`), with `\,` escapes honoured. */
export function commonName(dn: string | undefined): string | undefined {
  if (!dn) return undefined;
  let i = 0;
  while (i < dn.length) {
    // Find the start of an attribute.
    const eq = dn.indexOf('=', i);
    if (eq < 0) return undefined;
    const key = dn.slice(i, eq).trim().toUpperCase();
    let j = eq + 1;
    let value = '';
    while (j < dn.length && dn[j] !== ',') {
      if (dn[j] === '\\' && j + 1 < dn.length) {
        j++;
      }
      value += dn[j];
      j++;
    }
    if (key === 'CN') return value.trim();
    i = j + 1;
  }
  return undefined;
}

function base(r: ZeekRecord, file: string, logType: string): NetContact {
  const c: NetContact = { kind: 'net-contact', source: { file, line: r.line }, logType: `zeek/${logType}` };
  const f = r.fields;
  const time = zeekTimeToIso(f['ts']);
  if (time !== undefined) c.time = time;
  const src = str(f, 'id.orig_h');
  const dst = str(f, 'id.resp_h');
  const sp = num(f, 'id.orig_p');
  const dp = num(f, 'id.resp_p');
  if (src !== undefined) c.src = src;
  if (sp !== undefined) c.srcPort = sp;
  if (dst !== undefined) c.dst = dst;
  if (dp !== undefined) c.dstPort = dp;
  return c;
}

function set<K extends keyof NetContact>(c: NetContact, k: K, v: NetContact[K] | undefined): void {
  if (v !== undefined) c[k] = v;
}

/** Maps one record to a contact, or null when it names nothing to match (e.g. an x509 record without names). */
export function contactFromZeekRecord(r: ZeekRecord, file: string): NetContact | null {
  const f = r.fields;
  switch (r.logPath) {
    case 'conn': {
      const c = base(r, file, 'conn');
      set(c, 'protocol', str(f, 'proto'));
      set(c, 'bytesOut', num(f, 'orig_bytes'));
      set(c, 'bytesIn', num(f, 'resp_bytes'));
      return c;
    }
    case 'dns': {
      const c = base(r, file, 'dns');
      c.protocol = 'dns';
      set(c, 'fqdn', normalizeHostName(str(f, 'query')));
      const answers = strList(f, 'answers')
        .map((a) => normalizeHostName(a))
        .filter((a): a is string => a !== undefined);
      if (answers.length > 0) c.answers = answers;
      return c;
    }
    case 'http': {
      const c = base(r, file, 'http');
      c.protocol = 'http';
      const hostHeader = normalizeHostName(str(f, 'host'));
      const host = hostHeader ? stripPort(hostHeader) : undefined;
      if (host && !looksLikeIp(host)) c.fqdn = host;
      const uri = str(f, 'uri');
      const url = buildUrl(hostHeader ?? c.dst, c.dstPort, uri);
      set(c, 'url', url);
      set(c, 'userAgent', str(f, 'user_agent'));
      set(c, 'bytesOut', num(f, 'request_body_len'));
      set(c, 'bytesIn', num(f, 'response_body_len'));
      return c;
    }
    case 'ssl': {
      const c = base(r, file, 'ssl');
      c.protocol = 'tls';
      const sni = normalizeHostName(str(f, 'server_name'));
      if (sni) {
        c.sni = sni;
        c.fqdn = sni;
      }
      const cn = normalizeHostName(commonName(str(f, 'subject')));
      if (cn) c.certNames = [cn];
      return c;
    }
    case 'x509': {
      const names = new Set<string>();
      const cn = normalizeHostName(commonName(str(f, 'certificate.subject')));
      if (cn) names.add(cn);
      for (const n of strList(f, 'san.dns')) {
        const h = normalizeHostName(n);
        if (h) names.add(h);
      }
      if (names.size === 0) return null;
      const c = base(r, file, 'x509');
      c.protocol = 'tls';
      c.certNames = [...names].sort();
      return c;
    }
    case 'files': {
      const c = base(r, file, 'files');
      // Older Zeek names the endpoints tx_hosts (sender) and rx_hosts (receiver).
      if (c.dst === undefined) set(c, 'dst', first(f['tx_hosts']));
      if (c.src === undefined) set(c, 'src', first(f['rx_hosts']));
      set(c, 'protocol', str(f, 'source')?.toLowerCase());
      if (c.src === undefined && c.dst === undefined) return null;
      return c;
    }
    default:
      return null;
  }
}

function first(v: ZeekValue | undefined): string | undefined {
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end > 0 ? host.slice(1, end) : host;
  }
  const colon = host.indexOf(':');
  // Only one colon: host:port. More: a bare IPv6 literal.
  if (colon > 0 && host.indexOf(':', colon + 1) < 0) return host.slice(0, colon);
  return host;
}

/** Rebuilds the request URL from Host, port and URI (an absolute URI, as proxies see, is kept). */
export function buildUrl(
  host: string | undefined,
  port: number | undefined,
  uri: string | undefined,
): string | undefined {
  if (uri !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return uri;
  if (!host) return undefined;
  const h = host.includes(':') && !host.includes('[') && looksLikeIp(host) ? `[${host}]` : host;
  const hasPort = /:\d+$/.test(h);
  const scheme = port === 443 ? 'https' : 'http';
  const p = !hasPort && port !== undefined && port !== 80 && port !== 443 ? `:${port}` : '';
  const path = uri === undefined || uri === '' ? '/' : uri.startsWith('/') ? uri : `/${uri}`;
  return `${scheme}://${h}${p}${path}`;
}
