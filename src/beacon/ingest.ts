/**
 * Loading Zeek conn, open_conn, http and ssl logs into a {@link ConnTable}. Other logs are
 * ignored. Reading streams each file (gzip too), so memory is the table plus one chunk.
 */
import path from 'node:path';
import type { Issue } from '../core/issue.js';
import { normalizeHostName, looksLikeIp } from '../collectors/zeek/parse.js';
import { baseLogPath, num, str, zeekLogTypeFromName, type ZeekRecord } from '../logs/zeek/parse.js';
import { readZeekFile, walkFiles } from '../logs/zeek/read.js';
import { ConnTable, FLAG, ROW } from './table.js';

/** Log types the beacon analysis reads. */
export const BEACON_LOGS = new Set(['conn', 'http', 'ssl']);

function sum(a: number | undefined, b: number | undefined): number {
  if (a === undefined && b === undefined) return NaN;
  return (a ?? 0) + (b ?? 0);
}

function hostOnly(h: string): string {
  const c = h.indexOf(':');
  return c > 0 && h.indexOf(':', c + 1) < 0 ? h.slice(0, c) : h;
}

/**
 * Adds one Zeek record to the table; returns false when it is not a conn/http/ssl record or
 * lacks a time or an address. `open` marks records from open_conn snapshots.
 */
export function addZeekRecord(t: ConnTable, r: ZeekRecord, open = false): boolean {
  const f = r.fields;
  const ts = num(f, 'ts');
  const src = str(f, 'id.orig_h');
  const dst = str(f, 'id.resp_h');
  if (ts === undefined || src === undefined || dst === undefined) return false;
  const port = num(f, 'id.resp_p');
  const lp = baseLogPath(r.logPath);
  if (lp.open) open = true;
  switch (lp.type) {
    case 'conn':
      return (
        t.add({
          kind: ROW.conn,
          ts,
          src,
          dst,
          port,
          bytes: sum(num(f, 'orig_bytes'), num(f, 'resp_bytes')),
          duration: num(f, 'duration'),
          flags: open ? FLAG.open : 0,
        }) >= 0
      );
    case 'http': {
      const hostRaw = normalizeHostName(str(f, 'host'));
      const host = hostRaw ? hostOnly(hostRaw) : undefined;
      return (
        t.add({
          kind: ROW.http,
          ts,
          src,
          dst,
          port,
          name: host && !looksLikeIp(host) ? host : undefined,
          bytes: sum(num(f, 'request_body_len'), num(f, 'response_body_len')),
          ua: str(f, 'user_agent'),
          flags: (hostRaw ? 0 : FLAG.noHost) | (open ? FLAG.open : 0),
        }) >= 0
      );
    }
    case 'ssl': {
      const sni = normalizeHostName(str(f, 'server_name'));
      return (
        t.add({
          kind: ROW.ssl,
          ts,
          src,
          dst,
          port,
          name: sni && !looksLikeIp(sni) ? sni : undefined,
          flags: open ? FLAG.open : 0,
        }) >= 0
      );
    }
    default:
      return false;
  }
}

/** Result of loading logs. */
export interface LoadSummary {
  files: number;
  records: number;
  rows: number;
  issues: Issue[];
}

/**
 * Walks `paths` for Zeek conn/http/ssl logs (plain, gzip, rotated, open_*) and loads them.
 *
 * @example const t = new ConnTable(); await loadZeekLogs(['logs/2024-04-19'], t);
 */
export async function loadZeekLogs(
  paths: readonly string[],
  t: ConnTable,
  opts: { signal?: AbortSignal } = {},
): Promise<LoadSummary> {
  const issues: Issue[] = [];
  const files = await walkFiles(
    paths,
    (name) => {
      const lt = zeekLogTypeFromName(name);
      return lt !== null && BEACON_LOGS.has(lt.type);
    },
    issues,
  );
  let records = 0;
  const before = t.length;
  for (const file of files) {
    if (opts.signal?.aborted) break;
    const lt = zeekLogTypeFromName(path.basename(file));
    const open = lt?.open ?? false;
    const readOpts: { pluginId: string; pathHint?: string } = { pluginId: 'beacon' };
    if (lt) readOpts.pathHint = lt.type;
    const res = await readZeekFile(
      file,
      (r) => {
        records++;
        addZeekRecord(t, r, open);
      },
      readOpts,
    );
    issues.push(...res.issues);
  }
  return { files: files.length, records, rows: t.length - before, issues };
}
