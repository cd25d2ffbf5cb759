/**
 * Pure Zeek log parsing: TSV (ASCII writer, with `#separator`, `#fields`, `#types` headers) and
 * JSON (one object per line). Both produce the same {@link ZeekRecord} model, so a conn.log in
 * either form yields the same records. Bad lines are issues, never exceptions.
 *
 * Model choices (shared by TSV and JSON so they agree):
 * - unset values (`-` in TSV, absent or `null` in JSON) are left out of `fields`;
 * - `time` values are seconds since the epoch as numbers (JSON ISO 8601 timestamps are converted);
 * - `count`, `int`, `port`, `double`, `interval` are numbers; `bool` is a boolean;
 * - `set[...]` and `vector[...]` are arrays (`(empty)` is `[]`), elements typed by the inner type;
 * - everything else (addr, subnet, string, enum, …) is a string with `\xHH` escapes decoded;
 * - nested JSON objects are flattened to dotted keys, as the TSV form names them (`id.orig_h`).
 */
import type { Issue, IssueCode } from '../../core/issue.js';
import { issue } from '../../core/issue.js';

/** One value of a Zeek record. */
export type ZeekValue = string | number | boolean | ZeekValue[];

/** One Zeek log record, typed. */
export interface ZeekRecord {
  /** The log's path (`conn`, `dns`, …) from `#path`, `_path`, or the file name. */
  logPath: string;
  /** 1-based line number in the (decompressed) file. */
  line: number;
  /** Field values by Zeek field name (`ts`, `id.orig_h`, …); unset fields are absent. */
  fields: Record<string, ZeekValue>;
}

/** Options for the parsers. */
export interface ZeekParseOptions {
  /** File name used in issues. */
  file?: string | undefined;
  /** Log path to use when the file has no `#path` header and records no `_path`. */
  pathHint?: string | undefined;
  /** Plugin id stamped on issues. */
  pluginId?: string | undefined;
  /** At most this many issues are kept per file (default 100); a summary issue notes the rest. */
  maxIssues?: number;
}

/** Result of parsing a whole text. */
export interface ZeekParseResult {
  records: ZeekRecord[];
  issues: Issue[];
  /** Format seen: `tsv`, `json`, or `mixed` when a file holds both. */
  format: 'tsv' | 'json' | 'mixed' | 'empty';
}

type Converter = (raw: string, ctx: ConvertCtx) => ZeekValue | undefined;

interface ConvertCtx {
  setSeparator: string;
  empty: string;
  bad: boolean;
}

interface Column {
  name: string;
  type: string;
  convert: Converter;
  /** Fast paths: 1 = plain string, 2 = floating number, 0 = use `convert`. */
  fast: 0 | 1 | 2;
}

const KNOWN_SCALAR_TYPES = new Set([
  'time',
  'interval',
  'double',
  'count',
  'int',
  'port',
  'bool',
  'addr',
  'subnet',
  'string',
  'enum',
  'pattern',
  'file',
  'func',
]);

/**
 * Decodes Zeek's escapes: `\xHH` bytes (re-assembled as UTF-8) and `\\`. Other backslashes are
 * kept. Fast path when the value holds no backslash.
 */
