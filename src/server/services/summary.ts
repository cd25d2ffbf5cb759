/** "Are we clean?": per tenant, per advisory (or indicator), and the burn-down over time. */
import type { Case, CaseEvent, CaseState, HostRecord } from '../state/types.js';
import { CASE_STATES } from '../state/types.js';

export type StateCounts = Record<CaseState, number>;

const zero = (): StateCounts => ({
  open: 0,
  contained: 0,
  remediated: 0,
  verified_clean: 0,
  false_positive: 0,
});
const ACTIVE: readonly CaseState[] = ['open', 'contained', 'remediated'];

export interface KeySummary {
  key: string;
  title: string;
  severity: string;
  hosts: StateCounts;
  clean: boolean;
}

export interface TenantSummary {
  tenant: string;
  clean: boolean;
  hosts: { total: number; affected: number; clean: number };
  cases: StateCounts;
  keys: KeySummary[];
}

const SEV = ['critical', 'high', 'medium', 'low', 'info'];

/** The tenant's summary from its cases and hosts (the same shape as from SQL aggregates). */
export function summarise(
  tenant: string,
  cases: readonly Case[],
  hosts: readonly HostRecord[],
): TenantSummary {
  const counts = new Map<
    string,
    { key: string; title: string; severity: string; state: CaseState; n: number }
  >();
  for (const c of cases) {
    const id = `${c.key}\u0000${c.state}`;
    const row = counts.get(id);
    if (!row) counts.set(id, { key: c.key, title: c.title, severity: c.severity, state: c.state, n: 1 });
    else {
      row.n++;
      if (SEV.indexOf(c.severity) < SEV.indexOf(row.severity)) row.severity = c.severity;
    }
  }
  const affected = new Set(cases.filter((c) => ACTIVE.includes(c.state)).map((c) => c.host)).size;
  const total = new Set([...hosts.map((h) => h.host), ...cases.map((c) => c.host)]).size;
  return summariseCounts(tenant, [...counts.values()], total, affected);
}

/** The same summary from SQL aggregates (case counts per key and state, hosts with active cases). */
export function summariseCounts(
  tenant: string,
  counts: readonly { key: string; title: string; severity: string; state: CaseState; n: number }[],
  hostsTotal: number,
  affectedHosts: number,
): TenantSummary {
  const cases = zero();
  const keys = new Map<string, KeySummary>();
  for (const r of counts) {
    cases[r.state] += r.n;
    let k = keys.get(r.key);
    if (!k)
      keys.set(r.key, (k = { key: r.key, title: r.title, severity: r.severity, hosts: zero(), clean: true }));
    k.hosts[r.state] += r.n;
    if (ACTIVE.includes(r.state)) k.clean = false;
    if (SEV.indexOf(r.severity) < SEV.indexOf(k.severity)) k.severity = r.severity;
  }
  return {
    tenant,
    clean: affectedHosts === 0,
    hosts: { total: hostsTotal, affected: affectedHosts, clean: hostsTotal - affectedHosts },
    cases,
    keys: [...keys.values()].sort(
      (a, b) => SEV.indexOf(a.severity) - SEV.indexOf(b.severity) || (a.key < b.key ? -1 : 1),
    ),
  };
}

/** One advisory or indicator across the tenants an MSSP operator sees. */
export interface KeyAcrossTenants {
  key: string;
  title: string;
  severity: string;
  /** Host counts by case state, summed over the tenants. */
  hosts: StateCounts;
  /** Tenants with a host still open, contained or remediated for this key. */
  tenantsAffected: number;
  clean: boolean;
  tenants: { tenant: string; name: string; hosts: StateCounts; clean: boolean }[];
}

/**
 * "Which of my customers does this advisory hit, and how far along are they?": the tenants'
 * summaries pivoted by advisory or indicator, the ones not yet clean first, then by severity.
 */
export function acrossTenants(
  summaries: readonly { name: string; summary: TenantSummary }[],
): KeyAcrossTenants[] {
  const out = new Map<string, KeyAcrossTenants>();
  for (const { name, summary } of summaries)
    for (const k of summary.keys) {
      let row = out.get(k.key);
      if (!row)
        out.set(
          k.key,
          (row = {
            key: k.key,
            title: k.title,
            severity: k.severity,
            hosts: zero(),
            tenantsAffected: 0,
            clean: true,
            tenants: [],
          }),
        );
      for (const st of CASE_STATES) row.hosts[st] += k.hosts[st];
      if (SEV.indexOf(k.severity) < SEV.indexOf(row.severity)) row.severity = k.severity;
      if (!k.clean) {
        row.tenantsAffected++;
        row.clean = false;
      }
      row.tenants.push({ tenant: summary.tenant, name, hosts: { ...k.hosts }, clean: k.clean });
    }
  return [...out.values()].sort(
    (a, b) =>
      Number(a.clean) - Number(b.clean) ||
      SEV.indexOf(a.severity) - SEV.indexOf(b.severity) ||
      b.tenantsAffected - a.tenantsAffected ||
      (a.key < b.key ? -1 : 1),
  );
}

export interface BurnPoint extends StateCounts {
  at: string;
}

/**
 * Case states over time, replayed from the case history: one point per day (the state at the end
 * of that day) from the first event to `now`. `open` is "affected".
 */
export function burndown(
  events: readonly CaseEvent[],
  caseIds: ReadonlySet<string>,
  now: string,
): BurnPoint[] {
  const mine = events
    .filter((e) => caseIds.has(e.caseId))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id));
  if (!mine.length) return [];
  const state = new Map<string, CaseState>();
  const points: BurnPoint[] = [];
  const dayOf = (t: string): string => t.slice(0, 10);
  let i = 0;
  const first = mine[0];
  if (!first) return [];
  for (let day = dayOf(first.at); day <= dayOf(now); day = nextDay(day)) {
    while (i < mine.length && dayOf(mine[i]?.at ?? '') <= day) {
      const e = mine[i];
      if (e) state.set(e.caseId, e.to);
      i++;
    }
    const c = zero();
    for (const s of state.values()) c[s]++;
    points.push({ at: day, ...c });
    if (points.length > 3660) break;
  }
  return points;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

export { CASE_STATES };
