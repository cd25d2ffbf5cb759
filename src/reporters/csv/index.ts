/** `reporters/csv`: one row per finding, RFC 4180 quoting, spreadsheet-formula injection neutralised. */
import type { Reporter } from '../../core/plugin.js';
import { describeSubject, matchedId, matchedSource } from '../subject.js';

const COLUMNS = [
  'tenant',
  'host',
  'severity',
  'kind',
  'subject',
  'matched',
  'source',
  'fixed_versions',
  'title',
  'remediation',
  'finding_id',
] as const;

/** Quotes a CSV cell; a leading = + - @ tab or CR is prefixed with ' so spreadsheets show text. */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvReporter = {
  id: 'reporters/csv',
  version: 1,
  description: 'CSV, one row per finding',
  format: 'csv',
  mediaType: 'text/csv',
  render(report) {
    const rows = [COLUMNS.join(',')];
    for (const f of report.findings) {
      rows.push(
        [
          f.tenant ?? '',
          f.host,
          f.severity,
          f.kind,
          describeSubject(f),
          matchedId(f),
          matchedSource(f),
          (f.fixedVersions ?? []).join(' '),
          f.title,
          f.remediation ?? '',
          f.id,
        ]
          .map(csvCell)
          .join(','),
      );
    }
    return `${rows.join('\r\n')}\r\n`;
  },
} satisfies Reporter;
