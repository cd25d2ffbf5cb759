/**
 * The report reshaped for the HTML view: hosts in a fixed order with their findings, most severe
 * first. Everything is sorted with code-unit comparisons so the same report gives the same bytes.
 */
import type { Finding } from '../../core/finding.js';
import { cmp } from '../../core/issue.js';
import type { AdvisorySummary, HostSummary, Report } from '../../core/report.js';
import { isSeverity, SEVERITIES, severityRank, type Severity } from '../../core/severity.js';

/** Findings per severity. */
export type SeverityCounts = Record<Severity, number>;

/** One host of the view, with its anchor and findings. */
export interface HostView {
  /** Fragment id of the host's section (`host-1` …; report strings never become ids). */
  anchor: string;
  summary: HostSummary;
  /** `tenant / id` or `id`. */
  label: string;
  findings: Finding[];
  counts: SeverityCounts;
  highest?: Severity;
}

/** The whole view. */
export interface ReportView {
  hosts: HostView[];
  counts: SeverityCounts;
  /** Cited advisories by id (first of duplicates), with their anchors (`advisory-1` …). */
  advisories: { anchor: string; advisory: AdvisorySummary }[];
  /** Advisory id → anchor of its entry in the advisories section. */
  advisoryAnchors: Map<string, string>;
}

/** Zero counts. */
export function emptyCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

function key(tenant: string | undefined, id: string): string {
  return `${tenant ?? ''}\u0000${id}`;
}

/** Most severe first, then kind, title, id: a total order. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    cmp(a.kind, b.kind) ||
    cmp(a.title, b.title) ||
    cmp(a.id, b.id)
  );
}

/** Host display label. */
export function hostLabel(h: { id: string; tenant?: string | undefined }): string {
  return h.tenant ? `${h.tenant} / ${h.id}` : h.id;
}

/** Sums counts of severities. */
export function total(c: SeverityCounts): number {
  return SEVERITIES.reduce((n, s) => n + c[s], 0);
}

/**
 * Groups findings under their hosts. Hosts are ordered by tenant then id; a finding whose host is
 * missing from `report.hosts` (a hand-made report) gets a host entry of its own rather than vanishing.
 */
export function buildView(report: Report): ReportView {
  const byKey = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const k = key(f.tenant, f.host);
    const list = byKey.get(k);
    if (list) list.push(f);
    else byKey.set(k, [f]);
  }
  const summaries = new Map<string, HostSummary>();
  for (const h of report.hosts)
    if (!summaries.has(key(h.tenant, h.id))) summaries.set(key(h.tenant, h.id), h);
  for (const [k, list] of byKey) {
    if (summaries.has(k)) continue;
    const first = list[0];
    if (!first) continue;
    const s: HostSummary = {
      id: first.host,
      root: '',
      status: 'affected',
      findings: list.length,
      observations: {},
    };
    if (first.tenant !== undefined) s.tenant = first.tenant;
    summaries.set(k, s);
  }
  const ordered = [...summaries.values()].sort(
    (a, b) => cmp(a.tenant ?? '', b.tenant ?? '') || cmp(a.id, b.id),
  );
  const counts = emptyCounts();
  const hosts = ordered.map((summary, i): HostView => {
    const findings = [...(byKey.get(key(summary.tenant, summary.id)) ?? [])].sort(compareFindings);
    const c = emptyCounts();
    for (const f of findings) {
      // A hand-made report may carry an unknown severity: count it as info rather than lose it.
      const sev = isSeverity(f.severity) ? f.severity : 'info';
      c[sev]++;
      counts[sev]++;
    }
    const view: HostView = {
      anchor: `host-${i + 1}`,
      summary,
      label: hostLabel(summary),
      findings,
      counts: c,
    };
    const top = SEVERITIES.find((sev) => c[sev] > 0);
    if (top !== undefined) view.highest = top;
    return view;
  });
  const advisoryAnchors = new Map<string, string>();
  const advisories: ReportView['advisories'] = [];
  for (const advisory of [...report.advisories].sort((a, b) => cmp(a.id, b.id))) {
    if (advisoryAnchors.has(advisory.id)) continue;
    const anchor = `advisory-${advisories.length + 1}`;
    advisoryAnchors.set(advisory.id, anchor);
    advisories.push({ anchor, advisory });
  }
  return { hosts, counts, advisories, advisoryAnchors };
}

/**
 * Hosts with findings, most exposed first (highest severity, then count per severity from critical
 * down, then label).
 */
export function byExposure(hosts: readonly HostView[]): HostView[] {
  return hosts
    .filter((h) => h.findings.length > 0)
    .sort((a, b) => {
      for (const s of SEVERITIES) if (a.counts[s] !== b.counts[s]) return b.counts[s] - a.counts[s];
      return cmp(a.label, b.label) || cmp(a.anchor, b.anchor);
    });
}
