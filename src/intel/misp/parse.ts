/**
 * Pure parser of MISP event JSON (`{"Event": {...}}`, also a list of them, as the REST API and
 * feed event files write it) and of MISP feed manifests (`manifest.json`: event uuid → summary).
 * Attributes (top level and inside objects) of supported types become indicators; the attribute
 * uuid is the `sourceId`, `to_ids` gives the confidence (1 when set, 0.5 when not), the creator
 * organisation is the source. `vulnerability` attributes become advisory links. Never throws.
 */
import {
  emptyIntel,
  type Advisory,
  type IndicatorType,
  type IntelBundle,
  type IntelSource,
} from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import { buildIndicators, slugSourceId, type RawIndicator } from '../exchange.js';
import { guardText, parseJsonGuarded, type Where } from '../guard.js';
import { baseName } from '../signature-base.js';

/** MISP attribute types → indicator types (composite `a|b` types list one per part; null = ignore that part). */
export const MISP_TYPES: Readonly<Record<string, readonly (IndicatorType | null)[]>> = {
  md5: ['md5'],
  sha1: ['sha1'],
  sha256: ['sha256'],
  domain: ['domain'],
  hostname: ['domain'],
  'ip-dst': ['ip'],
  'ip-src': ['ip'],
  url: ['url'],
  uri: ['url'],
  'email-src': ['email'],
  'email-dst': ['email'],
  email: ['email'],
  'whois-registrant-email': ['email'],
  filename: ['filename'],
  'filename|md5': ['filename', 'md5'],
  'filename|sha1': ['filename', 'sha1'],
  'filename|sha256': ['filename', 'sha256'],
  'domain|ip': ['domain', 'ip'],
  'hostname|port': ['domain', null],
  'ip-dst|port': ['ip', null],
  'ip-src|port': ['ip', null],
};
/** Attribute types that carry no indicator and are skipped without an issue. */
const CONTEXT_TYPES = new Set([
  'text',
  'comment',
  'link',
  'other',
  'vulnerability',
  'threat-actor',
  'campaign-name',
  'datetime',
  'size-in-bytes',
  'attachment',
  'malware-sample',
  'counter',
  'float',
  'port',
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** True when the head of a file looks like a MISP event. */
export function sniffMispEvent(head: string): boolean {
  return (
    /^\s*\[?\s*\{\s*"Event"\s*:\s*\{/.test(head) ||
    (/"Event"\s*:\s*\{/.test(head) && /"Attribute"|"Orgc"|"info"/.test(head))
  );
}

/** True when a file is a MISP feed manifest (name `manifest.json`, uuid keys with event summaries). */
export function sniffMispManifest(head: string, lowerName: string): boolean {
  return (
    lowerName === 'manifest.json' &&
    /^\s*\{\s*"[0-9a-f-]{36}"\s*:\s*\{/.test(head) &&
    /"info"|"Orgc"/.test(head)
  );
}

const MAX_ATTRIBUTES = 1_000_000;

/** Parses a MISP feed manifest: no indicators, a count of the events it lists (and problems). */
export function parseMispManifest(
  content: Buffer,
  where: Where,
): { intel: IntelBundle; issues: Issue[]; events: number } {
  const intel = emptyIntel();
  const g = guardText(content, where, { singleLineOk: true });
  if (!g.ok) return { intel, issues: g.issues, events: 0 };
  const j = parseJsonGuarded(g.text, where, 'MISP feed manifest');
  if (!j.ok) return { intel, issues: j.issues, events: 0 };
  if (!isObj(j.value))
    return {
      intel,
      issues: [issue('parse-error', 'MISP feed manifest must be a JSON object', where)],
      events: 0,
    };
  return { intel, issues: [], events: Object.keys(j.value).length };
}

/** Parses a MISP event file. */
export function parseMispEvent(content: Buffer, where: Where): { intel: IntelBundle; issues: Issue[] } {
  const intel = emptyIntel();
  const g = guardText(content, where, { singleLineOk: true });
  if (!g.ok) return { intel, issues: g.issues };
  const j = parseJsonGuarded(g.text, where, 'MISP event');
  if (!j.ok) return { intel, issues: j.issues };
  const events = (Array.isArray(j.value) ? j.value : [j.value])
    .map((e) => (isObj(e) ? e['Event'] : undefined))
    .filter(isObj);
  if (events.length === 0) return { intel, issues: [issue('parse-error', 'no MISP "Event" object', where)] };
  const issues: Issue[] = [];
  const file = baseName(where.file);
  let count = 0;
  for (const ev of events) {
    const org = isObj(ev['Orgc'])
      ? str(ev['Orgc']['name'])
      : isObj(ev['Org'])
        ? str(ev['Org']['name'])
        : undefined;
    const custom = str(ev['x_chainhunt_source']);
    const source: IntelSource = custom
      ? { id: custom, name: custom }
      : { id: org ? slugSourceId(org, 'misp') : 'misp', name: org ? `${org} (MISP)` : `MISP event ${file}` };
    const info = str(ev['info']);
    const eventUuid = str(ev['uuid']);
    const attrs: Obj[] = [];
    for (const a of Array.isArray(ev['Attribute']) ? ev['Attribute'] : []) if (isObj(a)) attrs.push(a);
    for (const o of Array.isArray(ev['Object']) ? ev['Object'] : []) {
      if (!isObj(o)) continue;
      for (const a of Array.isArray(o['Attribute']) ? o['Attribute'] : []) if (isObj(a)) attrs.push(a);
    }
    const cves = attrs
      .filter((a) => a['type'] === 'vulnerability' && /^CVE-\d{4}-\d{4,}$/i.test(str(a['value']) ?? ''))
      .map((a) => (a['value'] as string).toUpperCase());
    const advisoryId = cves.length === 1 ? cves[0] : undefined;
    for (const cve of new Set(cves)) {
      const adv: Advisory = {
        id: cve,
        aliases: eventUuid ? [eventUuid] : [],
        source: source.id,
        kind: 'vendor-app',
        summary: info ?? cve,
        severity: 'high',
        references: [],
        affected: [],
      };
      intel.advisories.push(adv);
    }
    const raws = new Map<string, RawIndicator[]>();
    const unsupported = new Map<string, number>();
    for (const a of attrs) {
      if (++count > MAX_ATTRIBUTES) break;
      const type = str(a['type']) ?? '';
      const value = str(a['value']) ?? '';
      if (a['deleted'] === true) continue;
      const map = MISP_TYPES[type];
      if (!map) {
        if (!CONTEXT_TYPES.has(type)) unsupported.set(type, (unsupported.get(type) ?? 0) + 1);
        continue;
      }
      const parts = map.length > 1 ? value.split('|') : [value];
      if (parts.length !== map.length) {
        issues.push(
          issue(
            'invalid-value',
            `MISP ${type} value ${JSON.stringify(value.slice(0, 100))} does not have ${map.length} |-separated parts; skipped`,
            where,
          ),
        );
        continue;
      }
      const uuid = str(a['uuid']);
      const toIds = a['to_ids'] === true || a['to_ids'] === '1' || a['to_ids'] === 1;
      const desc = [info, str(a['comment'])].filter((x) => x).join(' — ');
      // Our own exports keep each indicator's source per attribute.
      const attrSource = str(a['x_chainhunt_source']) ?? source.id;
      const list = raws.get(attrSource) ?? [];
      raws.set(attrSource, list);
      map.forEach((t, i) => {
        if (t === null) return;
        list.push({
          type: t,
          raw: parts[i] ?? '',
          sourceId: uuid,
          sourceRef: `${file}#${uuid ?? type}`,
          description: desc || undefined,
          confidence: toIds ? 1 : 0.5,
          advisoryId,
          ...(t === 'filename' ? { patternSyntax: 'glob' as const } : {}),
        });
      });
    }
    if (count > MAX_ATTRIBUTES)
      issues.push(
        issue('limit-exceeded', `more than ${MAX_ATTRIBUTES} attributes; the rest is ignored`, where),
      );
    for (const [t, n] of unsupported)
      issues.push(
        issue(
          'unsupported',
          `MISP attribute type ${JSON.stringify(t.slice(0, 60))} is not supported (${n} attribute${n === 1 ? '' : 's'} skipped)`,
          where,
        ),
      );
    for (const [src, list] of raws) {
      const built = buildIndicators(list, { ...where, source: src });
      issues.push(...built.issues);
      intel.indicators.push(...built.indicators);
      const srcObj = src === source.id ? source : { id: src, name: src };
      if (!intel.sources.some((x) => x.id === src)) intel.sources.push(srcObj);
    }
  }
  return { intel, issues };
}
