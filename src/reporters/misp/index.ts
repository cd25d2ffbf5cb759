/**
 * `reporters/misp`: the report as one MISP event (the JSON MISP imports with "Add event from
 * JSON"). Each indicator a finding matched is an attribute (`to_ids` true, source kept in
 * `x_chainhunt_source` and the comment) with a sighting per host it was seen on; each advisory is a
 * `vulnerability` (CVE ids) or `text` attribute; each finding is a `chainhunt-finding` object. UUIDs
 * are v5 of the content, so the same report gives the same ids.
 */
import type { IndicatorRef } from '../../core/finding.js';
import type { Reporter } from '../../core/plugin.js';
import type { Report } from '../../core/report.js';
import { severityRank } from '../../core/severity.js';
import { describeSubject } from '../subject.js';
import { uuid5 } from '../uuid5.js';

/** MISP attribute type and category of an indicator, or undefined when MISP has none. */
export function mispTypeOf(
  i: Pick<IndicatorRef, 'type' | 'value'>,
): { type: string; category: string } | undefined {
  switch (i.type) {
    case 'sha256':
    case 'sha1':
    case 'md5':
      return { type: i.type, category: 'Payload delivery' };
    case 'domain':
      return { type: 'domain', category: 'Network activity' };
    case 'ip':
      return { type: 'ip-dst', category: 'Network activity' };
    case 'cidr':
      return { type: 'ip-dst', category: 'Network activity' };
    case 'url':
      return { type: 'url', category: 'Network activity' };
    case 'email':
      return { type: 'email-src', category: 'Payload delivery' };
    case 'filename':
      return /[*?]/.test(i.value) ? undefined : { type: 'filename', category: 'Payload delivery' };
    default:
      return undefined;
  }
}

/** Renders the event object (exported for tests). */
export function mispEvent(report: Report): Record<string, unknown> {
  const date = report.generatedAt.slice(0, 10);
  const eventUuid = uuid5(`misp-event\u0000${report.findings.map((f) => f.id).join(',')}`);
  const attrs = new Map<string, Record<string, unknown>>();
  const objects: Record<string, unknown>[] = [];
  let worst = -1;
  for (const f of report.findings) {
    worst = Math.max(worst, severityRank(f.severity));
    const refs: string[] = [];
    if (f.indicator) {
      const t = mispTypeOf(f.indicator);
      if (t) {
        const key = `${f.indicator.type}\u0000${f.indicator.value}\u0000${f.indicator.source}`;
        let a = attrs.get(key);
        if (!a) {
          a = {
            uuid: uuid5(`misp-attr\u0000${key}`),
            type: t.type,
            category: t.category,
            value: f.indicator.value,
            to_ids: true,
            comment: `source: ${f.indicator.source}`,
            x_chainhunt_source: f.indicator.source,
            Sighting: [] as Record<string, unknown>[],
          };
          attrs.set(key, a);
        }
        const sightings = a['Sighting'] as Record<string, unknown>[];
        if (!sightings.some((s) => s['source'] === f.host))
          sightings.push({
            uuid: uuid5(`misp-sighting\u0000${key}\u0000${f.host}`),
            source: f.host,
            type: '0',
          });
        refs.push(a['uuid'] as string);
      }
    }
    if (f.advisory) {
      const cve = /^CVE-\d{4}-\d+$/i.test(f.advisory.id);
      const key = `advisory\u0000${f.advisory.source}\u0000${f.advisory.id}`;
      if (!attrs.has(key)) {
        attrs.set(key, {
          uuid: uuid5(`misp-attr\u0000${key}`),
          type: cve ? 'vulnerability' : 'text',
          category: cve ? 'External analysis' : 'Other',
          value: f.advisory.id,
          to_ids: false,
          comment: `source: ${f.advisory.source}`,
        });
      }
    }
    objects.push({
      uuid: uuid5(`misp-object\u0000${f.id}`),
      name: 'chainhunt-finding',
      'meta-category': 'misc',
      description: 'A chainhunt finding: what matched on which host',
      Attribute: [
        { type: 'text', object_relation: 'host', value: f.host },
        { type: 'text', object_relation: 'title', value: f.title },
        { type: 'text', object_relation: 'severity', value: f.severity },
        { type: 'text', object_relation: 'kind', value: f.kind },
        { type: 'text', object_relation: 'subject', value: describeSubject(f) },
        { type: 'text', object_relation: 'finding-id', value: f.id },
        ...(f.tenant ? [{ type: 'text', object_relation: 'tenant', value: f.tenant }] : []),
      ].map((a) => ({
        ...a,
        uuid: uuid5(`misp-object-attr\u0000${f.id}\u0000${a.object_relation}`),
        category: 'Other',
        to_ids: false,
      })),
      ...(refs.length > 0
        ? {
            ObjectReference: refs.map((r) => ({
              uuid: uuid5(`misp-ref\u0000${f.id}\u0000${r}`),
              referenced_uuid: r,
              relationship_type: 'matched',
            })),
          }
        : {}),
    });
  }
  // MISP threat levels: 1 high, 2 medium, 3 low, 4 undefined.
  const threat = worst >= 3 ? '1' : worst === 2 ? '2' : worst >= 0 ? '3' : '4';
  return {
    Event: {
      uuid: eventUuid,
      info: `${report.tool.name} findings (${report.findings.length}) on ${report.hosts.length} host${report.hosts.length === 1 ? '' : 's'}`,
      date,
      threat_level_id: threat,
      analysis: '2',
      distribution: '0',
      published: false,
      Orgc: { name: report.tool.name },
      Attribute: [...attrs.values()],
      Object: objects,
    },
  };
}

/** One MISP event of the findings and the indicators they matched. */
export const mispReporter = {
  id: 'reporters/misp',
  version: 1,
  description: 'MISP event JSON: matched indicators as attributes with sightings, findings as objects',
  format: 'misp',
  mediaType: 'application/json',
  render(report) {
    return `${JSON.stringify(mispEvent(report), null, 2)}\n`;
  },
} satisfies Reporter;
