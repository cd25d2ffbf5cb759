/**
 * `chainhunt hunt`: every current advisory, indicator and rule that can be judged on stored
 * observations, evaluated without touching the evidence again. The same matchers as `scan` run on
 * the stored observations (so findings are the same); SQL narrows the candidate rows first.
 * Findings not seen by an earlier hunt are marked `new`.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../core/finding.js';
import type { HostContext, Platform } from '../core/host.js';
import type { IntelBundle } from '../core/intel.js';
import { compareIssues, issue, type Issue } from '../core/issue.js';
import type { Observation } from '../core/observation.js';
import type { Matcher, PreparedMatcher } from '../core/plugin.js';
import { matchers as defaultMatchers } from '../matchers/index.js';
import { hostKey } from '../scan/hosts.js';
import type { HostState, ScanOutcome } from '../scan/runner.js';
import { sortFindings } from '../scan/sort.js';
import { StatusBook } from '../scan/status.js';
import { registrable, urlHost } from './ingest.js';
import type { EvidenceStore } from './store.js';

export interface HuntFilters {
  tenant?: string;
  host?: string;
  /** ISO times bounding contacts and events. */
  since?: string;
  until?: string;
  /** Only observations of these ingests (a bundle's rows). */
  ingestIds?: readonly string[];
}

/** A finding as hunts report it: with whether an earlier hunt had already reported it. */
export type HuntFinding = Finding & { new: boolean };

export interface HuntOutcome extends ScanOutcome {
  findings: HuntFinding[];
  huntId: number;
  /**
   * For each finding, the ingests whose observations produced it (which bundles show it). Findings
   * made from many observations at once (correlations, beacons) have none.
   */
  findingIngests: Map<string, Set<string>>;
}

function where(f: HuntFilters, timed: boolean): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  const add = (clause: string, value: string): void => {
    params.push(value);
    parts.push(`${clause} $${params.length}`);
  };
  if (f.tenant !== undefined) add('tenant =', f.tenant);
  if (f.host !== undefined) add('host =', f.host);
  if (timed && f.since !== undefined) add('time >=', f.since);
  if (timed && f.until !== undefined) add('time <=', f.until);
  if (f.ingestIds !== undefined) parts.push(`ingest_id IN (${sqlList(f.ingestIds)})`);
  return { sql: parts.length ? parts.join(' AND ') : 'TRUE', params };
}

function sqlList(values: Iterable<string>): string {
  const list = [...values].map((v) => `'${v.replace(/'/g, "''")}'`);
  return list.length ? list.join(',') : "''";
}