export function unescapeZeek(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  const enc = new TextEncoder();
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (
      c === 0x5c &&
      s[i + 1] === 'x' &&
      isHexDigit(s.charCodeAt(i + 2)) &&
      isHexDigit(s.charCodeAt(i + 3))
    ) {
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (c === 0x5c && s[i + 1] === '\\') {
      bytes.push(0x5c);
      i += 2;
    } else {
      const cp = s.codePointAt(i) ?? c;
      const ch = String.fromCodePoint(cp);
      for (const b of enc.encode(ch)) bytes.push(b);
      i += ch.length;
    }
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function numberConverter(integer: boolean): Converter {
  return (raw, ctx) => {
    const n = Number(raw);
    if (raw.length === 0 || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      ctx.bad = true;
      return unescapeZeek(raw);
    }
    return n;
  };
}

const stringConverter: Converter = (raw, ctx) => (raw === ctx.empty ? '' : unescapeZeek(raw));
const boolConverter: Converter = (raw, ctx) => {
  if (raw === 'T') return true;
  if (raw === 'F') return false;
  ctx.bad = true;
  return raw;
};

function scalarConverter(type: string): Converter | undefined {
  switch (type) {
    case 'time':
    case 'interval':
    case 'double':
      return numberConverter(false);
    case 'count':
    case 'int':
    case 'port':
      return numberConverter(true);
    case 'bool':
      return boolConverter;
    default:
      return KNOWN_SCALAR_TYPES.has(type) ? stringConverter : undefined;
  }
}

/** Builds the converter for a `#types` entry; returns undefined for types Zeek does not define. */
export function converterFor(type: string): Converter | undefined {
  const open = type.indexOf('[');
  if (open > 0 && type.endsWith(']')) {
    const container = type.slice(0, open);
    if (container !== 'set' && container !== 'vector' && container !== 'table') return undefined;
    const inner = scalarConverter(type.slice(open + 1, -1));
    if (!inner) return undefined;
    return (raw, ctx) => {
      if (raw === ctx.empty) return [];
      const parts = raw.split(ctx.setSeparator);
      const out: ZeekValue[] = [];
      for (const p of parts) {
        // An unset element inside a container is written `-`; keep it out.
        if (p === '-') continue;
        const v = inner(p, ctx);
        if (v !== undefined) out.push(v);
      }
      return out;
    };
  }
  return scalarConverter(type);
}

/**
 * Incremental, line-at-a-time Zeek parser for TSV and JSON lines (a file may switch between
 * them, and may contain several header blocks, as concatenated rotated logs do). Feed lines in
 * order with {@link ZeekLineParser.line}; collect records and issues as you go.
 *
 * @example
 * const p = new ZeekLineParser({ file: 'conn.log' });
 * for (const [i, l] of text.split('\n').entries()) { const r = p.line(l, i + 1, false); }
 */
export class ZeekLineParser {
  /** Issues raised so far (capped by `maxIssues`). */
  readonly issues: Issue[] = [];
  /** Records parsed so far. */
  recordCount = 0;
  /** Formats seen. */
  sawTsv = false;
  sawJson = false;

  private separator = '\t';
  private ctx: ConvertCtx = { setSeparator: ',', empty: '(empty)', bad: false };
  private unset = '-';
  private path: string | undefined;
  private columns: Column[] | undefined;
  private pendingTypes: string[] | undefined;
  private pendingFields: string[] | undefined;
  private suppressed = 0;
  private warnedNoHeader = false;
  private readonly opts: ZeekParseOptions;
  private readonly maxIssues: number;

  constructor(opts: ZeekParseOptions = {}) {
    this.opts = opts;
    this.maxIssues = opts.maxIssues ?? 100;
  }

  /** The log path currently in force (header `#path`, else the hint). */
  get logPath(): string {
    return this.path ?? this.opts.pathHint ?? 'unknown';
  }

  /**
   * Parses one line (without its newline). `isLast` marks a final line that had no newline after
   * it: if it does not parse, it is reported as `truncated` (a file cut mid-line).
   */
  line(text: string, lineNo: number, isLast: boolean): ZeekRecord | null {
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.length === 0) return null;
    const c0 = text.charCodeAt(0);
    if (c0 === 0x23 /* # */) {
      this.header(text, lineNo);
      return null;
    }
    if (c0 === 0x7b /* { */) return this.jsonLine(text, lineNo, isLast);
    return this.tsvLine(text, lineNo, isLast);
  }

  /** Adds the summary issue for suppressed issues; call once at the end. */
  finish(): void {
    if (this.suppressed > 0) {
      this.issues.push(
        issue('limit-exceeded', `${this.suppressed} further issues in this file were not listed`, {
          file: this.opts.file,
          pluginId: this.opts.pluginId,
        }),
      );
      this.suppressed = 0;
    }
  }

  private report(code: IssueCode, message: string, line: number): void {
    if (this.issues.length >= this.maxIssues) {
      this.suppressed++;
      return;
    }
    this.issues.push(issue(code, message, { file: this.opts.file, line, pluginId: this.opts.pluginId }));
  }

  private header(text: string, lineNo: number): void {
    // `#separator \x09` uses a space; the other headers use the separator.
    if (text.startsWith('#separator')) {
      const raw = text.slice('#separator'.length).trim();
      const sep = unescapeZeek(raw);
      if (sep.length === 0) this.report('parse-error', 'empty #separator header', lineNo);
      else this.separator = sep;
      this.columns = undefined;
      return;
    }
    const cut = text.indexOf(this.separator);
    const key = cut < 0 ? text : text.slice(0, cut);
    const value = cut < 0 ? '' : text.slice(cut + this.separator.length);
    switch (key) {
      case '#set_separator':
        this.ctx.setSeparator = unescapeZeek(value) || ',';
        break;
      case '#empty_field':
        this.ctx.empty = value;
        break;
      case '#unset_field':
        this.unset = value;
        break;
      case '#path':
        this.path = value;
        break;
      case '#fields':
        this.pendingFields = value.split(this.separator);
        this.columns = undefined;
        this.buildColumns(lineNo);
        break;
      case '#types':
        this.pendingTypes = value.split(this.separator);
        this.columns = undefined;
        this.buildColumns(lineNo);
        break;
      default:
        // #open, #close and comments carry nothing we need.
        break;
    }
  }

  private buildColumns(lineNo: number): void {
    const fields = this.pendingFields;
    const types = this.pendingTypes;
    if (!fields || !types) return;
    if (fields.length !== types.length) {
      this.report('parse-error', `#fields has ${fields.length} names but #types has ${types.length}`, lineNo);
    }
    this.columns = fields.map((name, i) => {
      const type = types[i] ?? 'string';
      let convert = converterFor(type);
      if (!convert) {
        this.report('unsupported', `field ${name} has unknown Zeek type ${type}; kept as text`, lineNo);
        convert = stringConverter;
      }
      const fast =
        convert === stringConverter ? 1 : type === 'time' || type === 'interval' || type === 'double' ? 2 : 0;
      return { name, type, convert, fast };
    });
  }

  private tsvLine(text: string, lineNo: number, isLast: boolean): ZeekRecord | null {
    this.sawTsv = true;
    const cols = this.columns;
    if (!cols) {
      if (!this.warnedNoHeader) {
        this.warnedNoHeader = true;
        // One issue per file is enough for a headerless file.
        this.report(
          'parse-error',
          'TSV data line before any #fields/#types header; lines skipped until one appears',
          lineNo,
        );
      }
      return null;
    }
    const parts = text.split(this.separator);
    if (parts.length !== cols.length) {
      this.report(
        isLast ? 'truncated' : 'parse-error',
        `${isLast ? 'last line cut short' : 'line'}: ${parts.length} fields where #fields names ${cols.length}`,
        lineNo,
      );
      return null;
    }
    const fields: Record<string, ZeekValue> = {};
    for (let i = 0; i < cols.length; i++) {
      const raw = parts[i] as string;
      if (raw === this.unset) continue;
      const col = cols[i] as Column;
      if (col.fast === 1 && raw !== this.ctx.empty && !raw.includes('\\')) {
        fields[col.name] = raw;
        continue;
      }
      if (col.fast === 2) {
        const x = Number(raw);
        if (raw.length > 0 && Number.isFinite(x)) {
          fields[col.name] = x;
          continue;
        }
      }
      this.ctx.bad = false;
      const v = col.convert(raw, this.ctx);
      if (this.ctx.bad)
        this.report(
          'invalid-value',
          `field ${col.name}: ${JSON.stringify(raw.slice(0, 60))} is not a valid ${col.type}`,
          lineNo,
        );
      if (v !== undefined) fields[col.name] = v;
    }
    this.recordCount++;
    return { logPath: this.logPath, line: lineNo, fields };
  }

  private jsonLine(text: string, lineNo: number, isLast: boolean): ZeekRecord | null {
    this.sawJson = true;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      this.report(
        isLast ? 'truncated' : 'parse-error',
        isLast ? 'last JSON line cut short' : 'line is not valid JSON',
        lineNo,
      );
      return null;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      this.report('parse-error', 'JSON line is not an object', lineNo);
      return null;
    }
    const fields: Record<string, ZeekValue> = {};
    flatten(obj as Record<string, unknown>, '', fields, 0);
    let logPath = this.logPath;
    const p = fields['_path'];
    if (typeof p === 'string') {
      logPath = p;
      delete fields['_path'];
    }
    const ts = fields['ts'];
    if (typeof ts === 'string') {
      const sec = parseIsoSeconds(ts);
      if (sec !== undefined) fields['ts'] = sec;
      else this.report('invalid-value', `field ts: ${JSON.stringify(ts.slice(0, 40))} is not a time`, lineNo);
    }
    this.recordCount++;
    return { logPath, line: lineNo, fields };
  }
}

