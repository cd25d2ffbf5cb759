/**
 * Ad-hoc search of stored evidence, before there is intel to hunt with: "does any host of any of my
 * customers have chalk 5.6.1, an app called 3CX, this file hash, or contact with this domain or
 * address?". One criterion per search; matches are exact (names and versions), or a
 * case-insensitive substring for application names; every value is a bound parameter.
 *
 * Each hit carries the stored ingest it came from, its collection time, and whether that ingest
 * is the host's latest: inventory hits from an older bundle say what the host had, not what it has.
 */
import type { EvidenceStore } from './store.js';

export type SearchQuery =
  | { kind: 'package'; name: string; ecosystem?: string | undefined; version?: string | undefined }
  | { kind: 'app'; name: string; version?: string | undefined }
  | { kind: 'hash'; value: string }
  | { kind: 'domain'; name: string }
  | { kind: 'ip'; address: string };

export interface SearchHit {
  tenant: string;
  host: string;
  /** What kind of observation matched. */
  kind: 'package' | 'app' | 'file' | 'contact' | 'dns';
  /** The matching values (name and version, path and hashes, endpoints). */
  detail: Record<string, string | number | null>;
  ingestId: string;
  collectedAt: string | null;
  /** Whether the hit comes from the host's latest stored bundle. */
  latest: boolean;
}

export interface SearchResult {
  hits: SearchHit[];
  /** More hits exist than `limit`. */
  truncated: boolean;
}

/** Longest value accepted in a search. */
export const MAX_SEARCH_VALUE = 512;
/** Most hits returned by one search. */
export const MAX_SEARCH_HITS = 5000;

const HEX = /^[0-9a-f]+$/;
const HASH_COLUMN: Record<number, string> = { 64: 'sha256', 40: 'sha1', 32: 'md5' };

/**
 * Reads a search from request parameters: exactly one of `package`, `app`, `hash`, `domain`, `ip`
 * (with `ecosystem` and `version` for packages, `version` for apps). Returns the reason when the
 * parameters do not make one search.
 */
