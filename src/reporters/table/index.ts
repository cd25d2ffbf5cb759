/**
 * `reporters/table`: the terminal view. Grouped by host (tenant, host), most severe first, with
 * what to do next; then a one-line fleet summary and the count of input issues.
 */
import type { Finding } from '../../core/finding.js';
import type { Reporter, ReporterOptions } from '../../core/plugin.js';
import type { Report } from '../../core/report.js';
import type { Severity } from '../../core/severity.js';
import { describeSubject, matchedId, matchedSource } from '../subject.js';

const COLOR: Record<Severity, string> = {
  critical: '\x1b[1;41;97m',
  high: '\x1b[1;31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
};
const RESET = '\x1b[0m';
const BOLD = '\x1b[1m';

function paint(on: boolean, code: string, s: string): string {
  return on ? `${code}${s}${RESET}` : s;
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

function renderFinding(f: Finding, o: ReporterOptions): string {
  const sev = paint(o.color, COLOR[f.severity], f.severity.toUpperCase().padEnd(8));
  const out = [`  ${sev} ${f.title}`];
  out.push(`           ${describeSubject(f)}`);
  const src = matchedSource(f);
  out.push(
    `           matched ${matchedId(f)}${src ? ` (source: ${src})` : ''}${f.advisory?.aliases.length ? ` aka ${f.advisory.aliases.join(', ')}` : ''}`,
  );
  if (f.fixedVersions?.length) out.push(`           fixed in ${f.fixedVersions.join(', ')}`);
  const where = f.evidence.find((e) => e.location)?.location;
  if (where) out.push(`           evidence ${where.file}${where.line !== undefined ? `:${where.line}` : ''}`);
  if (f.remediation) out.push(wrap(`do: ${f.remediation}`, 100, '           '));
  return out.join('\n');
}

export function renderTable(report: Report, o: ReporterOptions): string {
  const lines: string[] = [];
  const byHost = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const k = `${f.tenant ?? ''}\u0000${f.host}`;
    const list = byHost.get(k) ?? [];
    list.push(f);
    byHost.set(k, list);
  }
  for (const h of report.hosts) {
    const list = byHost.get(`${h.tenant ?? ''}\u0000${h.id}`) ?? [];
    const label = `${h.tenant ? `${h.tenant} / ` : ''}${h.id}${h.hostname && h.hostname !== h.id ? ` (${h.hostname})` : ''}${h.os ? ` [${h.os}]` : ''}`;
    const state = list.length
      ? paint(
          o.color,
          COLOR[h.highestSeverity ?? 'info'],
          `AFFECTED (${list.length} finding${list.length === 1 ? '' : 's'})`,
        )
      : paint(o.color, '\x1b[32m', 'no findings');
    lines.push(`${paint(o.color, BOLD, label)}  ${state}`);
    for (const f of list) lines.push(renderFinding(f, o));
    lines.push('');
  }
  const affected = report.hosts.filter((h) => h.status === 'affected').length;
  lines.push(
    `${report.hosts.length} host${report.hosts.length === 1 ? '' : 's'} scanned, ${affected} affected, ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}.`,
  );
  lines.push(
    `Intel: ${report.intel.advisories} advisories, ${report.intel.indicators} indicators, ${report.intel.rules} rules from ${report.intel.sources.length} sources.`,
  );
  if (report.issues.length) {
    lines.push(
      `${report.issues.length} input issue${report.issues.length === 1 ? '' : 's'} (unreadable, malformed or unsupported input); first ones:`,
    );
    for (const i of report.issues.slice(0, 10)) {
      lines.push(
        `  ${i.code}: ${i.file ?? ''}${i.line !== undefined ? `:${i.line}` : ''}${i.offset !== undefined ? ` @${i.offset}` : ''} ${i.message}`,
      );
    }
    if (report.issues.length > 10) lines.push(`  … ${report.issues.length - 10} more (see --format json)`);
  }
  return `${lines.join('\n')}\n`;
}

export const tableReporter = {
  id: 'reporters/table',
  version: 1,
  description: 'Human-readable table grouped by host (default on a terminal)',
  format: 'table',
  mediaType: 'text/plain',
  render: renderTable,
} satisfies Reporter;