/** Runs a hunt over the store with `intel`. */
export async function hunt(
  store: EvidenceStore,
  intel: IntelBundle,
  filters: HuntFilters = {},
  matcherList: readonly Matcher[] = defaultMatchers,
): Promise<HuntOutcome> {
  const conn = store.conn;
  const issues: Issue[] = [];
  const status = new StatusBook();
  const prepared: { m: Matcher; pm: PreparedMatcher }[] = [];
  for (const m of matcherList) {
    status.register(m, 'matcher');
    const pm = m.prepare(intel);
    if (pm) prepared.push({ m, pm });
  }
  const findings = new Map<string, Finding>();
  const findingIngests = new Map<string, Set<string>>();
  const counts = new Map<string, number>();
  const feed = (o: Observation, ingestId: string): void => {
    for (const { m, pm } of prepared) {
      if (!m.accepts.includes(o.kind)) continue;
      counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
      try {
        for (const f of pm.match(o)) {
          if (!findings.has(f.id)) findings.set(f.id, f);
          let set = findingIngests.get(f.id);
          if (!set) findingIngests.set(f.id, (set = new Set()));
          set.add(ingestId);
        }
      } catch (err) {
        issues.push(
          issue('internal-error', `matcher failed on a stored observation: ${(err as Error).message}`, {
            pluginId: m.id,
            file: o.source.file,
          }),
        );
      }
    }
  };
  const stream = async (sql: string, params: string[]): Promise<void> => {
    const result = await conn.stream(sql, params);
    for await (const rows of result.yieldRows())
      for (const r of rows) feed(JSON.parse(String(r[0])) as Observation, String(r[1]));
  };
  const accepts = (kind: Observation['kind']): boolean => prepared.some(({ m }) => m.accepts.includes(kind));

  // What the intel can be judged on decides which rows are read.
  const inds = intel.indicators;
  const hashes = inds
    .filter((i) => i.type === 'sha256' || i.type === 'sha1' || i.type === 'md5')
    .map((i) => i.value.toLowerCase());
  const wholeFiles = inds.some((i) => i.type === 'filename');
  const domains = new Set<string>();
  const ips = new Set<string>();
  let wholeContacts = false;
  for (const i of inds) {
    if (i.type === 'domain') domains.add(registrable(i.value) ?? i.value);
    else if (i.type === 'ip') ips.add(i.value);
    else if (i.type === 'cidr') wholeContacts = true;
    else if (i.type === 'url' || i.type === 'url-pattern') {
      const h = urlHost(i.value.replace(/\*/g, 'x'));
      if (!h || i.value.split('/')[2]?.includes('*')) wholeContacts = true;
      else domains.add(registrable(h) ?? h);
    }
  }
  const sigma = intel.rules.some((r) => r.format === 'sigma');

  // Candidate keys go into a temporary table, so tens of thousands of indicators are one hash join.
  await conn.run('CREATE TEMP TABLE IF NOT EXISTS hunt_keys (kind VARCHAR, k VARCHAR)');
  await conn.run('DELETE FROM hunt_keys');
  const keys = await conn.createAppender('hunt_keys');
  const addKeys = (kind: string, values: Iterable<string>): void => {
    for (const v of values) {
      keys.appendVarchar(kind);
      keys.appendVarchar(v);
      keys.endRow();
    }
  };
  addKeys('hash', hashes);
  addKeys('domain', domains);
  addKeys('ip', ips);
  keys.closeSync();
  const keySet = (kind: string): string => `(SELECT k FROM hunt_keys WHERE kind = '${kind}')`;

  const w = where(filters, false);
  if (accepts('app')) await stream(`SELECT obs, ingest_id FROM obs_app WHERE ${w.sql}`, w.params);
  if (accepts('package')) await stream(`SELECT obs, ingest_id FROM obs_package WHERE ${w.sql}`, w.params);
  if (accepts('file') && (wholeFiles || hashes.length)) {
    if (wholeFiles) await stream(`SELECT obs, ingest_id FROM obs_file WHERE ${w.sql}`, w.params);
    else {
      const h = keySet('hash');
      await stream(
        `SELECT obs, ingest_id FROM obs_file WHERE ${w.sql} AND (sha256 IN ${h} OR sha1 IN ${h} OR md5 IN ${h})`,
        w.params,
      );
    }
  }
  const wt = where(filters, true);
  if (accepts('net-contact') && (domains.size || ips.size || wholeContacts)) {
    // One semi-join per key kind (an OR of semi-joins would scan every row once per branch).
    if (wholeContacts) await stream(`SELECT obs, ingest_id FROM obs_contact WHERE ${wt.sql}`, wt.params);
    else {
      const parts: string[] = [];
      if (domains.size)
        parts.push(
          `SELECT obs, ingest_id FROM obs_contact WHERE ${wt.sql} AND reg_domain IN ${keySet('domain')}`,
        );
      if (ips.size) {
        parts.push(`SELECT obs, ingest_id FROM obs_contact WHERE ${wt.sql} AND dst IN ${keySet('ip')}`);
        parts.push(`SELECT obs, ingest_id FROM obs_contact WHERE ${wt.sql} AND src IN ${keySet('ip')}`);
      }
      await stream(parts.join(' UNION '), wt.params);
    }
  }
  if (accepts('log-event')) {
    if (sigma) await stream(`SELECT obs, ingest_id FROM obs_event WHERE ${wt.sql}`, wt.params);
    else if (domains.size || ips.size || wholeContacts) {
      const cond = wholeContacts
        ? 'TRUE'
        : `(reg_domain IN ${keySet('domain')} OR obs LIKE '%DestinationIp%')`;
      await stream(
        `SELECT obs, ingest_id FROM obs_event WHERE ${wt.sql} AND event_id IN (3, 22) AND ${cond}`,
        wt.params,
      );
    }
  }
  for (const { m, pm } of prepared) {
    if (pm.finish) for (const f of pm.finish()) if (!findings.has(f.id)) findings.set(f.id, f);
    issues.push(...(pm.issues ?? []).map((i) => ({ ...i, pluginId: i.pluginId ?? m.id })));
    status.addHandled(m, 'matcher', counts.get(m.id) ?? 0);
  }

  // Which findings are new, then record this hunt (one transaction).
  const list = sortFindings([...findings.values()]);
  const seen = new Set<string>();
  if (list.length) {
    const r = await conn.runAndReadAll(
      `SELECT finding_id FROM hunt_findings WHERE finding_id IN (${sqlList(list.map((f) => f.id))})`,
    );
    for (const row of r.getRows()) seen.add(String(row[0]));
  }
  const out: HuntFinding[] = list.map((f) => ({ ...f, new: !seen.has(f.id) }));
  const checksum = createHash('sha256')
    .update(
      JSON.stringify([
        intel.advisories.map((a) => [a.id, a.modified]),
        intel.indicators.length,
        intel.rules.length,
      ]),
    )
    .digest('hex');
  await conn.run('BEGIN TRANSACTION');
  const next = await conn.runAndReadAll('SELECT coalesce(max(hunt_id), 0) + 1 FROM hunts');
  const huntId = Number(next.getRows()[0]?.[0] ?? 1);
  await conn.run('INSERT INTO hunts VALUES ($1, $2, $3, $4, $5)', [
    huntId,
    new Date().toISOString(),
    checksum,
    out.length,
    out.filter((f) => f.new).length,
  ]);
  const ap = await conn.createAppender('hunt_findings');
  for (const f of out) {
    if (!f.new) continue;
    ap.appendVarchar(f.id);
    ap.appendVarchar(f.tenant ?? '');
    ap.appendVarchar(f.host);
    ap.appendVarchar(f.kind);
    ap.appendVarchar(f.severity);
    ap.appendInteger(huntId);
    ap.appendInteger(huntId);
    ap.appendVarchar(JSON.stringify(f));
    ap.endRow();
  }
  ap.closeSync();
  if (seen.size)
    await conn.run(`UPDATE hunt_findings SET last_hunt = ${huntId} WHERE finding_id IN (${sqlList(seen)})`);
  await conn.run('COMMIT');

  return {
    hosts: await storedHosts(store, filters),
    findings: out,
    issues: issues.sort(compareIssues),
    plugins: status.statuses(),
    intel,
    observations: [],
    huntId,
    findingIngests,
  };
}

