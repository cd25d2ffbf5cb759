/**
 * Remediation cases: one per (tenant, host, advisory or indicator). Pure decisions only; the caller
 * reads and writes the store.
 *
 * States: open → contained → remediated → verified_clean, or false_positive. People may move a case
 * between open, contained, remediated and false_positive, always with a reason. `verified_clean` is
 * never set by hand: it follows from evidence, when the host's latest bundle (collected after the
 * last evidence of the problem) covers the kind of evidence the case is about and shows nothing:
 * the application gone or at or above a fixed version, the file gone, no indicator contact since the
 * remediation (or containment) time.
 */
import type { Finding } from '../../core/finding.js';
import type { Case, CaseState, HostBundle } from '../state/types.js';

/** The case a finding belongs to. */
export function caseKeyOf(f: Finding): string {
  if (f.advisory) return `advisory:${f.advisory.id}`;
  if (f.indicator) return `indicator:${f.indicator.type}:${f.indicator.value}`;
  if (f.rule) return `rule:${f.rule.id}`;
  return `${f.kind}:${f.title}`;
}

/** What kind of evidence can show the problem gone. */
export function caseKindOf(f: Finding): string {
  switch (f.subject.type) {
    case 'app':
      return 'app';
    case 'package':
      return 'package';
    case 'file':
      return 'file';
    case 'network':
      return 'network';
    case 'event':
      return 'event';
  }
}

/** Whether a bundle with these observation counts can show a case of `kind` clean. */
export function covers(kinds: Record<string, number>, kind: string): boolean {
  const has = (k: string): boolean => (kinds[k] ?? 0) > 0;
  switch (kind) {
    case 'app':
      return has('app');
    case 'package':
      return has('package');
    case 'file':
      return has('file');
    case 'network':
      return has('net-contact') || has('log-event');
    case 'event':
      return has('log-event');
    default:
      return false;
  }
}