/**
 * ISO 8601 time to seconds since the epoch, keeping sub-millisecond digits (Zeek JSON writes
 * microseconds, which `Date.parse` would drop).
 */
export function parseIsoSeconds(s: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) {
    const ms = Date.parse(s);
    return Number.isFinite(ms) ? ms / 1000 : undefined;
  }
  const base = Date.parse(`${(m[1] as string).replace(' ', 'T')}${m[3] ?? 'Z'}`);
  if (!Number.isFinite(base)) return undefined;
  return base / 1000 + (m[2] ? Number(`0${m[2]}`) : 0);
}

function flatten(
  obj: Record<string, unknown>,
  prefix: string,
  out: Record<string, ZeekValue>,
  depth: number,
): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix + k;
    const val = toValue(v);
    if (val !== undefined) {
      out[key] = val;
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v) && depth < 4) {
      flatten(v as Record<string, unknown>, key + '.', out, depth + 1);
    }
  }
}

function toValue(v: unknown): ZeekValue | undefined {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (Array.isArray(v)) {
    const out: ZeekValue[] = [];
    for (const e of v) {
      const x = toValue(e);
      if (x !== undefined) out.push(x);
    }
    return out;
  }
  return undefined;
}

/**
 * Parses a whole Zeek log text (TSV or JSON lines), calling `onRecord` for each record without
 * keeping them (so callers that map records to something smaller keep memory low). A final line
 * without a newline that fails to parse is a `truncated` issue.
 */