export function parseSearch(p: Record<string, unknown>): { query: SearchQuery } | { error: string } {
  const text = (k: string): string | undefined => {
    const v = p[k];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const given = ['package', 'app', 'hash', 'domain', 'ip'].filter((k) => text(k) !== undefined);
  if (given.length !== 1) return { error: 'give exactly one of package, app, hash, domain or ip' };
  for (const k of ['package', 'app', 'hash', 'domain', 'ip', 'ecosystem', 'version'])
    if ((text(k)?.length ?? 0) > MAX_SEARCH_VALUE)
      return { error: `${k} is longer than ${MAX_SEARCH_VALUE} characters` };
  const version = text('version');
  switch (given[0]) {
    case 'package':
      return {
        query: { kind: 'package', name: text('package') ?? '', ecosystem: text('ecosystem'), version },
      };
    case 'app':
      return { query: { kind: 'app', name: text('app') ?? '', version } };
    case 'hash': {
      const value = (text('hash') ?? '').toLowerCase();
      if (!HEX.test(value) || HASH_COLUMN[value.length] === undefined)
        return { error: 'hash: a SHA-256, SHA-1 or MD5 in hex' };
      return { query: { kind: 'hash', value } };
    }
    case 'domain': {
      const name = (text('domain') ?? '').toLowerCase().replace(/\.$/, '');
      if (!/^[a-z0-9_.-]+$/.test(name)) return { error: 'domain: letters, digits, dots, dashes' };
      return { query: { kind: 'domain', name } };
    }
    default: {
      const address = (text('ip') ?? '').toLowerCase();
      if (!/^[0-9a-f.:]+$/.test(address)) return { error: 'ip: an IPv4 or IPv6 address' };
      return { query: { kind: 'ip', address } };
    }
  }
}

/** `%` and `_` taken literally in a LIKE pattern (escape character `\`). */
const likeLiteral = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

interface Plan {
  sql: string;
  params: string[];
}

/** The SQL of one search over the tenants given (at least one), returning `limit + 1` rows. */
export function searchPlan(q: SearchQuery, tenants: readonly string[], limit: number): Plan {
  const params: string[] = [];
  const bind = (v: string): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const inTenants = `tenant IN (${tenants.map(bind).join(', ')})`;
  let select: string;
  switch (q.kind) {
    case 'package': {
      const conds = [inTenants, `name = ${bind(q.name)}`];
      if (q.ecosystem !== undefined) conds.push(`lower(ecosystem) = lower(${bind(q.ecosystem)})`);
      if (q.version !== undefined) conds.push(`version = ${bind(q.version)}`);
      select = `SELECT tenant, host, ingest_id, 'package' AS kind, ecosystem AS a, name AS b, version AS c, NULL AS d
        FROM obs_package WHERE ${conds.join(' AND ')}`;
      break;
    }
    case 'app': {
      const conds = [
        inTenants,
        `lower(name) LIKE ${bind(`%${likeLiteral(q.name.toLowerCase())}%`)} ESCAPE '\\'`,
      ];
      if (q.version !== undefined) conds.push(`version = ${bind(q.version)}`);
      select = `SELECT tenant, host, ingest_id, 'app' AS kind, name AS a, version AS b, publisher AS c, platform AS d
        FROM obs_app WHERE ${conds.join(' AND ')}`;
      break;
    }
    case 'hash': {
      const column = HASH_COLUMN[q.value.length] ?? 'sha256';
      select = `SELECT tenant, host, ingest_id, 'file' AS kind, path AS a, sha256 AS b, CAST(size AS VARCHAR) AS c, NULL AS d
        FROM obs_file WHERE ${inTenants} AND lower(${column}) = ${bind(q.value)}`;
      break;
    }
    case 'domain': {
      const name = bind(q.name);
      const suffix = bind(`%.${likeLiteral(q.name)}`);
      const match = (col: string): string =>
        `(lower(${col}) = ${name} OR lower(${col}) LIKE ${suffix} ESCAPE '\\')`;
      select = `SELECT tenant, host, ingest_id, 'contact' AS kind, fqdn AS a, dst AS b, url AS c, time AS d
          FROM obs_contact WHERE ${inTenants} AND (${match('fqdn')} OR lower(reg_domain) = ${name})
        UNION ALL
        SELECT tenant, host, ingest_id, 'dns' AS kind, query_name AS a, image AS b, NULL AS c, time AS d
          FROM obs_event WHERE ${inTenants} AND (${match('query_name')} OR lower(reg_domain) = ${name})`;
      break;
    }
    case 'ip': {
      const address = bind(q.address);
      select = `SELECT tenant, host, ingest_id, 'contact' AS kind, fqdn AS a, dst AS b, src AS c, time AS d
        FROM obs_contact WHERE ${inTenants} AND (lower(dst) = ${address} OR lower(src) = ${address})`;
      break;
    }
  }
  const sql = `WITH hits AS (${select}),
    latest AS (SELECT tenant, host, arg_max(ingest_id, coalesce(collected_at, ingested_at)) AS ingest_id
               FROM bundles GROUP BY tenant, host),
    collected AS (SELECT ingest_id, min(coalesce(collected_at, ingested_at)) AS at FROM bundles GROUP BY ingest_id)
    SELECT h.tenant, h.host, h.kind, h.a, h.b, h.c, h.d, h.ingest_id, c.at,
           (l.ingest_id IS NOT NULL AND l.ingest_id = h.ingest_id) AS latest
    FROM hits h
    LEFT JOIN latest l ON l.tenant = h.tenant AND l.host = h.host
    LEFT JOIN collected c ON c.ingest_id = h.ingest_id
    ORDER BY latest DESC, h.tenant, h.host, h.kind, h.a, h.b, h.c, h.d
    LIMIT ${Math.max(1, Math.min(MAX_SEARCH_HITS, Math.trunc(limit))) + 1}`;
  return { sql, params };
}

const DETAIL_NAMES: Record<SearchHit['kind'], [string, string, string, string]> = {
  package: ['ecosystem', 'name', 'version', ''],
  app: ['name', 'version', 'publisher', 'platform'],
  file: ['path', 'sha256', 'size', ''],
  contact: ['fqdn', 'dst', 'url', 'time'],
  dns: ['query', 'image', '', 'time'],
};

/** Runs a search over the given tenants; no tenant, no hit. */
export async function searchEvidence(
  store: EvidenceStore,
  q: SearchQuery,
  tenants: readonly string[],
  limit = 1000,
): Promise<SearchResult> {
  if (!tenants.length) return { hits: [], truncated: false };
  const max = Math.max(1, Math.min(MAX_SEARCH_HITS, Math.trunc(limit)));
  const plan = searchPlan(q, tenants, max);
  const rows = (await store.conn.runAndReadAll(plan.sql, plan.params)).getRows();
  const hits = rows.slice(0, max).map((r): SearchHit => {
    const kind = String(r[2]) as SearchHit['kind'];
    const names = DETAIL_NAMES[kind];
    const detail: Record<string, string | number | null> = {};
    names.forEach((n, i) => {
      if (!n) return;
      const v = r[3 + i];
      detail[n] = v === null || v === undefined ? null : String(v);
    });
    if (kind === 'contact' && q.kind === 'ip') {
      // For an address search, the third column is the source, not a URL.
      detail['src'] = detail['url'] ?? null;
      delete detail['url'];
    }
    return {
      tenant: String(r[0]),
      host: String(r[1]),
      kind,
      detail,
      ingestId: String(r[7]),
      collectedAt: r[8] === null || r[8] === undefined ? null : String(r[8]),
      latest: r[9] === true,
    };
  });
  return { hits, truncated: rows.length > max };
}

/** Every tenant with a stored bundle (hosts ingested without one are filed under ''). */
export async function storeTenants(store: EvidenceStore): Promise<string[]> {
  const rows = (
    await store.conn.runAndReadAll('SELECT DISTINCT tenant FROM bundles ORDER BY tenant')
  ).getRows();
  return rows.map((r) => String(r[0] ?? ''));
}
