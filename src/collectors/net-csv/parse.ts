/**
 * Generic CSV / JSONL DNS and proxy logs through a field mapping (mappings are data, see
 * mappings.json and schema.ts). Pure; bad lines are issues.
 */
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { NetContactObservation } from '../../core/observation.js';
import { wildcardMatch } from '../../util/glob.js';
import { MappingFile, type FieldMapping, type MappableField } from './schema.js';

/** A contact as emitted (before the runner stamps host and collector). */
export type NetContact = Omit<NetContactObservation, 'host' | 'tenant' | 'collectorId'>;

const PLUGIN = 'collectors/net-csv';
const MAX_ISSUES = 100;

/** Validates a mapping file (JSON already parsed); invalid input gives issues, never throws. */
export function loadMappings(
  json: unknown,
  file = 'mappings',
): { mappings: FieldMapping[]; issues: Issue[] } {
  const r = MappingFile.safeParse(json);
  if (r.success) return { mappings: r.data.mappings, issues: [] };
  return {
    mappings: [],
    issues: r.error.issues.map((i) =>
      issue('invalid-value', `mapping ${i.path.join('.')}: ${i.message}`, { file, pluginId: PLUGIN }),
    ),
  };
}

/** Mappings whose file-name globs match `path` (lower-cased). */
export function mappingsForPath(mappings: readonly FieldMapping[], path: string): FieldMapping[] {
  const p = path.toLowerCase().replaceAll('\\', '/');
  const base = p.slice(p.lastIndexOf('/') + 1);
  return mappings.filter((m) => m.fileNames.some((g) => wildcardMatch(g, g.includes('/') ? p : base)));
}

/** RFC 4180 CSV: quoted fields with `""` escapes and embedded newlines. Calls `onRow` with the 1-based line of the row start. */
export function parseCsv(
  text: string,
  delimiter: string,
  onRow: (cells: string[], line: number, complete: boolean) => void,
): void {
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const rowLine = line;
    const cells: string[] = [];
    let cell = '';
    let complete = false;
    for (;;) {
      if (i >= n) {
        cells.push(cell);
        break;
      }
      const ch = text[i] as string;
      if (ch === '"' && cell.length === 0) {
        // Quoted field.
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i] as string;
          if (c === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          cell += c;
          i++;
        }
        if (!closed) {
          cells.push(cell);
          break;
        }
        continue;
      }
      if (ch === delimiter) {
        cells.push(cell);
        cell = '';
        i++;
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        cells.push(cell);
        if (ch === '\r' && text[i + 1] === '\n') i++;
        i++;
        line++;
        complete = true;
        break;
      }
      cell += ch;
      i++;
    }
    if (!(cells.length === 1 && cells[0] === '')) onRow(cells, rowLine, complete);
  }
}

function parseTime(v: string | number, fmt: FieldMapping['timeFormat']): string | undefined {
  let ms: number;
  if (typeof v === 'number' || (fmt !== 'iso' && /^\d+(\.\d+)?$/.test(v))) {
    const x = Number(v);
    const unit = fmt === 'epoch-ms' ? 1 : fmt === 'epoch-s' ? 1000 : x > 1e11 ? 1 : 1000;
    ms = Math.round(x * unit);
  } else {
    // `2015-01-16 17:48:41` (Umbrella) is UTC; ISO with a zone is taken as written.
    const s = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(v) ? `${v.replace(' ', 'T')}Z` : v;
    ms = Date.parse(s);
  }
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function hostOfUrl(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]+)/i.exec(url);
  if (!m || !m[1]) return undefined;
  return m[1].replace(/^\[|\]$/g, '').toLowerCase();
}

function toContact(
  get: (path: string) => string | number | undefined,
  m: FieldMapping,
  file: string,
  line: number,
  bad: (msg: string) => void,
): NetContact | null {
  const c: NetContact = { kind: 'net-contact', source: { file, line }, logType: m.logType };
  const pick = (f: MappableField): string | number | undefined => {
    for (const key of m.fields[f] ?? []) {
      const v = get(key);
      if (v !== undefined && v !== '' && v !== '-') return v;
    }
    return undefined;
  };
  const t = pick('time');
  if (t !== undefined) {
    const iso = parseTime(t, m.timeFormat);
    if (iso) c.time = iso;
    else bad(`time ${JSON.stringify(String(t).slice(0, 40))} does not parse`);
  }
  for (const f of ['src', 'dst', 'url', 'sni', 'userAgent', 'protocol'] as const) {
    const v = pick(f);
    if (v !== undefined) c[f] = String(v);
  }
  const fq = pick('fqdn');
  if (fq !== undefined) {
    const d = String(fq).trim().toLowerCase().replace(/\.+$/, '');
    if (d) c.fqdn = d;
  }
  if (c.sni) c.sni = c.sni.toLowerCase();
  if (!c.fqdn && c.url) {
    const h = hostOfUrl(c.url);
    if (h && !/^[\d.]+$/.test(h) && !h.includes(':')) c.fqdn = h;
  }
  for (const f of ['srcPort', 'dstPort', 'bytesIn', 'bytesOut'] as const) {
    const v = pick(f);
    if (v === undefined) continue;
    const x = Number(v);
    if (Number.isFinite(x) && x >= 0) c[f] = x;
    else bad(`${f} ${JSON.stringify(String(v).slice(0, 20))} is not a number`);
  }
  if (!c.src && !c.dst && !c.fqdn && !c.url && !c.sni) return null;
  return c;
}

