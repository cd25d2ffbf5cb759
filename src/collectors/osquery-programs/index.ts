/** Collector for the osquery `programs` table (Windows installed programs). */
import type { Collector, CollectorInput, CollectorResult, FileRef } from '../../core/plugin.js';
import type { AppObserved } from '../app-common.js';
import { headText, IssueSink, nonEmpty, sortObserved, windowsScopeFromPath } from '../app-common.js';
import type { OsqueryRow } from './parse.js';
import { isProgramsRow, parseOsqueryResults } from './parse.js';

/** Plugin id. */
export const OSQUERY_PROGRAMS_ID = 'collectors/osquery-programs';

/** Conventional names of osquery results-log files (claimed by both osquery collectors). */
export function isOsqueryResultsLogName(lower: string): boolean {
  return (
    lower === 'osqueryd.results.log' ||
    /^osqueryd\.results\.log\.\d+$/.test(lower) ||
    lower.endsWith('.results.log')
  );
}

/**
 * Maps one `programs` row. The table does not say which hive a row came from, so the scope is
 * taken from the install location (or uninstall command): under `X:\Users\<name>\` → user, under
 * Program Files / ProgramData / Windows → machine, else unknown.
 */
export function programsRowToApp(row: OsqueryRow, file: string): AppObserved | null {
  const c = row.columns;
  const name = nonEmpty(c['name']);
  if (name === undefined) return null;
  const app: AppObserved = {
    kind: 'app',
    name,
    platform: 'windows',
    scope: 'unknown',
    source: row.line === undefined ? { file } : { file, line: row.line },
  };
  const version = nonEmpty(c['version']);
  if (version !== undefined) app.version = version;
  const publisher = nonEmpty(c['publisher']);
  if (publisher !== undefined) app.publisher = publisher;
  const productId = nonEmpty(c['identifying_number']);
  if (productId !== undefined) app.productId = productId;
  const loc = nonEmpty(c['install_location']);
  if (loc !== undefined) app.installLocation = loc;
  let guess = windowsScopeFromPath(loc);
  if (guess.scope === 'unknown') guess = windowsScopeFromPath(nonEmpty(c['uninstall_string']));
  app.scope = guess.scope;
  if (guess.user !== undefined) app.user = guess.user;
  return app;
}

/** osquery `programs` collector: `osqueryi --json` arrays and osqueryd results logs. */
export const osqueryProgramsCollector = {
  id: OSQUERY_PROGRAMS_ID,
  version: 1,
  description: 'osquery programs table (Windows): osqueryi --json output and osqueryd results logs',
  matches(file: FileRef): boolean {
    const n = file.lowerName;
    return (
      n === 'programs.json' ||
      /^osquery[-_.]programs.*\.json$/.test(n) ||
      n.endsWith('.programs.json') ||
      isOsqueryResultsLogName(n)
    );
  },
  sniff(head: Buffer): boolean {
    const t = headText(head)
      .replace(/^\uFEFF/, '')
      .trimStart();
    if (!(t.startsWith('[') || t.startsWith('{'))) return false;
    return (
      t.includes('"identifying_number"') ||
      (t.includes('"uninstall_string"') && t.includes('"install_location"'))
    );
  },
  collect(input: CollectorInput): CollectorResult {
    const file = input.file.path;
    const parsed = parseOsqueryResults(input.content, file, OSQUERY_PROGRAMS_ID, input.signal);
    const sink = new IssueSink(file, OSQUERY_PROGRAMS_ID);
    const observations: AppObserved[] = [];
    let shaped = 0;
    for (const row of parsed.rows) {
      if (!isProgramsRow(row.columns)) continue;
      shaped++;
      const app = programsRowToApp(row, file);
      if (app === null) sink.add('invalid-value', 'programs row without a name', { line: row.line ?? 1 });
      else observations.push(app);
    }
    if (parsed.layout === 'osqueryi-json' && parsed.rows.length > 0 && shaped === 0) {
      sink.add(
        'parse-error',
        'rows are not from the osquery programs table (no identifying_number / uninstall_string / install_source column)',
        { line: 1 },
      );
    }
    return { observations: sortObserved(observations), issues: [...parsed.issues, ...sink.done()] };
  },
} satisfies Collector;
