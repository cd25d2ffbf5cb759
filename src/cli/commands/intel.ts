/** `chainhunt intel import|list|stats`: the offline intel database. */
import path from 'node:path';
import type { Command } from 'commander';
import type { IntelBundle } from '../../core/intel.js';
import {
  defaultDbDir,
  emptyDb,
  lockDb,
  mergeInto,
  openDb,
  saveDb,
  type DbSource,
} from '../../intel-db/db.js';
import { intelStats } from '../../intel-db/stats.js';
import { compileStats, formatCompileStats } from '../../matchers/sigma/index.js';
import { importers } from '../../intel/index.js';
import { DEFAULT_LIMITS } from '../../scan/limits.js';
import { loadIntel } from '../../scan/load-intel.js';
import { StatusBook } from '../../scan/status.js';
import { collect } from '../options.js';
import { registerIntelExtract } from './intel-extract.js';

function dbOf(o: { db?: string }): string {
  return o.db ? path.resolve(o.db) : defaultDbDir();
}

export function registerIntelCommand(program: Command): void {
  const intel = program.command('intel').description('manage intel: the offline database, stats');
  registerIntelExtract(intel);

  intel
    .command('import')
    .description(
      'import intel (OSV files, trees and all.zip; chainhunt packs; IOC lists; Sigma rules) into the offline database',
    )
    .argument('<paths...>', 'files, folders or archives')
    .option('--db <dir>', `database folder (default ${defaultDbDir()})`)
    .option('--force', 're-import sources whose content checksum is unchanged')
    .option('--format <format>', 'table or json', 'table')
    .action(async (paths: string[], o: { db?: string; force?: boolean; format: string }) => {
      const dir = dbOf(o);
      const unlock = lockDb(dir);
      try {
        const db = openDb(dir) ?? emptyDb();
        const rows = [];
        for (const p of paths) {
          const abs = path.resolve(p);
          const loaded = await loadIntel([abs], {
            withDefaults: false,
            importers,
            limits: DEFAULT_LIMITS,
            signal: new AbortController().signal,
            status: new StatusBook(),
          });
          const prev = db.manifest.sources.find((s) => s.path === abs);
          if (prev && prev.checksum === loaded.checksum && !o.force) {
            rows.push({
              path: abs,
              status: 'unchanged',
              checksum: loaded.checksum.slice(0, 16),
              added: 0,
              updated: 0,
              withdrawn: 0,
              issues: loaded.issues.length,
            });
            continue;
          }
          const stats = mergeInto(db.intel, loaded.intel);
          const src: DbSource = {
            path: abs,
            checksum: loaded.checksum,
            importedAt: new Date().toISOString(),
            files: loaded.files,
            advisories: loaded.intel.advisories.length,
            indicators: loaded.intel.indicators.length,
            rules: loaded.intel.rules.length,
            issues: loaded.issues.length,
          };
          db.manifest.sources = [...db.manifest.sources.filter((s) => s.path !== abs), src];
          const withdrawn = loaded.intel.advisories.filter((a) => a.withdrawn !== undefined).length;
          rows.push({
            path: abs,
            status: prev ? 'updated' : 'new',
            checksum: loaded.checksum.slice(0, 16),
            added: stats.added,
            updated: stats.updated,
            withdrawn,
            issues: loaded.issues.length,
          });
          for (const i of loaded.issues.slice(0, 20))
            process.stderr.write(`  ${i.code}: ${i.file ?? ''} ${i.message}\n`);
          if (loaded.issues.length > 20)
            process.stderr.write(`  … ${loaded.issues.length - 20} more issues\n`);
        }
        db.manifest.updatedAt = new Date().toISOString();
        saveDb(dir, db.manifest, db.intel);
        if (o.format === 'json')
          process.stdout.write(`${JSON.stringify({ db: dir, imports: rows }, null, 2)}\n`);
        else {
          for (const r of rows)
            process.stdout.write(
              `${r.status.padEnd(9)} ${r.path}  +${r.added} added, ${r.updated} updated, ${r.withdrawn} withdrawn, ${r.issues} issues (sha256 ${r.checksum}…)\n`,
            );
          process.stdout.write(
            `database ${dir}: ${db.intel.advisories.length} advisories, ${db.intel.indicators.length} indicators, ${db.intel.rules.length} rules\n`,
          );
        }
      } finally {
        unlock();
      }
    });

  intel
    .command('list')
    .description('list the sources imported into the offline database')
    .option('--db <dir>', 'database folder')
    .option('--format <format>', 'table or json', 'table')
    .action((o: { db?: string; format: string }) => {
      const db = openDb(dbOf(o));
      const sources = db?.manifest.sources ?? [];
      if (o.format === 'json') process.stdout.write(`${JSON.stringify({ db: dbOf(o), sources }, null, 2)}\n`);
      else if (!db) process.stdout.write(`no intel database at ${dbOf(o)} (chainhunt intel import PATH)\n`);
      else
        for (const s of sources)
          process.stdout.write(
            `${s.path}\n  imported ${s.importedAt}, ${s.files} files, ${s.advisories} advisories, ${s.indicators} indicators, ${s.rules} rules, sha256 ${s.checksum}\n`,
          );
    });

  intel
    .command('stats')
    .description(
      'counts of advisories, indicators and rules (database and/or --intel paths), with rule compile results',
    )
    .option('--db <dir>', 'database folder')
    .option('--no-db', 'ignore the offline database')
    .option('--intel <path>', 'also load these intel paths (repeatable)', collect, [])
    .option('--no-default-intel', 'do not load the shipped packs')
    .option('--format <format>', 'table or json', 'table')
    .action(async (o: { db?: string | false; intel: string[]; defaultIntel: boolean; format: string }) => {
      const bundles: IntelBundle[] = [];
      const loaded = await loadIntel(o.intel, {
        withDefaults: o.defaultIntel,
        importers,
        limits: DEFAULT_LIMITS,
        signal: new AbortController().signal,
        status: new StatusBook(),
      });
      bundles.push(loaded.intel);
      if (o.db !== false) {
        const db = openDb(typeof o.db === 'string' ? path.resolve(o.db) : defaultDbDir());
        if (db) bundles.push(db.intel);
      }
      const stats = intelStats(bundles, loaded.issues);
      // Sigma rules in the --intel paths: how many compile, and why the others do not.
      const sigma = stats.rules.byFormat['sigma'] || o.intel.length ? await compileStats(o.intel) : null;
      if (o.format === 'json')
        process.stdout.write(`${JSON.stringify({ ...stats, ...(sigma ? { sigma } : {}) }, null, 2)}\n`);
      else
        process.stdout.write(
          renderStats(stats) + (sigma && sigma.total > 0 ? formatCompileStats(sigma) : ''),
        );
    });
}

function renderStats(s: ReturnType<typeof intelStats>): string {
  const lines = [
    `advisories: ${s.advisories.total} (${s.advisories.withdrawn} withdrawn, ${s.advisories.malicious} malicious)`,
  ];
  for (const [k, v] of Object.entries(s.advisories.byEcosystem)) lines.push(`  ${k}: ${v}`);
  lines.push(`indicators: ${s.indicators.total}`);
  for (const [k, v] of Object.entries(s.indicators.byType)) lines.push(`  ${k}: ${v}`);
  lines.push(`rules: ${s.rules.total}`);
  for (const [k, v] of Object.entries(s.rules.byFormat)) lines.push(`  ${k}: ${v}`);
  lines.push(`rule files reported unsupported or invalid: ${s.rules.rejected.length}`);
  for (const r of s.rules.rejected.slice(0, 50)) lines.push(`  ${r.file}: ${r.reason}`);
  if (s.rules.rejected.length > 50) lines.push(`  … ${s.rules.rejected.length - 50} more (--format json)`);
  return `${lines.join('\n')}\n`;
}
