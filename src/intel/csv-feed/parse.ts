/**
 * Pure parser of CSV IOC feeds through a column mapping. Built-in layouts: Sophos
 * (`Indicator,Data,Note`: type, value, note) and Volexity (`value,entity_type,description`). Other
 * feeds are read when their header names a value column and a type column (auto mapping), or
 * through an explicit {@link CsvFeedMapping}. Never throws; bad rows are issues.
 */
import type { IndicatorType } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import { emptyIntel, type IntelBundle, type IntelSource } from '../../core/intel.js';
import { parseCsv } from '../../collectors/net-csv/parse.js';
import { buildIndicators, type RawIndicator } from '../exchange.js';
import { guardText, type Where } from '../guard.js';
import { hashTypeOf, looksLikeIp } from '../normalize.js';
import { refang } from '../defang.js';
import { baseName } from '../signature-base.js';

/** How to read a CSV feed: 0-based column indexes or header names. */
export interface CsvFeedMapping {
  /** Column holding the value. */
  value: string | number;
  /** Column holding the type (mapped through {@link TYPE_WORDS} and `typeMap`). */
  type?: string | number;
  /** Fixed type for every row when there is no type column (`hash` types by length). */
  fixedType?: IndicatorType | 'hash' | 'auto';
  /** Column holding a description. */
  description?: string | number;
  /** Column holding a confidence (0..1, or 0..100 scaled down). */
  confidence?: string | number;
  /** Extra type words (lower-case) → indicator type, `hash`, `auto` or `skip`. */
  typeMap?: Record<string, IndicatorType | 'hash' | 'auto' | 'skip'>;
  /** Field delimiter (default `,`). */
  delimiter?: string;
  /** Whether the first row is a header (default true). */
  header?: boolean;
  /** Source cited by every indicator. */
  source?: IntelSource;
}

/** Built-in feed layouts, recognised by their exact header. */
export const LAYOUTS: readonly { name: string; header: readonly string[]; mapping: CsvFeedMapping }[] = [
  {
    name: 'sophos',
    header: ['indicator', 'data', 'note'],
    mapping: {
      type: 0,
      value: 1,
      description: 2,
      source: { id: 'sophos', name: 'SophosLabs IoCs', url: 'https://github.com/sophoslabs/IoCs' },
    },
  },
  {
    name: 'volexity',
    header: ['value', 'entity_type', 'description'],
    mapping: {
      value: 0,
      type: 1,
      description: 2,
      source: {
        id: 'volexity',
        name: 'Volexity threat-intel',
        url: 'https://github.com/volexity/threat-intel',
      },
    },
  },
];

/** Type words seen in feeds (lower-case, `-`/`_`/space folded away) → what they hold. */
export const TYPE_WORDS: Readonly<Record<string, IndicatorType | 'hash' | 'auto' | 'skip'>> = {
  sha256: 'sha256',
  sha1: 'sha1',
  md5: 'md5',
  hash: 'hash',
  file: 'hash',
  filehash: 'hash',
  hashes: 'hash',
  domain: 'domain',
  hostname: 'domain',
  host: 'domain',
  fqdn: 'domain',
  domainname: 'domain',
  ip: 'ip',
  ipv4: 'ip',
  ipv6: 'ip',
  ipaddress: 'ip',
  ipaddr: 'ip',
  ipdst: 'ip',
  ipsrc: 'ip',
  ipv4addr: 'ip',
  ipv6addr: 'ip',
  cidr: 'cidr',
  netblock: 'cidr',
  url: 'url',
  uri: 'url',
  link: 'url',
  email: 'email',
  emailwhois: 'email',
  emailaddress: 'email',
  emailsrc: 'email',
  whoisregistrantemail: 'email',
  filename: 'filename',
  description: 'skip',
  comment: 'skip',
  reference: 'skip',
  note: 'skip',
};

const VALUE_HEADERS = ['value', 'indicator', 'ioc', 'observable', 'data', 'indicator_value'];
const TYPE_HEADERS = ['type', 'entity_type', 'indicator_type', 'ioc_type', 'kind', 'category'];
const DESC_HEADERS = ['description', 'note', 'comment', 'notes', 'context'];
const CONF_HEADERS = ['confidence', 'score'];

const fold = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/^\ufeff/, '');
const foldType = (s: string): string => fold(s).replace(/[-_\s]+/g, '');

/** The built-in layout or auto mapping a header row implies, or undefined when it names no value column. */
export function mappingForHeader(
  cells: readonly string[],
): { name: string; mapping: CsvFeedMapping } | undefined {
  const h = cells.map(fold);
  for (const l of LAYOUTS)
    if (l.header.length === h.length && l.header.every((c, i) => c === h[i]))
      return { name: l.name, mapping: l.mapping };
  const find = (names: readonly string[]): number => h.findIndex((c) => names.includes(c));
  const value = find(VALUE_HEADERS);
  const type = find(TYPE_HEADERS);
  if (value < 0 || type < 0 || value === type) return undefined;
  const m: CsvFeedMapping = { value, type };
  const d = find(DESC_HEADERS);
  if (d >= 0) m.description = d;
  const c = find(CONF_HEADERS);
  if (c >= 0) m.confidence = c;
  return { name: 'auto', mapping: m };
}

/** True when the first line of `text` is a header this parser recognises. */
export function sniffCsvFeed(text: string): boolean {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  if (first.length > 2000 || !first.includes(',')) return false;
  return mappingForHeader(first.split(',')) !== undefined;
}

