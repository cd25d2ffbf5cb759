/**
 * Pure parser of OpenIOC 1.0 (`<ioc xmlns="http://schemas.mandiant.com/2010/ioc">`) and 1.1
 * (`<OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1">`) documents. Items whose search term
 * names a hash, file name, domain, IP, URL or e-mail become indicators; other terms, negations,
 * and AND groups (conjunctions a single indicator cannot express) are `unsupported` issues.
 * DOCTYPE/ENTITY declarations refuse the file. Never throws.
 */
import { XMLParser } from 'fast-xml-parser';
import { emptyIntel, type IndicatorType, type IntelBundle, type IntelSource } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import { buildIndicators, slugSourceId, type RawIndicator } from '../exchange.js';
import { guardText, refuseXmlDtd, type Where } from '../guard.js';
import { baseName } from '../signature-base.js';

/** OpenIOC search terms (lower-case) → indicator types. */
export const SEARCH_TYPES: Readonly<Record<string, IndicatorType>> = {
  'fileitem/md5sum': 'md5',
  'fileitem/sha1sum': 'sha1',
  'fileitem/sha256sum': 'sha256',
  'processitem/md5sum': 'md5',
  'processitem/sha1sum': 'sha1',
  'processitem/sha256sum': 'sha256',
  'driveritem/md5sum': 'md5',
  'driveritem/sha1sum': 'sha1',
  'driveritem/sha256sum': 'sha256',
  'fileitem/filename': 'filename',
  'processitem/name': 'filename',
  'dnsentryitem/host': 'domain',
  'dnsentryitem/recordname': 'domain',
  'network/dns': 'domain',
  'urlhistoryitem/hostname': 'domain',
  'portitem/remoteip': 'ip',
  'network/uri': 'url',
  'urlhistoryitem/url': 'url',
  'email/from': 'email',
  'email/to': 'email',
};

const MAX_ITEMS = 100_000;
const MAX_DEPTH = 64;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  removeNSPrefix: true,
  isArray: (name) => name === 'Indicator' || name === 'IndicatorItem',
});

type Node = Record<string, unknown>;
const asNode = (v: unknown): Node | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Node) : undefined;
const text = (v: unknown): string => {
  if (typeof v === 'string') return v;
  const n = asNode(v);
  if (n && typeof n['#text'] === 'string') return n['#text'];
  return '';
};

const attr = (n: Node | undefined, k: string, dflt: string): string => {
  const v = n?.[k];
  return typeof v === 'string' ? v : dflt;
};

/** True when the head of a file looks like an OpenIOC document. */
export function sniffOpenIoc(head: string): boolean {
  return (
    /<OpenIOC[\s>]/.test(head) ||
    (/<ioc[\s>]/.test(head) && /openioc|schemas\.mandiant\.com\/2010\/ioc/i.test(head))
  );
}

/** Parses one OpenIOC file. */
export function parseOpenIoc(content: Buffer, where: Where): { intel: IntelBundle; issues: Issue[] } {
  const intel = emptyIntel();
  const g = guardText(content, where);
  if (!g.ok) return { intel, issues: g.issues };
  const dtd = refuseXmlDtd(g.text, where);
  if (dtd) return { intel, issues: [dtd] };
  let doc: Node;
  try {
    doc = parser.parse(g.text) as Node;
  } catch (e) {
    return {
      intel,
      issues: [
        issue(
          'parse-error',
          `not well-formed XML: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`,
          where,
        ),
      ],
    };
  }
  const root = asNode(doc['ioc']) ?? asNode(doc['OpenIOC']);
  if (!root) return { intel, issues: [issue('parse-error', 'no <ioc> or <OpenIOC> root element', where)] };
  const issues: Issue[] = [];
  const author = text(root['authored_by']).trim() || text(asNode(root['metadata'])?.['authored_by']).trim();
  const iocId = typeof root['@id'] === 'string' ? root['@id'] : '';
  const title = (
    text(root['short_description']) || text(asNode(root['metadata'])?.['short_description'])
  ).trim();
  const source: IntelSource = {
    id: author ? slugSourceId(author, 'openioc') : 'openioc',
    name: author ? `${author} (OpenIOC)` : `OpenIOC ${baseName(where.file)}`,
  };
  const defn = asNode(root['definition']) ?? asNode(root['criteria']);
  if (!defn)
    return { intel, issues: [issue('empty', 'OpenIOC document has no <definition> or <criteria>', where)] };
  const raws: RawIndicator[] = [];
  const file = baseName(where.file);
  const unsupported = new Map<string, number>();
  let items = 0;
  const walk = (ind: Node, depth: number, inAnd: boolean): void => {
    if (depth > MAX_DEPTH) {
      issues.push(
        issue('limit-exceeded', `Indicator nesting deeper than ${MAX_DEPTH}; the rest is ignored`, where),
      );
      return;
    }
    const op = attr(ind, '@operator', 'OR').toUpperCase();
    const and = inAnd || op === 'AND';
    const children = (ind['IndicatorItem'] as unknown[] | undefined) ?? [];
    const subs = (ind['Indicator'] as unknown[] | undefined) ?? [];
    const conj = and && children.length + subs.length > 1;
    for (const c of children) {
      if (++items > MAX_ITEMS) return;
      const it = asNode(c);
      if (!it) continue;
      const ctx = asNode(it['Context']);
      const search = attr(ctx, '@search', '');
      const condition = attr(it, '@condition', 'is').toLowerCase();
      const negate = attr(it, '@negate', 'false').toLowerCase() === 'true';
      const value = text(it['Content']).trim();
      const id = typeof it['@id'] === 'string' ? it['@id'] : undefined;
      const type = SEARCH_TYPES[search.toLowerCase()];
      const why = conj
        ? 'item of an AND group (a conjunction)'
        : negate || condition === 'isnot'
          ? 'negated item'
          : type === undefined
            ? `search term ${search || '(none)'}`
            : condition !== 'is' && !(type === 'filename' && condition === 'contains')
              ? `condition ${condition} on ${search}`
              : undefined;
      if (why !== undefined || type === undefined) {
        const k = why ?? search;
        unsupported.set(k, (unsupported.get(k) ?? 0) + 1);
        continue;
      }
      let raw = value;
      if (type === 'filename' && condition === 'contains') raw = `*${value}*`;
      raws.push({
        type,
        raw,
        sourceId: id,
        sourceRef: `${file}#${id ?? search}`,
        description: title || undefined,
        ...(type === 'filename' ? { patternSyntax: 'glob' as const } : {}),
      });
    }
    for (const s of subs) {
      const n = asNode(s);
      if (n) walk(n, depth + 1, conj);
    }
  };
  for (const top of (defn['Indicator'] as unknown[] | undefined) ?? []) {
    const n = asNode(top);
    if (n) walk(n, 1, false);
  }
  if (items > MAX_ITEMS)
    issues.push(issue('limit-exceeded', `more than ${MAX_ITEMS} IndicatorItems; the rest is ignored`, where));
  for (const [k, n] of unsupported)
    issues.push(
      issue('unsupported', `OpenIOC ${k} is not supported (${n} item${n === 1 ? '' : 's'} skipped)`, where),
    );
  const built = buildIndicators(raws, { ...where, source: source.id });
  issues.push(...built.issues);
  intel.sources.push(source);
  intel.indicators.push(
    ...built.indicators.map((i) => (iocId ? { ...i, sourceRef: i.sourceRef ?? iocId } : i)),
  );
  return { intel, issues };
}
