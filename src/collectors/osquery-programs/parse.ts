/**
 * Pure reader for osquery query results, shared by the `programs` and `apps` collectors:
 * - `osqueryi --json "select * from programs"`: a JSON array of row objects (values as strings);
 * - osqueryd results logs (filesystem logger, one JSON object per line): event format
 *   (`{name, hostIdentifier, columns, action: "added"|"removed"}`), snapshot format
 *   (`{name, hostIdentifier, snapshot: [...], action: "snapshot"}`) and batch format
 *   (`{name, hostIdentifier, diffResults: {added, removed}}`).
 *
 * Logs are replayed per query name in file order: a snapshot replaces that query's rows, `added`
 * adds, `removed` removes, so the result is the state at the end of the log.
 */
import type { Issue } from '../../core/issue.js';
import {
  canonicalJson,
  decodeEvidenceText,
  IssueSink,
  jsonElementLines,
  parseJsonWithIssue,
} from '../app-common.js';

/** One result row with the line it was read from. */
export interface OsqueryRow {
  /** Column values; numbers are kept as osquery's string form. */
  columns: Record<string, string>;
  line?: number;
  /** Query (pack) name for results-log rows. */
  query?: string;
}

/** How the file was laid out. */
export type OsqueryLayout = 'osqueryi-json' | 'results-log';

/** Result of {@link parseOsqueryResults}. */
export interface OsqueryParseResult {
  layout: OsqueryLayout | null;
  rows: OsqueryRow[];
  issues: Issue[];
}

/** Largest number of rows kept from one file. */
export const MAX_OSQUERY_ROWS = 1_000_000;

/** Parses osqueryi JSON or an osqueryd results log. Never throws. */
export function parseOsqueryResults(
  content: Uint8Array,
  file: string,
  pluginId: string,
  signal?: AbortSignal,
): OsqueryParseResult {
  const sink = new IssueSink(file, pluginId);
  const decoded = decodeEvidenceText(content, sink);
  if (decoded === null) return { layout: null, rows: [], issues: sink.done() };
  const text = decoded.text.replace(/^\uFEFF/, '');
  const first = text.trimStart()[0];
  if (first === '[') {
    const data = parseJsonWithIssue(text, sink);
    if (!Array.isArray(data)) {
      if (data !== undefined) sink.add('parse-error', 'expected a JSON array of rows', { line: 1 });
      return { layout: 'osqueryi-json', rows: [], issues: sink.done() };
    }
    const lines = jsonElementLines(text);
    const rows: OsqueryRow[] = [];
    data.forEach((item, idx) => {
      const line = lines.length === data.length ? lines[idx] : undefined;
      const cols = toColumns(item);
      if (cols === null)
        sink.add('invalid-value', `row ${idx} is not an object of column values`, { line: line ?? 1 });
      else rows.push(line === undefined ? { columns: cols } : { columns: cols, line });
    });
    return { layout: 'osqueryi-json', rows, issues: sink.done() };
  }
  if (first !== '{') {
    sink.add(
      'parse-error',
      'not osquery output: expected a JSON array (osqueryi --json) or JSON lines (results log)',
      { line: 1 },
    );
    return { layout: null, rows: [], issues: sink.done() };
  }
  return { layout: 'results-log', rows: replayLog(text, sink, signal), issues: sink.done() };
}

function replayLog(text: string, sink: IssueSink, signal?: AbortSignal): OsqueryRow[] {
  const state = new Map<string, Map<string, OsqueryRow>>();
  let lines = text.split('\n');
  if (lines.filter((l) => l.trim() !== '').length > 1) {
    // One pretty-printed record rather than JSON lines?
    try {
      const whole: unknown = JSON.parse(text);
      if (typeof whole === 'object' && whole !== null) lines = [JSON.stringify(whole)];
    } catch {
      // JSON lines: handled below, line by line.
    }
  }
  const last = lines.length - 1;
  let total = 0;
  for (let i = 0; i < lines.length; i++) {
    if (signal?.aborted === true) break;
    if (sink.full) {
      sink.stop({ line: i + 1 });
      break;
    }
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const line = i + 1;
    let rec: unknown;
    try {
      rec = JSON.parse(raw);
    } catch (e) {
      const cut = i === last || lines.slice(i + 1).every((x) => x.trim() === '');
      sink.add(
        cut && !text.endsWith('\n') ? 'truncated' : 'parse-error',
        `invalid JSON line: ${e instanceof Error ? e.message : String(e)}`,
        { line },
      );
      continue;
    }
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
      sink.add('parse-error', 'results-log line is not a JSON object', { line });
      continue;
    }
    const r = rec as Record<string, unknown>;
    const query = typeof r['name'] === 'string' ? r['name'] : '';
    let rows = state.get(query);
    if (rows === undefined) {
      rows = new Map();
      state.set(query, rows);
    }
    const add = (item: unknown): void => {
      const cols = toColumns(item);
      if (cols === null) {
        sink.add('invalid-value', 'row is not an object of column values', { line });
        return;
      }
      if (total >= MAX_OSQUERY_ROWS) {
        sink.add('limit-exceeded', `more than ${MAX_OSQUERY_ROWS} rows; rest ignored`, { line });
        return;
      }
      total++;
      rows.set(canonicalJson(cols), { columns: cols, line, query });
    };
    const remove = (item: unknown): void => {
      const cols = toColumns(item);
      if (cols !== null) rows.delete(canonicalJson(cols));
    };
    if (Array.isArray(r['snapshot'])) {
      rows.clear();
      for (const item of r['snapshot']) add(item);
    } else if (typeof r['diffResults'] === 'object' && r['diffResults'] !== null) {
      const d = r['diffResults'] as Record<string, unknown>;
      if (Array.isArray(d['removed'])) for (const item of d['removed']) remove(item);
      if (Array.isArray(d['added'])) for (const item of d['added']) add(item);
    } else if (typeof r['columns'] === 'object' && r['columns'] !== null) {
      if (r['action'] === 'removed') remove(r['columns']);
      else if (r['action'] === 'added' || r['action'] === undefined) add(r['columns']);
      else sink.add('unsupported', `unknown action ${JSON.stringify(r['action'])}`, { line });
    } else {
      sink.add('parse-error', 'results-log line has none of columns, snapshot or diffResults', { line });
    }
  }
  const out: OsqueryRow[] = [];
  for (const rows of state.values()) out.push(...rows.values());
  return out;
}

/** Column values as strings; null when `v` is not a flat object. */
function toColumns(v: unknown): Record<string, string> | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === 'string') out[k] = x;
    else if (typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  }
  return out;
}

/** Whether a row has the shape of the Windows `programs` table. */
export function isProgramsRow(c: Record<string, string>): boolean {
  if (!('name' in c) || 'bundle_identifier' in c) return false;
  return (
    'identifying_number' in c ||
    'uninstall_string' in c ||
    'install_source' in c ||
    ('install_location' in c && 'publisher' in c)
  );
}

/** Whether a row has the shape of the macOS `apps` table. */
export function isAppsRow(c: Record<string, string>): boolean {
  return 'bundle_identifier' in c || 'bundle_short_version' in c || ('path' in c && 'bundle_executable' in c);
}
