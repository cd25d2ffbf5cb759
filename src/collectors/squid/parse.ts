/**
 * Squid `access.log` in the native format (`logformat squid`):
 * `time elapsed client code/status bytes method URL user hierarchy/peer type`.
 * Other log formats (Apache-style `combined`) are reported as unsupported, never guessed.
 */
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { NetContactObservation } from '../../core/observation.js';

/** A contact as emitted (before the runner stamps host and collector). */
export type NetContact = Omit<NetContactObservation, 'host' | 'tenant' | 'collectorId'>;

const PLUGIN = 'collectors/squid';

/** True when a line looks like the native Squid format (cheap test used by sniffing too). */
export function looksLikeSquidNative(line: string): boolean {
  return /^\d{9,11}\.\d{3}\s+-?\d+\s+\S+\s+[A-Z_]+\/\d{3}\s+\d+\s+\S+\s+\S+/.test(line);
}

function splitHostPort(hp: string): { host: string; port?: number } {
  if (hp.startsWith('[')) {
    const end = hp.indexOf(']');
    const port = hp.slice(end + 2);
    return /^\d+$/.test(port) ? { host: hp.slice(1, end), port: Number(port) } : { host: hp.slice(1, end) };
  }
  const c = hp.lastIndexOf(':');
  if (c > 0 && /^\d+$/.test(hp.slice(c + 1)) && hp.indexOf(':') === c)
    return { host: hp.slice(0, c), port: Number(hp.slice(c + 1)) };
  return { host: hp };
}

/**
 * Parses a Squid native access log into contacts.
 *
 * @example parseSquidAccessLog('1286536308.779 180 10.0.0.5 TCP_MISS/200 411 GET http://x.example/ - DIRECT/1.2.3.4 text/html', 'access.log')
 */
export function parseSquidAccessLog(
  text: string,
  file: string,
): { observations: NetContact[]; issues: Issue[] } {
  const observations: NetContact[] = [];
  const issues: Issue[] = [];
  let lineNo = 0;
  let bad = 0;
  let good = 0;
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    lineNo++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim().length === 0) continue;
    const parts = line.trim().split(/\s+/);
    if (parts.length < 7 || !looksLikeSquidNative(line.trim())) {
      if (good === 0 && lineNo <= 5 && bad === 0) {
        issues.push(
          issue(
            'unsupported',
            'not the native Squid access.log format (logformat squid); other formats are not parsed',
            { file, line: lineNo, pluginId: PLUGIN },
          ),
        );
      } else if (bad < 100) {
        issues.push(
          issue(nl < 0 ? 'truncated' : 'parse-error', 'line does not have the Squid native fields', {
            file,
            line: lineNo,
            pluginId: PLUGIN,
          }),
        );
      }
      bad++;
      if (good === 0 && bad === 1 && lineNo <= 5) return { observations, issues };
      continue;
    }
    good++;
    const [time, , client, codeStatus, bytes, method, url, , hier] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string?,
      string?,
    ];
    const c: NetContact = {
      kind: 'net-contact',
      source: { file, line: lineNo },
      logType: 'squid',
      src: client,
    };
    const ms = Math.round(Number(time) * 1000);
    if (Number.isFinite(ms)) c.time = new Date(ms).toISOString();
    const b = Number(bytes);
    if (Number.isFinite(b)) c.bytesIn = b;
    const peer = hier?.split('/')[1];
    if (peer && peer !== '-') c.dst = peer;
    if (method === 'CONNECT') {
      const hp = splitHostPort(url);
      c.protocol = 'https';
      c.fqdn = hp.host.toLowerCase();
      if (hp.port !== undefined) c.dstPort = hp.port;
    } else {
      c.protocol = 'http';
      c.url = url;
      const schemeEnd = url.indexOf('://');
      if (schemeEnd > 0) {
        const rest = url.slice(schemeEnd + 3);
        const slash = rest.search(/[/?#]/);
        const hostPort = (slash < 0 ? rest : rest.slice(0, slash)).replace(/^[^@]*@/, '');
        const hp = splitHostPort(hostPort);
        if (hp.host) c.fqdn = hp.host.toLowerCase();
        if (hp.port !== undefined) c.dstPort = hp.port;
      }
    }
    if (codeStatus.endsWith('/000')) c.protocol = `${c.protocol}-failed`;
    observations.push(c);
  }
  if (bad > 100)
    issues.push(
      issue('limit-exceeded', `${bad - 100} further bad lines not listed`, { file, pluginId: PLUGIN }),
    );
  if (observations.length === 0 && issues.length === 0)
    issues.push(issue('empty', 'empty access.log', { file, pluginId: PLUGIN }));
  return { observations, issues };
}
