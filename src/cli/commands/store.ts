/** `chainhunt ingest`, `hunt`, `search` and `export`: the evidence store. */
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
import { parseSearch, searchEvidence, storeTenants } from '../../store/search.js';
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
    .command('search')
    .description(
      'search the stored evidence, before there is intel: which hosts have (or had) a package, an app, a file, or contact with a domain or address',
    )
    .requiredOption('--store <dir>', 'evidence store folder')
    .option('--package <name>', 'package name (exact)')
    .option('--ecosystem <name>', 'with --package: npm, PyPI, Go…')
    .option('--app <text>', 'application name contains (any case)')
    // Not --version: the program's own --version flag would answer first.
    .option('--with-version <version>', 'with --package or --app: exact version')
    .option('--hash <hex>', 'file SHA-256, SHA-1 or MD5')
    .option('--domain <name>', 'contacts and DNS queries for the domain and its subdomains')
    .option('--ip <address>', 'either end of a recorded connection')
    .option('--tenant <tenant>', 'only this tenant')
    .option('--limit <n>', 'most hits (up to 5000)', (v) => Number(v), 1000)
    .option('--format <format>', 'table or json', 'table')
    .action(async (o: Record<string, string | number | undefined> & { store: string; format: string }) => {
      const parsed = parseSearch({ ...o, version: o['withVersion'] });
      if ('error' in parsed) throw new ScanError('usage', parsed.error);
      const limit = typeof o['limit'] === 'number' && Number.isFinite(o['limit']) ? o['limit'] : 1000;
      const store = await EvidenceStore.open(o.store, { write: false });
      try {
        let tenants = await storeTenants(store);
        if (typeof o['tenant'] === 'string') tenants = tenants.filter((t) => t === o['tenant']);
        const r = await searchEvidence(store, parsed.query, tenants, limit);
        if (o.format === 'json')
          emit(`${JSON.stringify({ query: parsed.query, ...r }, null, 2)}\n`, undefined);
        else {
          for (const h of r.hits)
            emit(
              `${h.latest ? 'latest' : 'older '} ${h.tenant ? `${h.tenant} / ` : ''}${h.host}  ${h.kind}  ${Object.values(
                h.detail,
              )
                .filter((v) => v !== null && v !== '')
                .join('  ')}  (collected ${h.collectedAt ?? '?'})\n`,
              undefined,
            );
          emit(`${r.hits.length}${r.truncated ? '+' : ''} hit(s)\n`, undefined);
        }
      } finally {
        await store.close();
      }
    });

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
