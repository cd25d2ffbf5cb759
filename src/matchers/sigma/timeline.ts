/** A Hayabusa-style timeline of Sigma findings: one row per detection, sorted by time. */
import type { Finding } from '../../core/finding.js';
import { cmp } from '../../core/issue.js';

/** One timeline row. */
export interface TimelineRow {
  time: string;
  host: string;
  computer: string;
  channel: string;
  eventId: string;
  recordId: string;
  level: string;
  ruleTitle: string;
  ruleId: string;
  ruleAuthor: string;
  details: string;
  findingId: string;
}

/** Builds time-sorted rows (then by host, record id, rule id) from `kind: 'sigma'` findings. */
export function sigmaTimeline(findings: readonly Finding[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const f of findings) {
    if (f.kind !== 'sigma' || !f.rule) continue;
    const s = f.subject.type === 'event' ? f.subject : undefined;
    const found = f.evidence[0]?.found ?? {};
    const details = Object.entries(found)
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ¦ ');
    rows.push({
      time: s?.time ?? '',
      host: f.host,
      computer: s?.computer ?? '',
      channel: s?.channel ?? '',
      eventId: s?.eventId !== undefined ? String(s.eventId) : '',
      recordId: s?.recordId !== undefined ? String(s.recordId) : '',
      level: f.rule.level ?? f.severity,
      ruleTitle: f.rule.title,
      ruleId: f.rule.id,
      ruleAuthor: f.rule.author ?? '',
      details,
      findingId: f.id,
    });
  }
  const num = (x: string): number => (x === '' ? -1 : Number(x));
  rows.sort(
    (a, b) =>
      cmp(a.time, b.time) ||
      cmp(a.host, b.host) ||
      num(a.recordId) - num(b.recordId) ||
      cmp(a.ruleId, b.ruleId) ||
      cmp(a.findingId, b.findingId),
  );
  return rows;
}

const COLUMNS: (keyof TimelineRow)[] = [
  'time',
  'host',
  'computer',
  'channel',
  'eventId',
  'recordId',
  'level',
  'ruleTitle',
  'ruleId',
  'ruleAuthor',
  'details',
  'findingId',
];

function csvCell(v: string): string {
  // Neutralise spreadsheet formulas, quote when needed.
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Renders rows as CSV (header line, CRLF-free, formula-safe). */
export function timelineCsv(rows: readonly TimelineRow[]): string {
  return (
    [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n'
  );
}

/** Renders rows as JSON Lines. */
export function timelineJsonl(rows: readonly TimelineRow[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
}
