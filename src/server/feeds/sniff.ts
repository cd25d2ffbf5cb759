/**
 * Recognising structured documents by their JSON shape: OSV records (one, a list, or `{vulns}`),
 * STIX 2.1 bundles, MISP events. Pure; the JSON is parsed with the intel guards (depth check, no
 * exceptions).
 */
import { decodeText } from '../../util/text.js';
import { MAX_JSON_DEPTH, jsonDepth } from '../../intel/guard.js';
import type { FeedItemFormat } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON text → value, or the reason it is not usable JSON. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (jsonDepth(text) > MAX_JSON_DEPTH)
    return { ok: false, reason: `nests deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return {
      ok: false,
      reason: `not valid JSON: ${(e instanceof Error ? e.message : String(e)).slice(0, 200)}`,
    };
  }
}

/** Bytes → text (UTF-8/UTF-16), or undefined for binary. */
export function bytesToText(b: Uint8Array): string | undefined {
  return decodeText(b)?.text;
}

/** True for one OSV record. */
export function isOsvRecord(v: unknown): v is Obj {
  return (
    isObj(v) &&
    typeof v['id'] === 'string' &&
    v['type'] === undefined &&
    ('affected' in v || 'modified' in v || 'schema_version' in v)
  );
}

/** OSV records of a value: one record, an array of records, or `{vulns: [...]}`; else undefined. */
export function osvRecords(v: unknown): Obj[] | undefined {
  if (isOsvRecord(v)) return [v];
  const list = Array.isArray(v)
    ? v
    : isObj(v) && Array.isArray(v['vulns'])
      ? (v['vulns'] as unknown[])
      : undefined;
  if (!list || list.length === 0) return list ? [] : undefined;
  return list.some(isOsvRecord) ? list.filter(isObj) : undefined;
}

/** Which structured format a parsed JSON value is, if any. */
export function structuredFormat(v: unknown): FeedItemFormat | undefined {
  if (isObj(v) && v['type'] === 'bundle' && Array.isArray(v['objects'])) return 'stix';
  const first = Array.isArray(v) ? (v[0] as unknown) : v;
  if (isObj(first) && isObj(first['Event'])) return 'misp';
  if (osvRecords(v) !== undefined) return 'osv';
  return undefined;
}

/** Media types announcing a structured document in a feed item's link or enclosure. */
export function isStructuredMediaType(type: string | undefined, href: string): boolean {
  const t = (type ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (t === 'application/json' || t.endsWith('+json')) return true;
  if (t !== '') return false;
  return /\.json(?:$|[?#])/i.test(href);
}