function colIndex(
  col: string | number | undefined,
  header: readonly string[] | undefined,
): number | undefined {
  if (col === undefined) return undefined;
  if (typeof col === 'number') return col;
  const i = (header ?? []).map(fold).indexOf(fold(col));
  return i < 0 ? undefined : i;
}

/** A bare `host` (no scheme, no path) read as a URL is a domain or an IP. */
function classifyUrlish(raw: string): IndicatorType {
  const v = refang(raw);
  if (v.includes('://')) return 'url';
  const rest = v.replace(/\/+$/, '');
  if (rest.includes('/')) return 'url';
  return looksLikeIp(rest) ? 'ip' : 'domain';
}

/** Parses a CSV feed. With no `mapping`, the header decides (built-in layout or auto mapping). */
export function parseCsvFeed(
  content: Buffer,
  where: Where,
  mapping?: CsvFeedMapping,
): { intel: IntelBundle; issues: Issue[]; layout?: string } {
  const intel = emptyIntel();
  const g = guardText(content, where);
  if (!g.ok) return { intel, issues: g.issues };
  const rows: { cells: string[]; line: number }[] = [];
  const delimiter = mapping?.delimiter ?? ',';
  parseCsv(g.text.replace(/^\ufeff/, ''), delimiter, (cells, line) => {
    if (cells.length === 1 && (cells[0] ?? '').trim() === '') return;
    rows.push({ cells, line });
  });
  const issues: Issue[] = [];
  if (rows.length === 0) return { intel, issues: [issue('empty', 'CSV feed has no rows', where)] };
  let m = mapping;
  let layout = 'custom';
  let header: string[] | undefined;
  if (m === undefined || m.header !== false) header = rows[0]?.cells;
  if (m === undefined) {
    const found = mappingForHeader(header ?? []);
    if (!found) {
      return {
        intel,
        issues: [
          issue(
            'unsupported',
            'CSV header names no indicator value and type columns (known layouts: Sophos Indicator,Data,Note; Volexity value,entity_type,description); pass a column mapping',
            where,
          ),
        ],
      };
    }
    m = found.mapping;
    layout = found.name;
  }
  const source: IntelSource = m.source ?? {
    id: `csv:${baseName(where.file).toLowerCase()}`,
    name: `CSV feed ${baseName(where.file)}`,
  };
  const vi = colIndex(m.value, header);
  const ti = colIndex(m.type, header);
  const di = colIndex(m.description, header);
  const ci = colIndex(m.confidence, header);
  if (vi === undefined)
    return {
      intel,
      issues: [
        issue(
          'invalid-value',
          `CSV mapping names value column ${String(m.value)}, which the header lacks`,
          where,
        ),
      ],
    };
  const words = { ...TYPE_WORDS, ...(m.typeMap ?? {}) };
  const unknown = new Map<string, number>();
  const raws: RawIndicator[] = [];
  const file = baseName(where.file);
  const start = header !== undefined ? 1 : 0;
  for (const row of rows.slice(start)) {
    const value = (row.cells[vi] ?? '').trim();
    if (value === '') continue;
    const typeWord = ti === undefined ? (m.fixedType ?? 'auto') : foldType(row.cells[ti] ?? '');
    const kind = ti === undefined ? (m.fixedType ?? 'auto') : words[typeWord];
    if (kind === undefined) {
      unknown.set(typeWord, (unknown.get(typeWord) ?? 0) + 1);
      continue;
    }
    if (kind === 'skip') continue;
    const base = {
      sourceRef: `${file}#L${row.line}`,
      description: di === undefined ? undefined : (row.cells[di] ?? '').trim(),
      confidence: ci === undefined ? undefined : confidenceOf(row.cells[ci] ?? ''),
      line: row.line,
    };
    // A cell may hold several values (Volexity writes "sha256,sha1,md5" for one file).
    const parts =
      kind === 'hash' || kind === 'md5' || kind === 'sha1' || kind === 'sha256'
        ? value.split(/[,;|\s]+/).filter((p) => p !== '')
        : [value];
    for (const p of parts) {
      let type: IndicatorType;
      if (kind === 'hash' || kind === 'auto') {
        const h = hashTypeOf(p.trim());
        if (h) type = h;
        else if (kind === 'hash') {
          issues.push(
            issue(
              'invalid-value',
              `hash ${JSON.stringify(p.slice(0, 100))} is not an md5, sha1 or sha256 hex digest; dropped`,
              { ...where, line: row.line },
            ),
          );
          continue;
        } else type = classifyUrlish(p);
      } else if (kind === 'url') type = classifyUrlish(p);
      else if (kind === 'domain' && looksLikeIp(p)) type = 'ip';
      else type = kind;
      raws.push({
        ...base,
        type,
        raw: p,
        ...(type === 'filename' ? { patternSyntax: 'glob' as const } : {}),
      });
    }
  }
  for (const [w, n] of unknown)
    issues.push(
      issue(
        'unsupported',
        `indicator type ${JSON.stringify(w.slice(0, 60))} is not supported (${n} row${n === 1 ? '' : 's'} skipped)`,
        where,
      ),
    );
  const built = buildIndicators(raws, { ...where, source: source.id });
  issues.push(...built.issues);
  intel.sources.push(source);
  intel.indicators.push(...built.indicators);
  return { intel, issues, layout };
}

function confidenceOf(raw: string): number | undefined {
  const s = raw.trim();
  if (!/^\d+(\.\d+)?$/.test(s)) return undefined;
  const n = Number(s);
  if (n <= 1) return n;
  return n <= 100 ? n / 100 : undefined;
}
