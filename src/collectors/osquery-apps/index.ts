/** Collector for the osquery `apps` table (macOS application bundles). */
import type { Collector, CollectorInput, CollectorResult, FileRef } from '../../core/plugin.js';
import type { AppObserved } from '../app-common.js';
import { headText, IssueSink, macScopeFromPath, nonEmpty, sortObserved } from '../app-common.js';
import { isOsqueryResultsLogName } from '../osquery-programs/index.js';
import type { OsqueryRow } from '../osquery-programs/parse.js';
import { isAppsRow, parseOsqueryResults } from '../osquery-programs/parse.js';

/** Plugin id. */
export const OSQUERY_APPS_ID = 'collectors/osquery-apps';

/**
 * Maps one `apps` row: name = display_name, else bundle_name, else the bundle folder name without
 * `.app`; version = bundle_short_version (CFBundleShortVersionString), build = bundle_version;
 * scope = user under `/Users/<name>/` (not Shared), else machine.
 */
export function appsRowToApp(row: OsqueryRow, file: string): AppObserved | null {
  const c = row.columns;
  const folder = nonEmpty(c['name']);
  const name =
    nonEmpty(c['display_name']) ??
    nonEmpty(c['bundle_name']) ??
    (folder === undefined ? undefined : folder.replace(/\.app$/i, ''));
  if (name === undefined || name === '') return null;
  const app: AppObserved = {
    kind: 'app',
    name,
    platform: 'macos',
    scope: 'machine',
    source: row.line === undefined ? { file } : { file, line: row.line },
  };
  const version = nonEmpty(c['bundle_short_version']);
  if (version !== undefined) app.version = version;
  const build = nonEmpty(c['bundle_version']);
  if (build !== undefined) app.build = build;
  const bundleId = nonEmpty(c['bundle_identifier']);
  if (bundleId !== undefined) app.bundleId = bundleId;
  const p = nonEmpty(c['path']);
  if (p !== undefined) {
    app.installLocation = p;
    const g = macScopeFromPath(p);
    app.scope = g.scope;
    if (g.user !== undefined) app.user = g.user;
  }
  return app;
}

/** osquery `apps` collector: `osqueryi --json` arrays and osqueryd results logs. */
export const osqueryAppsCollector = {
  id: OSQUERY_APPS_ID,
  version: 1,
  description: 'osquery apps table (macOS): osqueryi --json output and osqueryd results logs',
  matches(file: FileRef): boolean {
    const n = file.lowerName;
    return /^osquery[-_.]apps.*\.json$/.test(n) || n.endsWith('.apps.json') || isOsqueryResultsLogName(n);
  },
  sniff(head: Buffer): boolean {
    const t = headText(head)
      .replace(/^\uFEFF/, '')
      .trimStart();
    if (!(t.startsWith('[') || t.startsWith('{'))) return false;
    return t.includes('"bundle_identifier"') || t.includes('"bundle_short_version"');
  },
  collect(input: CollectorInput): CollectorResult {
    const file = input.file.path;
    const parsed = parseOsqueryResults(input.content, file, OSQUERY_APPS_ID, input.signal);
    const sink = new IssueSink(file, OSQUERY_APPS_ID);
    const observations: AppObserved[] = [];
    let shaped = 0;
    for (const row of parsed.rows) {
      if (!isAppsRow(row.columns)) continue;
      shaped++;
      const app = appsRowToApp(row, file);
      if (app === null) sink.add('invalid-value', 'apps row without a name', { line: row.line ?? 1 });
      else observations.push(app);
    }
    if (parsed.layout === 'osqueryi-json' && parsed.rows.length > 0 && shaped === 0) {
      sink.add(
        'parse-error',
        'rows are not from the osquery apps table (no bundle_identifier / bundle_short_version column)',
        { line: 1 },
      );
    }
    return { observations: sortObserved(observations), issues: [...parsed.issues, ...sink.done()] };
  },
} satisfies Collector;
