/**
 * `reporters/stix`: the report as a STIX 2.1 bundle. Every indicator a finding matched becomes an
 * `indicator` (STIX pattern, `x_chainhunt_source` keeps its source), every advisory a
 * `vulnerability`, every host an `identity` (identity_class `system`), and every finding a
 * `sighting` of its indicator or vulnerability where it was seen (rule findings: a `note` on the
 * host). Ids are UUID v5 of the content, so the same report gives the same ids.
 */
import type { Finding, IndicatorRef } from '../../core/finding.js';
import type { Reporter } from '../../core/plugin.js';
import type { Report } from '../../core/report.js';
import { describeSubject } from '../subject.js';
import { uuid5 } from '../uuid5.js';

const q = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The STIX pattern for an indicator, or undefined when STIX patterns cannot express it exactly. */
export function stixPattern(i: Pick<IndicatorRef, 'type' | 'value'>): string | undefined {
  switch (i.type) {
    case 'sha256':
      return `[file:hashes.'SHA-256' = ${q(i.value)}]`;
    case 'sha1':
      return `[file:hashes.'SHA-1' = ${q(i.value)}]`;
    case 'md5':
      return `[file:hashes.MD5 = ${q(i.value)}]`;
    case 'domain':
      return `[domain-name:value = ${q(i.value)}]`;
    case 'ip':
    case 'cidr':
      return `[${i.value.includes(':') ? 'ipv6-addr' : 'ipv4-addr'}:value = ${q(i.value)}]`;
    case 'url':
      return `[url:value = ${q(i.value)}]`;
    case 'email':
      return `[email-addr:value = ${q(i.value)}]`;
    case 'filename':
      return /[*?]/.test(i.value) ? undefined : `[file:name = ${q(i.value)}]`;
    default:
      return undefined;
  }
}

const indicatorKey = (i: IndicatorRef): string => `${i.type}\u0000${i.value}\u0000${i.source}`;

/** Renders the bundle object (exported for tests). */
export function stixBundle(report: Report): Record<string, unknown> {
  const time = report.generatedAt;
  const tool = {
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${uuid5('chainhunt-tool')}`,
    created: time,
    modified: time,
    name: `${report.tool.name} ${report.tool.version}`,
    identity_class: 'system',
  };
  const objects: Record<string, unknown>[] = [tool];
  const seen = new Set<string>();
  const add = (o: Record<string, unknown>): void => {
    if (seen.has(o['id'] as string)) return;
    seen.add(o['id'] as string);
    objects.push(o);
  };
  const hostId = (h: string): string => `identity--${uuid5(`host\u0000${h}`)}`;
  for (const f of report.findings) {
    add({
      type: 'identity',
      spec_version: '2.1',
      id: hostId(f.host),
      created: time,
      modified: time,
      name: f.host,
      identity_class: 'system',
      created_by_ref: tool.id,
      ...(f.tenant ? { x_chainhunt_tenant: f.tenant } : {}),
    });
  }
  const sightingOf = (f: Finding, ref: string): void => {
    add({
      type: 'sighting',
      spec_version: '2.1',
      id: `sighting--${uuid5(`sighting\u0000${f.id}\u0000${ref}`)}`,
      created: time,
      modified: time,
      created_by_ref: tool.id,
      sighting_of_ref: ref,
      where_sighted_refs: [hostId(f.host)],
      count: 1,
      description: `${f.title} — ${describeSubject(f)}`,
      x_chainhunt_finding_id: f.id,
      x_chainhunt_severity: f.severity,
      x_chainhunt_kind: f.kind,
    });
  };
  for (const f of report.findings) {
    let ref: string | undefined;
    if (f.indicator) {
      const pattern = stixPattern(f.indicator);
      if (pattern) {
        ref = `indicator--${uuid5(`indicator\u0000${indicatorKey(f.indicator)}`)}`;
        add({
          type: 'indicator',
          spec_version: '2.1',
          id: ref,
          created: time,
          modified: time,
          created_by_ref: tool.id,
          name: `${f.indicator.type} ${f.indicator.value}`,
          indicator_types: ['malicious-activity'],
          pattern,
          pattern_type: 'stix',
          valid_from: time,
          x_chainhunt_source: f.indicator.source,
          ...(f.indicator.test ? { x_chainhunt_test: true } : {}),
        });
      }
    }
    if (f.advisory) {
      const vid = `vulnerability--${uuid5(`vulnerability\u0000${f.advisory.source}\u0000${f.advisory.id}`)}`;
      const summary = report.advisories.find((a) => a.id === f.advisory?.id);
      const cve = [f.advisory.id, ...f.advisory.aliases].find((x) => /^CVE-\d{4}-\d+$/i.test(x));
      add({
        type: 'vulnerability',
        spec_version: '2.1',
        id: vid,
        created: time,
        modified: time,
        created_by_ref: tool.id,
        name: f.advisory.id,
        ...(summary ? { description: summary.summary } : {}),
        external_references: [
          ...(cve ? [{ source_name: 'cve', external_id: cve.toUpperCase() }] : []),
          ...(summary?.references ?? [])
            .slice(0, 20)
            .map((url) => ({ source_name: f.advisory?.source ?? 'reference', url })),
        ],
        x_chainhunt_source: f.advisory.source,
      });
      if (ref) {
        add({
          type: 'relationship',
          spec_version: '2.1',
          id: `relationship--${uuid5(`rel\u0000${ref}\u0000${vid}`)}`,
          created: time,
          modified: time,
          relationship_type: 'indicates',
          source_ref: ref,
          target_ref: vid,
        });
      }
      ref ??= vid;
    }
    if (ref) sightingOf(f, ref);
    else {
      add({
        type: 'note',
        spec_version: '2.1',
        id: `note--${uuid5(`note\u0000${f.id}`)}`,
        created: time,
        modified: time,
        created_by_ref: tool.id,
        abstract: f.title,
        content: `${f.severity} ${f.kind} finding on ${f.host}: ${describeSubject(f)}${f.rule ? ` (rule ${f.rule.id}: ${f.rule.title})` : ''}`,
        object_refs: [hostId(f.host)],
        x_chainhunt_finding_id: f.id,
      });
    }
  }
  return {
    type: 'bundle',
    id: `bundle--${uuid5(`bundle\u0000${report.findings.map((f) => f.id).join(',')}`)}`,
    objects,
  };
}

/** STIX 2.1 bundle of the findings and the indicators and advisories they matched. */
export const stixReporter = {
  id: 'reporters/stix',
  version: 1,
  description: 'STIX 2.1 bundle: matched indicators, advisories as vulnerabilities, findings as sightings',
  format: 'stix',
  mediaType: 'application/stix+json;version=2.1',
  render(report) {
    return `${JSON.stringify(stixBundle(report), null, 2)}\n`;
  },
} satisfies Reporter;
