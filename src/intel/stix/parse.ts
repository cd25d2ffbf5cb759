/**
 * Pure parser of STIX 2.1 bundles: `indicator` objects with STIX patterns (file hashes, file
 * names, domain-name, ipv4/ipv6-addr, url, email-addr), `vulnerability` objects as advisories,
 * `malware` and `relationship` objects to link indicators to what they indicate. Confidence
 * (0-100) becomes 0..1; the STIX id is kept as `sourceId`. Never throws.
 */
import { emptyIntel, type Advisory, type IntelBundle, type IntelSource } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import { buildIndicators, slugSourceId, type RawIndicator } from '../exchange.js';
import { guardText, parseJsonGuarded, type Where } from '../guard.js';
import { baseName } from '../signature-base.js';
import { readStixPattern } from './pattern.js';

const MAX_OBJECTS = 500_000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** True when the head of a file looks like a STIX 2.x bundle. */
export function sniffStix(head: string): boolean {
  return (
    /"type"\s*:\s*"bundle"/.test(head) &&
    (/"objects"\s*:/.test(head) || /"spec_version"\s*:\s*"2\./.test(head))
  );
}

/** CVE id of a vulnerability object (name or external reference), if any. */
function cveOf(o: Obj): string | undefined {
  const name = str(o['name']);
  if (name && /^CVE-\d{4}-\d{4,}$/i.test(name)) return name.toUpperCase();
  for (const r of Array.isArray(o['external_references']) ? o['external_references'] : []) {
    if (isObj(r) && str(r['source_name'])?.toLowerCase() === 'cve' && str(r['external_id']))
      return (r['external_id'] as string).toUpperCase();
  }
  return undefined;
}

/** Parses one STIX bundle file. */
export function parseStixBundle(content: Buffer, where: Where): { intel: IntelBundle; issues: Issue[] } {
  const intel = emptyIntel();
  const g = guardText(content, where, { singleLineOk: true });
  if (!g.ok) return { intel, issues: g.issues };
  const j = parseJsonGuarded(g.text, where, 'STIX bundle');
  if (!j.ok) return { intel, issues: j.issues };
  const bundle = j.value;
  if (!isObj(bundle) || bundle['type'] !== 'bundle' || !Array.isArray(bundle['objects'])) {
    return {
      intel,
      issues: [issue('parse-error', 'not a STIX bundle (no "type": "bundle" with "objects")', where)],
    };
  }
  const issues: Issue[] = [];
  const objects = (bundle['objects'] as unknown[]).slice(0, MAX_OBJECTS);
  if ((bundle['objects'] as unknown[]).length > MAX_OBJECTS)
    issues.push(issue('limit-exceeded', `more than ${MAX_OBJECTS} STIX objects; the rest is ignored`, where));
  const byId = new Map<string, Obj>();
  for (const o of objects) if (isObj(o) && str(o['id'])) byId.set(o['id'] as string, o);

  // Relationships: indicator → malware/vulnerability, malware → vulnerability.
  const links = new Map<string, string[]>();
  for (const o of objects) {
    if (!isObj(o) || o['type'] !== 'relationship') continue;
    const s = str(o['source_ref']);
    const t = str(o['target_ref']);
    if (s && t) links.set(s, [...(links.get(s) ?? []), t]);
  }
  const advisoryOf = (id: string, depth = 0): string | undefined => {
    const o = byId.get(id);
    if (!o || depth > 3) return undefined;
    if (o['type'] === 'vulnerability') return cveOf(o) ?? str(o['name']);
    for (const t of links.get(id) ?? []) {
      const a = advisoryOf(t, depth + 1);
      if (a) return a;
    }
    return undefined;
  };
  const malwareOf = (id: string): string | undefined => {
    for (const t of links.get(id) ?? []) {
      const o = byId.get(t);
      if (o?.['type'] === 'malware' && str(o['name'])) return o['name'] as string;
    }
    return undefined;
  };

  const sources = new Map<string, IntelSource>();
  const sourceFor = (o: Obj): string => {
    const custom = str(o['x_chainhunt_source']);
    if (custom) {
      if (!sources.has(custom)) sources.set(custom, { id: custom, name: custom });
      return custom;
    }
    const ident = byId.get(str(o['created_by_ref']) ?? '');
    const name = ident && str(ident['name']);
    const id = name ? slugSourceId(name, 'stix') : 'stix';
    if (!sources.has(id)) sources.set(id, { id, name: name ?? `STIX bundle ${baseName(where.file)}` });
    return id;
  };

  const rawsBySource = new Map<string, RawIndicator[]>();
  const unsupported = new Map<string, number>();
  for (const o of objects) {
    if (!isObj(o)) continue;
    const type = str(o['type']);
    if (type === 'vulnerability') {
      const id = cveOf(o) ?? str(o['name']);
      if (!id) continue;
      const refs: string[] = [];
      for (const r of Array.isArray(o['external_references']) ? o['external_references'] : []) {
        const u = isObj(r) ? str(r['url']) : undefined;
        if (u && /^https?:\/\//.test(u)) refs.push(u);
      }
      const adv: Advisory = {
        id,
        aliases: str(o['id']) ? [o['id'] as string] : [],
        source: sourceFor(o),
        kind: 'vendor-app',
        summary: (str(o['description']) ?? id).slice(0, 500),
        severity: 'high',
        references: refs,
        affected: [],
      };
      intel.advisories.push(adv);
      continue;
    }
    if (type !== 'indicator') continue;
    const sid = str(o['id']);
    const patternType = str(o['pattern_type']) ?? 'stix';
    const pattern = str(o['pattern']);
    if (patternType !== 'stix') {
      unsupported.set(
        `pattern_type ${patternType}`,
        (unsupported.get(`pattern_type ${patternType}`) ?? 0) + 1,
      );
      continue;
    }
    if (!pattern) {
      issues.push(issue('invalid-value', `indicator ${sid ?? '(no id)'} has no pattern; skipped`, where));
      continue;
    }
    if (str(o['revoked']) === 'true' || o['revoked'] === true) continue;
    const read = readStixPattern(pattern);
    if (!read.ok) {
      issues.push(issue('unsupported', `indicator ${sid ?? '(no id)'}: ${read.reason}; skipped`, where));
      continue;
    }
    const conf =
      typeof o['confidence'] === 'number' && o['confidence'] >= 0 && o['confidence'] <= 100
        ? o['confidence'] / 100
        : undefined;
    const malware = sid ? malwareOf(sid) : undefined;
    const desc = [str(o['name']), str(o['description']), malware ? `indicates ${malware}` : undefined]
      .filter((x) => x)
      .join(' — ');
    const src = sourceFor(o);
    const list = rawsBySource.get(src) ?? [];
    for (const v of read.values) {
      list.push({
        type: v.type,
        raw: v.value,
        sourceId: sid,
        sourceRef: `${baseName(where.file)}#${sid ?? ''}`,
        description: desc || undefined,
        confidence: conf,
        advisoryId: sid ? advisoryOf(sid) : undefined,
        ...(v.type === 'filename' ? { patternSyntax: 'glob' as const } : {}),
      });
    }
    rawsBySource.set(src, list);
  }
  for (const [k, n] of unsupported)
    issues.push(
      issue('unsupported', `STIX ${k} is not supported (${n} indicator${n === 1 ? '' : 's'} skipped)`, where),
    );
  for (const [src, raws] of rawsBySource) {
    const built = buildIndicators(raws, { ...where, source: src });
    issues.push(...built.issues);
    intel.indicators.push(...built.indicators);
  }
  intel.sources.push(...sources.values());
  return { intel, issues };
}
