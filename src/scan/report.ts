/** Builds the report model from a scan outcome. */
import type { AdvisorySummary, HostSummary, Report } from '../core/report.js';
import { REPORT_SCHEMA_VERSION } from '../core/report.js';
import { cmp } from '../core/issue.js';
import { severityRank, type Severity } from '../core/severity.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { hostKey } from './hosts.js';
import type { ScanOutcome } from './runner.js';

export function buildReport(outcome: ScanOutcome, now: Date = new Date()): Report {
  const byHost = new Map<string, { n: number; top?: Severity }>();
  for (const f of outcome.findings) {
    const k = hostKey({ id: f.host, tenant: f.tenant });
    const e = byHost.get(k) ?? { n: 0 };
    e.n++;
    if (e.top === undefined || severityRank(f.severity) > severityRank(e.top)) e.top = f.severity;
    byHost.set(k, e);
  }
  const hosts: HostSummary[] = outcome.hosts
    .map(({ host, observations }) => {
      const e = byHost.get(hostKey(host));
      const s: HostSummary = {
        id: host.id,
        root: host.root,
        status: e ? 'affected' : 'clean',
        findings: e?.n ?? 0,
        observations,
      };
      if (host.hostname !== undefined) s.hostname = host.hostname;
      if (host.os !== undefined) s.os = host.os;
      if (host.tenant !== undefined) s.tenant = host.tenant;
      if (host.collectedAt !== undefined) s.collectedAt = host.collectedAt;
      if (e?.top !== undefined) s.highestSeverity = e.top;
      return s;
    })
    .sort((a, b) => cmp(a.tenant ?? '', b.tenant ?? '') || cmp(a.id, b.id));

  const cited = new Set(
    outcome.findings.map((f) => f.advisory?.id).filter((x): x is string => x !== undefined),
  );
  const advisories: AdvisorySummary[] = outcome.intel.advisories
    .filter((a) => cited.has(a.id))
    .map((a) => {
      const s: AdvisorySummary = {
        id: a.id,
        aliases: a.aliases,
        source: a.source,
        summary: a.summary,
        severity: a.severity,
        references: a.references,
      };
      if (a.remediation !== undefined) s.remediation = a.remediation;
      return s;
    })
    .sort((a, b) => cmp(a.id, b.id));

  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    generatedAt: now.toISOString(),
    hosts,
    findings: outcome.findings,
    issues: outcome.issues,
    plugins: outcome.plugins,
    intel: {
      sources: outcome.intel.sources,
      advisories: outcome.intel.advisories.length,
      indicators: outcome.intel.indicators.length,
      rules: outcome.intel.rules.length,
    },
    advisories,
  };
  if (outcome.observations.length > 0) report.observations = outcome.observations;
  return report;
}
