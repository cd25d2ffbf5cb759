/** `chainhunt scan`: evidence × intel → findings per host. */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { defaultDbDir, openDb } from '../../intel-db/db.js';
import { sigmaTimeline, timelineCsv, timelineJsonl } from '../../matchers/sigma/index.js';
import { ScanError } from '../../core/errors.js';
import { atLeast, type Severity } from '../../core/severity.js';
import { reporterFor, reporters } from '../../reporters/index.js';
import { buildReport } from '../../scan/report.js';
import { runScan } from '../../scan/runner.js';
import { clearProgress, emit, pickFormat, progressReporter, useColor } from '../io.js';
import { collect, severityOption, sizeOption } from '../options.js';

export interface CommonScanFlags {
  exclude: string[];
  maxFileSize?: number;
  quiet?: boolean;
}

/** Adds the walking options shared by scan, inventory and ingest. */
export function addWalkOptions(cmd: Command): Command {
  return cmd
    .option(
      '--exclude <glob>',
      'skip paths matching the glob (relative to the scan root; repeatable)',
      collect,
      [],
    )
    .option(
      '--max-file-size <size>',
      'files larger than this are hashed but not parsed (default 256MiB)',
      sizeOption,
    )
    .option('-q, --quiet', 'no progress on stderr');
}

export function registerScanCommand(program: Command): void {
  const cmd = program
    .command('scan')
    .description('scan evidence (folders, files, .zip/.tar.gz bundles) and report findings per host')
    .argument('<paths...>', 'evidence paths; a folder with chainhunt-host.json is one host bundle')
    .option(
      '--intel <path>',
      'intel file or folder to load (repeatable): packs, IOC lists, rules',
      collect,
      [],
    )
    .option('--no-default-intel', 'do not load the intel packs shipped with chainhunt')
    .option(
      '--db <dir>',
      'offline intel database to use (default: the one `chainhunt intel import` writes, when it exists)',
    )
    .option('--no-db', 'do not use the offline intel database')
    .addOption(
      new Option('--format <format>', 'output format (default: table on a terminal, else json)').choices(
        reporters.map((r) => r.format),
      ),
    )
    .option('-o, --output <file>', 'write the report to a file (format inferred from the extension)')
    .option(
      '--fail-on <severity>',
      'exit 1 when a finding is at or above this severity (critical, high, medium, low, info)',
      severityOption,
    )
    .option(
      '--timeline',
      'with --format csv or jsonl: one row per Sigma detection, time-sorted (Hayabusa-style timeline)',
    )
    .option('--no-color', 'no ANSI colours');
  addWalkOptions(cmd);
  cmd.action(
    async (
      paths: string[],
      o: CommonScanFlags & {
        intel: string[];
        defaultIntel: boolean;
        db?: string | false;
        format?: string;
        output?: string;
        failOn?: Severity | 'none';
        color: boolean;
        timeline?: boolean;
      },
    ) => {
      const format = pickFormat(o.format, o.output, Boolean(process.stdout.isTTY));
      const reporter = reporterFor(format);
      if (!reporter) throw new ScanError('usage', `unknown format ${format}`);
      const db =
        o.db === false ? null : openDb(typeof o.db === 'string' ? path.resolve(o.db) : defaultDbDir());
      if (typeof o.db === 'string' && !db) throw new ScanError('usage', `no intel database at ${o.db}`);
      const outcome = await runScan({
        paths,
        intelPaths: o.intel,
        extraIntel: db ? [db.intel] : [],
        defaultIntel: o.defaultIntel,
        limits: {
          excludes: o.exclude,
          ...(o.maxFileSize !== undefined ? { maxFileSize: o.maxFileSize } : {}),
        },
        onProgress: progressReporter(o.quiet ?? false),
      });
      clearProgress(o.quiet ?? false);
      const report = buildReport(outcome);
      if (o.timeline) {
        if (format !== 'csv' && format !== 'jsonl')
          throw new ScanError('usage', '--timeline needs --format csv or jsonl');
        const rows = sigmaTimeline(report.findings);
        emit(format === 'csv' ? timelineCsv(rows) : timelineJsonl(rows), o.output);
      } else {
        emit(
          reporter.render(report, { color: o.output === undefined && useColor(process.stdout, o.color) }),
          o.output,
        );
      }
      const failOn = o.failOn;
      if (
        failOn !== undefined &&
        failOn !== 'none' &&
        report.findings.some((f) => atLeast(f.severity, failOn))
      ) {
        process.exitCode = 1;
      }
    },
  );
}