/** A time as full ISO-8601 UTC (so strings compare in time order); unparsable text is kept. */
export function isoTime(t: string): string {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

/** The time an evidence item happened (contacts, events), if it has one. */
export function findingTime(f: Finding): string | undefined {
  const s = f.subject;
  const t = s.type === 'network' || s.type === 'event' ? s.time : undefined;
  return t === undefined ? undefined : isoTime(t);
}

/** A case's title: the advisory or indicator and what it hit, without version detail. */
export function caseTitleOf(f: Finding): string {
  const what = f.subject.type === 'app' || f.subject.type === 'package' ? f.subject.name : undefined;
  if (f.advisory) return what ? `${f.advisory.id}: ${what}` : `${f.advisory.id}: ${f.title}`;
  if (f.indicator) return `${f.indicator.type} indicator ${f.indicator.value}`;
  if (f.rule) return f.rule.title;
  return f.title;
}

/**
 * The time after which a contact or event still counts against the case: when it was remediated or
 * contained, else the collection time of the last bundle whose untimed evidence (the application,
 * package or file) still showed the problem.
 */
export function referenceTime(c: Case): string | null {
  const until = c.detail['affectedUntil'];
  return c.remediatedAt ?? c.containedAt ?? (typeof until === 'string' ? until : null);
}

/**
 * The findings `bundle` shows that still count against a case: untimed ones (the app, a file), and
 * contacts or events at or after `refTime` (all of them when there is no reference time).
 */
function liveIn<T extends { finding: Finding; bundles: readonly HostBundle[] }>(
  items: readonly T[],
  bundle: HostBundle,
  refTime: string | null,
): T[] {
  return items.filter((i) => {
    if (!i.bundles.some((b) => b.bundleId === bundle.bundleId)) return false;
    const t = findingTime(i.finding);
    return t === undefined || refTime === null || t >= refTime;
  });
}

const MANUAL: Record<CaseState, readonly CaseState[]> = {
  open: ['contained', 'remediated', 'false_positive'],
  contained: ['open', 'remediated', 'false_positive'],
  remediated: ['open', 'contained', 'false_positive'],
  verified_clean: ['open'],
  false_positive: ['open'],
};

/** Why a manual transition is refused, or null when allowed. */
export function manualTransitionError(from: CaseState, to: CaseState): string | null {
  if (to === 'verified_clean')
    return 'verified_clean is set only from evidence: upload a bundle, collected after the remediation, that shows the host clean';
  if (from === to) return `the case is already ${to}`;
  if (!MANUAL[from].includes(to)) return `a case cannot go from ${from} to ${to}`;
  return null;
}

/** A state change decided here, for the caller to store with its event. */
export interface Transition {
  caseId: string;
  from: CaseState | null;
  to: CaseState;
  reason: string;
  evidence: Record<string, unknown>;
}

export interface HostFindings {
  /** Findings with the bundles that show them. */
  items: { finding: Finding; bundles: HostBundle[] }[];
}

export interface ReconcileInput {
  tenant: string;
  host: string;
  latest: HostBundle | null;
  findings: readonly { finding: Finding; bundles: readonly HostBundle[] }[];
  cases: readonly Case[];
  now: string;
  newId: () => string;
  /** Describes what the latest bundle shows for a case judged clean (e.g. the app's version now). */
  describeClean?: (c: Case) => string;
}

export interface ReconcileOutput {
  inserts: Case[];
  updates: Case[];
  transitions: Transition[];
}

const latestOf = (bundles: readonly HostBundle[]): HostBundle | undefined =>
  [...bundles]
    .sort((a, b) => (a.collectedAt < b.collectedAt ? -1 : a.collectedAt > b.collectedAt ? 1 : 0))
    .at(-1);

const SEVERITY = ['info', 'low', 'medium', 'high', 'critical'];
const worse = (a: string, b: string): string => (SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b);

/**
 * Brings one host's cases in line with its findings: opens cases for new problems, reopens cases
 * whose problem shows again after remediation, and verifies clean the cases the latest bundle clears.
 */
export function reconcileHost(input: ReconcileInput): ReconcileOutput {
  const out: ReconcileOutput = { inserts: [], updates: [], transitions: [] };
  const byKey = new Map<string, { finding: Finding; bundles: readonly HostBundle[] }[]>();
  for (const item of input.findings) {
    const k = caseKeyOf(item.finding);
    const list = byKey.get(k) ?? [];
    list.push(item);
    byKey.set(k, list);
  }
  const cases = new Map(input.cases.map((c) => [c.key, { ...c }]));
  const latest = input.latest;
  const touched = new Set<string>();

  for (const [key, items] of [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const first = items[0];
    if (!first) continue;
    const evidenceBundle = latestOf(items.flatMap((i) => i.bundles));
    // When the problem was last seen: a contact's or event's own time, else the bundle's collection.
    const evidenceAt = items
      .map((i) => findingTime(i.finding) ?? latestOf(i.bundles)?.collectedAt ?? input.now)
      .reduce((a, b) => (a > b ? a : b));
    const severity = items.map((i) => i.finding.severity as string).reduce(worse);
    // The case is about its untimed evidence (app, package, file) when it has any.
    const primary = items.find((i) => findingTime(i.finding) === undefined) ?? first;
    const untimedAt = items
      .filter((i) => findingTime(i.finding) === undefined)
      .flatMap((i) => i.bundles.map((b) => b.collectedAt))
      .reduce<string | null>((a, b) => (a === null || b > a ? b : a), null);
    let c = cases.get(key);
    const findingIds = [...new Set(items.map((i) => i.finding.id))].sort();
    if (!c) {
      c = {
        id: input.newId(),
        tenant: input.tenant,
        host: input.host,
        key,
        title: caseTitleOf(primary.finding),
        severity,
        kind: caseKindOf(primary.finding),
        state: 'open',
        openedAt: input.now,
        updatedAt: input.now,
        containedAt: null,
        remediatedAt: null,
        verifiedAt: null,
        lastEvidenceAt: evidenceAt,
        lastBundleId: evidenceBundle?.bundleId ?? null,
        detail: {
          ...caseDetail(primary.finding, findingIds),
          ...(untimedAt ? { affectedUntil: untimedAt } : {}),
        },
      };
      cases.set(key, c);
      out.inserts.push(c);
      out.transitions.push({
        caseId: c.id,
        from: null,
        to: 'open',
        reason: `${first.finding.title} on ${input.host}`,
        evidence: evidenceOf(items, evidenceBundle),
      });
      touched.add(key);
      continue;
    }
    const before = JSON.stringify(c);
    c.severity = worse(c.severity, severity);
    const prevUntil = typeof c.detail['affectedUntil'] === 'string' ? c.detail['affectedUntil'] : null;
    const until = [prevUntil, untimedAt]
      .filter((x): x is string => x !== null)
      .sort()
      .at(-1);
    // The case keeps describing its own kind of evidence (a contact never replaces the app).
    const sameKind = caseKindOf(primary.finding) === c.kind;
    const prevIds = Array.isArray(c.detail['findingIds']) ? (c.detail['findingIds'] as string[]) : [];
    c.detail = {
      ...c.detail,
      ...(sameKind ? caseDetail(primary.finding, findingIds) : {}),
      findingIds: [...new Set([...prevIds, ...findingIds])].sort().slice(0, 200),
      ...(until ? { affectedUntil: until } : {}),
    };
    if (evidenceAt > c.lastEvidenceAt) {
      c.lastEvidenceAt = evidenceAt;
      c.lastBundleId = evidenceBundle?.bundleId ?? c.lastBundleId;
    }
    // Evidence after the case was remediated or verified reopens it.
    const settledAt =
      c.state === 'verified_clean' ? c.verifiedAt : c.state === 'remediated' ? c.remediatedAt : null;
    const liveNow = latest ? liveIn(items, latest, referenceTime(c)) : [];
    if (
      (c.state === 'verified_clean' || c.state === 'remediated') &&
      latest &&
      liveNow.length > 0 &&
      settledAt !== null &&
      latest.collectedAt > settledAt
    ) {
      out.transitions.push({
        caseId: c.id,
        from: c.state,
        to: 'open',
        reason: `${c.title}: still seen in bundle ${latest.bundleId.slice(0, 12)} collected ${latest.collectedAt}`,
        evidence: evidenceOf(liveNow, latest),
      });
      c.state = 'open';
      c.verifiedAt = null;
      c.updatedAt = input.now;
    }
    if (JSON.stringify(c) !== before) {
      c.updatedAt = input.now;
      touched.add(key);
    }
  }

  // Verification: the latest bundle is later than the last evidence, covers the case's kind, and
  // shows nothing live for it.
  if (latest) {
    for (const c of cases.values()) {
      if (c.state !== 'open' && c.state !== 'contained' && c.state !== 'remediated') continue;
      if (!covers(latest.kinds, c.kind)) continue;
      const items = byKey.get(c.key) ?? [];
      const refTime = referenceTime(c);
      if (liveIn(items, latest, refTime).length > 0) continue;
      if (latest.collectedAt <= c.lastEvidenceAt) continue;
      const shows = input.describeClean?.(c) ?? 'nothing of it';
      out.transitions.push({
        caseId: c.id,
        from: c.state,
        to: 'verified_clean',
        reason: `bundle ${latest.bundleId.slice(0, 12)} collected ${latest.collectedAt} shows ${shows}`,
        evidence: {
          bundleId: latest.bundleId,
          collectedAt: latest.collectedAt,
          observed: shows,
          since: refTime ?? c.lastEvidenceAt,
        },
      });
      c.state = 'verified_clean';
      c.verifiedAt = input.now;
      c.updatedAt = input.now;
      touched.add(c.key);
    }
  }
  const inserted = new Set(out.inserts.map((c) => c.key));
  for (const key of touched) {
    const c = cases.get(key);
    if (c && !inserted.has(key)) out.updates.push(c);
  }
  return out;
}

function caseDetail(f: Finding, findingIds: string[]): Record<string, unknown> {
  const d: Record<string, unknown> = { kind: f.kind, subject: f.subject, findingIds };
  if (f.advisory) d['advisory'] = f.advisory;
  if (f.indicator) d['indicator'] = f.indicator;
  if (f.rule) d['rule'] = { id: f.rule.id, title: f.rule.title };
  if (f.fixedVersions) d['fixedVersions'] = f.fixedVersions;
  if (f.remediation) d['remediation'] = f.remediation;
  return d;
}

function evidenceOf(
  items: readonly { finding: Finding; bundles: readonly HostBundle[] }[],
  bundle: HostBundle | undefined,
): Record<string, unknown> {
  return {
    bundleId: bundle?.bundleId ?? null,
    collectedAt: bundle?.collectedAt ?? null,
    findings: items
      .slice(0, 20)
      .map((i) => ({ id: i.finding.id, title: i.finding.title, subject: i.finding.subject })),
  };
}
