/**
 * `reporters/sarif`: SARIF 2.1.0. One rule per advisory, indicator type or detection rule; one
 * result per finding with the evidence file as location and the finding id as fingerprint.
 */
import type { Finding } from '../../core/finding.js';
import type { Reporter } from '../../core/plugin.js';
import type { Severity } from '../../core/severity.js';
import { describeSubject } from '../subject.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

function ruleIdOf(f: Finding): string {
  if (f.advisory) return f.advisory.id;
  if (f.rule) return f.rule.id;
  if (f.indicator) return `chainhunt/${f.kind}/${f.indicator.type}`;
  return `chainhunt/${f.kind}`;
}

/** A relative or absolute path as a SARIF URI reference (percent-encoded, forward slashes). */
export function toUri(p: string): string {
  const fwd = p.replace(/\\/g, '/');
  return encodeURI(fwd).replace(/[?#]/g, (c) => encodeURIComponent(c));
}

function locationOf(f: Finding): string | undefined {
  if (f.subject.type === 'file') return f.subject.path;
  return f.evidence.find((e) => e.location)?.location?.file;
}

export const sarifReporter = {
  id: 'reporters/sarif',
  version: 1,
  description: 'SARIF 2.1.0',
  format: 'sarif',
  mediaType: 'application/sarif+json',
  render(report) {
    const rules = new Map<string, Record<string, unknown>>();
    const advisoryById = new Map(report.advisories.map((a) => [a.id, a]));
    for (const f of report.findings) {
      const id = ruleIdOf(f);
      const prev = rules.get(id);
      const sev = f.severity;
      if (prev) continue;
      const adv = f.advisory ? advisoryById.get(f.advisory.id) : undefined;
      const rule: Record<string, unknown> = {
        id,
        name: id.replace(/[^A-Za-z0-9]+/g, '_'),
        shortDescription: {
          text: adv?.summary ?? f.rule?.title ?? `${f.kind} indicator match (${f.indicator?.type ?? f.kind})`,
        },
        properties: {
          'security-severity': SECURITY_SEVERITY[sev],
          tags: ['security', 'supply-chain', f.kind],
        },
      };
      if (adv?.remediation) rule['help'] = { text: adv.remediation };
      const ref = adv?.references[0] ?? f.rule?.references?.[0];
      if (ref && /^https?:\/\//.test(ref)) rule['helpUri'] = ref;
      rules.set(id, rule);
    }
    const ruleIds = [...rules.keys()].sort();
    const index = new Map(ruleIds.map((id, i) => [id, i]));
    const results = report.findings.map((f) => {
      const id = ruleIdOf(f);
      const loc = locationOf(f);
      const r: Record<string, unknown> = {
        ruleId: id,
        ruleIndex: index.get(id),
        level: LEVEL[f.severity],
        message: {
          text: `${f.title} [host ${f.host}: ${describeSubject(f)}]${f.remediation ? ` Remediation: ${f.remediation}` : ''}`,
        },
        partialFingerprints: { chainhuntFindingId: f.id },
        properties: {
          host: f.host,
          severity: f.severity,
          kind: f.kind,
          ...(f.tenant !== undefined ? { tenant: f.tenant } : {}),
        },
      };
      if (loc !== undefined) {
        const line = f.evidence.find((e) => e.location?.line !== undefined)?.location?.line;
        const physicalLocation: Record<string, unknown> = { artifactLocation: { uri: toUri(loc) } };
        if (line !== undefined && line > 0) physicalLocation['region'] = { startLine: line };
        r['locations'] = [{ physicalLocation }];
      }
      return r;
    });
    const sarif = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: report.tool.name,
              version: report.tool.version,
              informationUri: 'https://www.npmjs.com/package/chainhunt',
              rules: ruleIds.map((id) => rules.get(id)),
            },
          },
          invocations: [
            {
              executionSuccessful: true,
              toolExecutionNotifications: report.issues.slice(0, 1000).map((i) => ({
                level: 'warning',
                message: {
                  text: `${i.file ?? ''}${i.line !== undefined ? `:${i.line}` : ''}${i.offset !== undefined ? `@${i.offset}` : ''} ${i.code}: ${i.message}`.trim(),
                },
              })),
            },
          ],
          results,
        },
      ],
    };
    return `${JSON.stringify(sarif, null, 2)}\n`;
  },
} satisfies Reporter;
