/**
 * Advisory records in JSON (CVE JSON 5, NVD API 2.0, OSV/GHSA) → the prose to extract from, the
 * record's own ids and its reference URLs. Other JSON: the strings under `title`, `summary`,
 * `description(s)` and `details`. Depth-checked before parsing; never throws.
 */
import { jsonDepth, MAX_JSON_DEPTH } from '../guard.js';

/** Prose and facts read from a JSON advisory record. */
export interface JsonAdvisory {
  text: string;
  ids: string[];
  references: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function english(list: unknown): string[] {
  const all = arr(list).filter(isObj);
  const en = all.filter((d) => (str(d['lang']) ?? 'en').toLowerCase().startsWith('en'));
  return (en.length > 0 ? en : all).map((d) => str(d['value']) ?? '').filter((s) => s !== '');
}

function refs(list: unknown): string[] {
  return arr(list)
    .map((r) => (isObj(r) ? str(r['url']) : undefined))
    .filter((u): u is string => u !== undefined && /^https?:\/\//.test(u));
}

const PROSE_KEYS = new Set(['title', 'summary', 'description', 'details', 'descriptions']);

/** Reads a JSON advisory; undefined when the text is not JSON (or nests too deep). */
export function jsonAdvisory(text: string): JsonAdvisory | undefined {
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  if (jsonDepth(t) > MAX_JSON_DEPTH) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (
    isObj(v) &&
    Array.isArray(v['vulnerabilities']) &&
    isObj(v['vulnerabilities'][0]) &&
    isObj(v['vulnerabilities'][0]['cve'])
  )
    v = v['vulnerabilities'][0]['cve'];
  if (!isObj(v)) return undefined;
  const meta = isObj(v['cveMetadata']) ? v['cveMetadata'] : undefined;
  const cna = isObj(v['containers']) && isObj(v['containers']['cna']) ? v['containers']['cna'] : undefined;
  if (meta && cna) {
    const paras = [str(cna['title']), ...english(cna['descriptions'])].filter((s): s is string => !!s);
    return {
      text: paras.join('\n\n'),
      ids: [str(meta['cveId'])].filter((s): s is string => !!s),
      references: refs(cna['references']),
    };
  }
  if (str(v['id']) && Array.isArray(v['descriptions'])) {
    // NVD API 2.0 record.
    return {
      text: english(v['descriptions']).join('\n\n'),
      ids: [v['id'] as string],
      references: refs(v['references']),
    };
  }
  if (str(v['id']) && (str(v['details']) !== undefined || str(v['summary']) !== undefined)) {
    // OSV / GHSA.
    const ids = [v['id'] as string, ...arr(v['aliases']).filter((a): a is string => typeof a === 'string')];
    return {
      text: [str(v['summary']), str(v['details'])].filter((s): s is string => !!s).join('\n\n'),
      ids,
      references: refs(v['references']),
    };
  }
  const out: string[] = [];
  let budget = 10_000;
  const walk = (x: unknown, key: string, depth: number): void => {
    if (budget-- <= 0 || depth > MAX_JSON_DEPTH) return;
    if (typeof x === 'string') {
      if (PROSE_KEYS.has(key) || key === 'value') out.push(x);
      return;
    }
    if (Array.isArray(x)) for (const y of x) walk(y, key, depth + 1);
    else if (isObj(x))
      for (const [k, y] of Object.entries(x))
        if (PROSE_KEYS.has(k) || (key === 'descriptions' && k === 'value') || typeof y === 'object')
          walk(y, k === 'value' ? key : k, depth + 1);
  };
  walk(v, '', 0);
  return { text: out.join('\n\n'), ids: [], references: [] };
}