/** Hosts in the store (latest bundle's context), with observation counts. */
export async function storedHosts(store: EvidenceStore, filters: HuntFilters = {}): Promise<HostState[]> {
  const w = where(filters, false);
  const rows = (
    await store.conn.runAndReadAll(
      `SELECT tenant, host, arg_max(hostname, ingested_at), arg_max(os, ingested_at), arg_max(root, ingested_at), max(collected_at), list(kind_counts) FROM bundles WHERE ${w.sql} GROUP BY tenant, host ORDER BY tenant, host`,
      w.params,
    )
  ).getRows();
  const states = new Map<string, HostState>();
  for (const r of rows) {
    const host: HostContext = { id: String(r[1]), root: String(r[4] ?? ''), fromManifest: true };
    if (r[0]) host.tenant = String(r[0]);
    if (r[2] !== null) host.hostname = String(r[2]);
    if (r[3] !== null) host.os = String(r[3]) as Platform;
    if (r[5] !== null) host.collectedAt = String(r[5]);
    // Observation counts per kind come from the bundles (written at ingest), not from scanning rows.
    const observations: Partial<Record<Observation['kind'], number>> = {};
    const lists = r[6] as { items?: unknown[] } | null;
    for (const item of lists?.items ?? []) {
      if (typeof item !== 'string') continue;
      const counts = JSON.parse(item) as Record<Observation['kind'], number>;
      for (const [k, n] of Object.entries(counts) as [Observation['kind'], number][])
        observations[k] = (observations[k] ?? 0) + n;
    }
    states.set(hostKey(host), { host, observations });
  }
  return [...states.values()];
}
