/** `chainhunt ingest`, `hunt` and `export`: the evidence store. */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { ScanError } from '../../core/errors.js';
import { defaultDbDir, openDb } from '../../intel-db/db.js';
import { importers } from '../../intel/index.js';
import { reporterFor } from '../../reporters/index.js';
import { DEFAULT_LIMITS } from '../../scan/limits.js';
import { loadIntel, mergeIntel } from '../../scan/load-intel.js';
import { buildReport } from '../../scan/report.js';
import { StatusBook } from '../../scan/status.js';
import { exportStore } from '../../store/export.js';
import { hunt } from '../../store/hunt.js';
import { ingest } from '../../store/ingest.js';
import { EvidenceStore } from '../../store/store.js';
import { clearProgress, emit, pickFormat, progressReporter, useColor } from '../io.js';
import { collect } from '../options.js';
import { addWalkOptions, type CommonScanFlags } from './scan.js';

export function registerStoreCommands(program: Command): void {
  const ing = program
    .command('ingest')
    .description(
      'collect observations from evidence into the evidence store (re-ingesting a bundle adds nothing)',
    )
    .argument('<paths...>', 'evidence paths (bundles with chainhunt-host.json)')
    .requiredOption('--store <dir>', 'evidence store folder')
    .option('--format <format>', 'table or json', 'table');
  addWalkOptions(ing);
  ing.action(async (paths: string[], o: CommonScanFlags & { store: string; format: string }) => {
    const store = await EvidenceStore.open(o.store, { write: true });
    try {
      const r = await ingest(store, paths, {
        limits: {
          excludes: o.exclude,
          ...(o.maxFileSize !== undefined ? { maxFileSize: o.maxFileSize } : {}),
        },
        onProgress: progressReporter(o.quiet ?? false),
      });
      clearProgress(o.quiet ?? false);
      if (o.format === 'json') emit(`${JSON.stringify(r, null, 2)}\n`, undefined);
      else {
        for (const b of r.bundles)
          emit(
            `${b.status.padEnd(9)} ${b.tenant ? `${b.tenant} / ` : ''}${b.host}: ${b.observations} observations, ${b.files} files (bundle ${b.bundleId.slice(0, 12)})\n`,
            undefined,
          );
        if (r.issues.length) emit(`${r.issues.length} input issues (see --format json)\n`, undefined);
      }
    } finally {
      await store.close();
    }
  });

  program
    .command('hunt')
    .description(
      'evaluate current intel against the stored evidence of the whole fleet, marking new findings',
    )
    .requiredOption('--store <dir>', 'evidence store folder')
    .option('--intel <path>', 'intel to load (repeatable)', collect, [])
    .option('--no-default-intel', 'do not load the shipped intel packs')
    .option('--db <dir>', 'offline intel database (default: used when it exists)')
    .option('--no-db', 'do not use the offline intel database')
    .option('--tenant <tenant>', 'only this tenant')
    .option('--host <host>', 'only this host')
    .option('--since <time>', 'contacts and events at or after this ISO time')
    .option('--until <time>', 'contacts and events at or before this ISO time')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'sarif', 'csv']))
    .option('-o, --output <file>', 'write to a file')
    .option('--no-color', 'no ANSI colours')
    .action(
      async (o: {
        store: string;
        intel: string[];
        defaultIntel: boolean;
        db?: string | false;
        tenant?: string;
        host?: string;
        since?: string;
        until?: string;
        format?: string;
        output?: string;
        color: boolean;
      }) => {
        for (const t of [o.since, o.until])
          if (t !== undefined && Number.isNaN(Date.parse(t)))
            throw new ScanError('usage', `not an ISO time: ${t}`);
        const format = pickFormat(o.format, o.output, Boolean(process.stdout.isTTY));
        const reporter = reporterFor(format);
        if (!reporter) throw new ScanError('usage', `unknown format ${format}`);
        const loaded = await loadIntel(o.intel, {
          withDefaults: o.defaultIntel,
          importers,
          limits: DEFAULT_LIMITS,
          signal: new AbortController().signal,
          status: new StatusBook(),
        });
        const db =
          o.db === false ? null : openDb(typeof o.db === 'string' ? path.resolve(o.db) : defaultDbDir());
        const intel = db ? mergeIntel([loaded.intel, db.intel], loaded.issues) : loaded.intel;
        const store = await EvidenceStore.open(o.store, { write: true });
        try {
          const filters = {
            ...(o.tenant !== undefined ? { tenant: o.tenant } : {}),
            ...(o.host !== undefined ? { host: o.host } : {}),
            ...(o.since !== undefined ? { since: new Date(o.since).toISOString() } : {}),
            ...(o.until !== undefined ? { until: new Date(o.until).toISOString() } : {}),
          };
          const outcome = await hunt(store, intel, filters);
          outcome.issues.unshift(...loaded.issues);
          const report = buildReport(outcome);
          emit(
            reporter.render(report, { color: o.output === undefined && useColor(process.stdout, o.color) }),
            o.output,
          );
        } finally {
          await store.close();
        }
      },
    );

  program
    .command('export')
    .description('export stored observations as Parquet or JSONL (one file per table)')
    .requiredOption('--store <dir>', 'evidence store folder')
    .requiredOption('-o, --output <dir>', 'output folder')
    .addOption(
      new Option('--format <format>', 'parquet or jsonl').choices(['parquet', 'jsonl']).default('jsonl'),
    )
    .action(async (o: { store: string; output: string; format: 'parquet' | 'jsonl' }) => {
      const store = await EvidenceStore.open(o.store, { write: false });
      try {
        for (const r of await exportStore(store, o.output, o.format))
          emit(`${r.table}: ${r.rows} rows → ${r.file}\n`, undefined);
      } finally {
        await store.close();
      }
    });
}
