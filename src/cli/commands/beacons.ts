/**
 * `chainhunt beacons PATH...`: loads Zeek conn/http/ssl logs (plain, gzip, rotated, JSON or TSV)
 * found under the paths into a columnar table and prints ranked beacons and long connections.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { analyzeBeacons, type Beacon, type BeaconOptions, type BeaconReport } from '../../beacon/analyze.js';
import { loadZeekLogs } from '../../beacon/ingest.js';
import { ConnTable } from '../../beacon/table.js';
import type { Issue } from '../../core/issue.js';

/** A time option: ISO 8601 / date, epoch seconds, or a duration (`24h`, `7d`) before the newest record. */
export type TimeArg = { abs: number } | { before: number };

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Parses a `--since`/`--until` value; throws commander's InvalidArgumentError when invalid. */
export function parseTimeArg(v: string): TimeArg {
  const s = v.trim();
  const rel = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(s);
  if (rel) return { before: Number(rel[1]) * (UNIT[rel[2] as string] as number) };
  if (/^\d+(\.\d+)?$/.test(s)) return { abs: Number(s) };
  const ms = Date.parse(s);
  if (Number.isFinite(ms)) return { abs: ms / 1000 };
  throw new InvalidArgumentError('expected ISO 8601 time, epoch seconds, or a duration like 24h');
}

function intArg(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(v);
}

function collect(v: string, prev: string[]): string[] {
  return [
    ...prev,
    ...v
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0),
  ];
}

function resolve(t: TimeArg | undefined, newest: number): number | undefined {
  if (!t) return undefined;
  return 'abs' in t ? t.abs : newest - t.before;
}

/** Renders the report as an aligned text table. */
export function renderBeaconTable(r: BeaconReport): string {
  const lines: string[] = [];
  lines.push(`window ${r.window.since} .. ${r.window.until}; ${r.rows} rows; ${r.pairsScored} pairs scored`);
  const head = ['score', 'src', 'dst', 'count', 'median iv (s)', 'mad', 'coverage', 'no-host', 'user agents'];
  const rows = r.beacons.map((b: Beacon) => [
    b.score.toFixed(3),
    b.src,
    b.dst + (b.dstType === 'fqdn' ? ' (fqdn)' : ''),
    String(b.count),
    String(b.interval.median),
    String(b.interval.mad),
    b.coverage.toFixed(2),
    b.httpRequests > 0 ? `${b.missingHostCount}/${b.httpRequests}` : '-',
    b.userAgents.join(' | ').slice(0, 60),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r2) => (r2[i] ?? '').length)));
  const fmt = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  lines.push(fmt(head), ...rows.map(fmt));
  if (r.longConnections.length > 0) {
    lines.push('', 'long connections');
    for (const l of r.longConnections) {
      lines.push(
        `  ${l.src} -> ${l.dst}:${l.port}  ${Math.round(l.maxDuration)} s${l.open ? ' (still open)' : ''}  since ${l.firstSeen}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

interface BeaconsCliOptions {
  since?: TimeArg;
  until?: TimeArg;
  allow: string[];
  format: string;
  top: number;
  minCount?: number;
  includeFailed?: boolean;
  longConn?: number;
}

/**
 * Registers `beacons` on the program.
 *
 * @example registerBeaconsCommand(program) // chainhunt beacons logs/ --since 24h --format json
 */
export function registerBeaconsCommand(program: Command): void {
  program
    .command('beacons')
    .description(
      'rank beacon candidates in Zeek conn/http/ssl logs (directories are walked; gzip and rotated files read)',
    )
    .argument('<paths...>', 'Zeek log files or directories')
    .option(
      '--since <time>',
      'window start: ISO 8601, epoch seconds, or a duration before the newest record (24h)',
      parseTimeArg,
    )
    .option(
      '--until <time>',
      'window end: ISO 8601, epoch seconds, or a duration before the newest record',
      parseTimeArg,
    )
    .option(
      '--allow <domain|cidr>',
      'leave out a domain (with sub-domains), IP or CIDR; repeatable or comma-separated',
      collect,
      [],
    )
    .option('--format <format>', 'json or table', 'table')
    .option('--top <n>', 'report at most n beacons', intArg, 50)
    .option('--min-count <n>', 'minimum connections for a pair to be scored (default 5)', intArg)
    .option('--include-failed', 'also score connections that carried no payload')
    .option('--long-conn <seconds>', 'report connections at least this long (default 3600)', intArg)
    .action(async (paths: string[], o: BeaconsCliOptions) => {
      if (o.format !== 'json' && o.format !== 'table')
        throw new InvalidArgumentError(`unknown format ${o.format}`);
      const table = new ConnTable(1 << 16);
      const load = await loadZeekLogs(paths, table);
      let newest = -Infinity;
      for (let i = 0; i < table.length; i++)
        if ((table.ts[i] as number) > newest) newest = table.ts[i] as number;
      const opts: BeaconOptions = { allow: o.allow, top: o.top };
      const since = resolve(o.since, newest);
      const until = resolve(o.until, newest);
      if (since !== undefined) opts.since = since;
      if (until !== undefined) opts.until = until;
      if (o.minCount !== undefined) opts.minConnections = o.minCount;
      if (o.includeFailed) opts.includeFailed = true;
      if (o.longConn !== undefined) opts.longConnectionSeconds = o.longConn;
      const report = analyzeBeacons(table, opts);
      const issues: Issue[] = load.issues;
      if (o.format === 'json') {
        const doc = { files: load.files, records: load.records, ...report, issues };
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      } else {
        process.stdout.write(`${load.files} files, ${load.records} records\n`);
        process.stdout.write(renderBeaconTable(report));
        if (issues.length > 0)
          process.stderr.write(`${issues.length} issues while reading (use --format json to list them)\n`);
      }
    });
}