function getPath(obj: Record<string, unknown>, path: string): string | number | undefined {
  const direct = obj[path];
  let v: unknown = direct;
  if (v === undefined && path.includes('.')) {
    v = obj;
    for (const part of path.split('.')) {
      if (typeof v !== 'object' || v === null) return undefined;
      v = (v as Record<string, unknown>)[part];
    }
  }
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
}

/**
 * Parses a CSV or JSONL log with the first of `candidates` that fits it (CSV header columns or
 * JSON keys per `detect`). No fitting mapping is one `unsupported` issue.
 */
export function parseNetLog(
  text: string,
  file: string,
  candidates: readonly FieldMapping[],
): { observations: NetContact[]; issues: Issue[]; mapping?: string } {
  const observations: NetContact[] = [];
  const issues: Issue[] = [];
  let suppressed = 0;
  const report = (code: Issue['code'], msg: string, line?: number): void => {
    if (issues.length >= MAX_ISSUES) suppressed++;
    else issues.push(issue(code, msg, { file, line, pluginId: PLUGIN }));
  };
  const trimmed = text.replace(/^\uFEFF/, '');
  const firstChar = trimmed.trimStart()[0];
  const isJson = firstChar === '{';
  const fits = candidates.filter((m) => (m.format === 'jsonl') === isJson);
  if (fits.length === 0) {
    report('unsupported', `no ${isJson ? 'JSONL' : 'CSV'} field mapping applies to this file`, 1);
    return { observations, issues };
  }
  let chosen: FieldMapping | undefined;
  if (isJson) {
    let lineNo = 0;
    let start = 0;
    while (start < trimmed.length) {
      const nl = trimmed.indexOf('\n', start);
      const end = nl < 0 ? trimmed.length : nl;
      lineNo++;
      const line = trimmed.slice(start, end).trim();
      start = end + 1;
      if (!line) continue;
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        report(
          nl < 0 ? 'truncated' : 'parse-error',
          nl < 0 ? 'last JSON line cut short' : 'line is not valid JSON',
          lineNo,
        );
        continue;
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
        report('parse-error', 'JSON line is not an object', lineNo);
        continue;
      }
      const o = obj as Record<string, unknown>;
      if (!chosen) {
        chosen = fits.find((m) =>
          (m.detect.columns ?? []).every((k) => k.split('|').some((alt) => getPath(o, alt) !== undefined)),
        );
        if (!chosen) {
          report(
            'unsupported',
            `no JSONL field mapping fits the keys of the first record (${Object.keys(o).slice(0, 12).join(', ')})`,
            lineNo,
          );
          return { observations, issues };
        }
      }
      const m = chosen;
      const c = toContact(
        (k) => getPath(o, k),
        m,
        file,
        lineNo,
        (msg) => report('invalid-value', msg, lineNo),
      );
      if (c) observations.push(c);
    }
  } else {
    let header: Map<string, number> | undefined;
    let done = false;
    const tryChoose = (cells: string[], line: number): boolean => {
      const lower = cells.map((c) => c.trim().toLowerCase());
      const withHeader = fits.find(
        (m) =>
          m.header !== false &&
          (m.detect.columns ?? []).every((k) =>
            k.split('|').some((alt) => lower.includes(alt.toLowerCase())),
          ),
      );
      if (withHeader) {
        chosen = withHeader;
        header = new Map(lower.map((h, i) => [h, i]));
        return true;
      }
      const headerless = fits.find((m) => m.header === false && cells.length >= (m.detect.minColumns ?? 1));
      if (headerless) {
        chosen = headerless;
        return false; // this row is data
      }
      report(
        'unsupported',
        `no CSV field mapping fits the first row (${lower.slice(0, 12).join(', ')})`,
        line,
      );
      done = true;
      return true;
    };
    const delimiterOf = (m?: FieldMapping): string => m?.delimiter ?? ',';
    parseCsv(trimmed, delimiterOf(fits[0]), (cells, line, complete) => {
      if (done) return;
      if (!chosen) {
        if (tryChoose(cells, line)) return;
      }
      const m = chosen as FieldMapping;
      if (header && cells.length !== header.size) {
        report(
          complete ? 'parse-error' : 'truncated',
          `${cells.length} cells where the header has ${header.size}`,
          line,
        );
        return;
      }
      const get = (k: string): string | undefined => {
        if (k.startsWith('#')) return cells[Number(k.slice(1))];
        const idx = header?.get(k.toLowerCase());
        return idx === undefined ? undefined : cells[idx];
      };
      const c = toContact(get, m, file, line, (msg) => report('invalid-value', msg, line));
      if (c) observations.push(c);
    });
  }
  if (observations.length === 0 && issues.length === 0) report('empty', 'no records');
  if (suppressed > 0)
    issues.push(
      issue('limit-exceeded', `${suppressed} further issues not listed`, { file, pluginId: PLUGIN }),
    );
  const out: { observations: NetContact[]; issues: Issue[]; mapping?: string } = { observations, issues };
  if (chosen) out.mapping = chosen.id;
  return out;
}