export function forEachZeekRecord(
  text: string,
  opts: ZeekParseOptions,
  onRecord: (r: ZeekRecord) => void,
): { issues: Issue[]; format: ZeekParseResult['format']; records: number } {
  const p = new ZeekLineParser(opts);
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    lineNo++;
    const r = p.line(text.slice(start, end), lineNo, nl < 0);
    if (r) onRecord(r);
    start = end + 1;
  }
  p.finish();
  const format =
    p.sawTsv && p.sawJson ? 'mixed' : p.sawJson ? 'json' : p.sawTsv || lineNo > 0 ? 'tsv' : 'empty';
  if (format === 'empty')
    p.issues.push(issue('empty', 'empty Zeek log', { file: opts.file, pluginId: opts.pluginId }));
  return { issues: p.issues, format, records: p.recordCount };
}

/**
 * Parses a whole Zeek log text (TSV or JSON lines) into records.
 *
 * @example parseZeekLog(text, { file: 'conn.log' }).records[0].fields['id.orig_h']
 */
export function parseZeekLog(text: string, opts: ZeekParseOptions = {}): ZeekParseResult {
  const records: ZeekRecord[] = [];
  const r = forEachZeekRecord(text, opts, (x) => records.push(x));
  return { records, issues: r.issues, format: r.format };
}

/**
 * The log type a Zeek file name implies: `conn.12:00:00-13:00:00.log.gz` → `conn`,
 * `open_conn.log` → `conn` (with `open: true`), `conn_json.log` → `conn`, `dns.json.gz` → `dns`.
 * Returns null for names that do not look like Zeek logs.
 */
export function zeekLogTypeFromName(name: string): { type: string; open: boolean } | null {
  const lower = name.toLowerCase();
  if (!/\.(log|json)(\.gz)?$/.test(lower)) return null;
  const m = /^(open_)?([a-z0-9_-]+?)(?:_json)?(?:\.|$)/.exec(lower);
  if (!m || !m[2]) return null;
  return { type: m[2], open: m[1] !== undefined };
}

/** Splits a log path such as `open_conn` (RITA's open-connection logs) into `conn` and `open: true`. */
export function baseLogPath(logPath: string): { type: string; open: boolean } {
  return logPath.startsWith('open_')
    ? { type: logPath.slice(5), open: true }
    : { type: logPath, open: false };
}

let isoCacheSec = NaN;
let isoCachePrefix = '';

/** Seconds since the epoch to ISO 8601 (millisecond precision); undefined when not a finite time. */
export function zeekTimeToIso(ts: ZeekValue | undefined): string | undefined {
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return undefined;
  const ms = Math.round(ts * 1000);
  const sec = Math.floor(ms / 1000);
  // Consecutive log records share the second: reuse the formatted prefix.
  if (sec !== isoCacheSec) {
    const d = new Date(sec * 1000);
    if (Number.isNaN(d.getTime())) return undefined;
    isoCachePrefix = d.toISOString().slice(0, -4);
    isoCacheSec = sec;
  }
  const frac = ms - sec * 1000;
  return `${isoCachePrefix}${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
}

/** A field as a string (first element of a container), or undefined. */
export function str(fields: Record<string, ZeekValue>, key: string): string | undefined {
  const v = fields[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** A field as a finite number, or undefined. */
export function num(fields: Record<string, ZeekValue>, key: string): number | undefined {
  const v = fields[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A field as a list of strings (a scalar becomes a one-element list). */
export function strList(fields: Record<string, ZeekValue>, key: string): string[] {
  const v = fields[key];
  if (v === undefined) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.filter((x): x is string => typeof x === 'string');
}
