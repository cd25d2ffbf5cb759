/**
 * The offline intel database: a folder holding the merged intel of every import, so scans open it
 * in milliseconds instead of re-reading thousands of OSV files.
 *
 * Layout (`<db>/`): `manifest.json` (sources imported, with content checksums and counts),
 * `intel.json` (the merged IntelBundle, without what matching never reads, so it opens fast) and
 * `details.json` (per advisory id: `details` and `database_specific`, read on demand). Writes are atomic (temp file, fsync, rename; manifest
 * last), and a lock file keeps a second writer out. Updates are incremental: an advisory replaces
 * the stored one only when its `modified` is newer.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ScanError } from '../core/errors.js';
import { emptyIntel, type Advisory, type IntelBundle } from '../core/intel.js';
import { cmp } from '../core/issue.js';

export const DB_SCHEMA = 'chainhunt-intel-db/1';

/** One imported source path. */
export interface DbSource {
  /** The path as given to `intel import` (absolute). */
  path: string;
  /** sha256 over the sorted (path, sha256) of every file read. */
  checksum: string;
  importedAt: string;
  files: number;
  advisories: number;
  indicators: number;
  rules: number;
  issues: number;
}

export interface DbManifest {
  schema: typeof DB_SCHEMA;
  updatedAt: string;
  sources: DbSource[];
}

/** Default location: $CHAINHUNT_DB, else $XDG_DATA_HOME/chainhunt/intel-db, else ~/.local/share/chainhunt/intel-db. */
export function defaultDbDir(): string {
  const env = process.env['CHAINHUNT_DB'];
  if (env) return path.resolve(env);
  const xdg = process.env['XDG_DATA_HOME'];
  return path.join(
    xdg ? path.resolve(xdg) : path.join(homedir(), '.local', 'share'),
    'chainhunt',
    'intel-db',
  );
}

export interface OpenedDb {
  dir: string;
  manifest: DbManifest;
  intel: IntelBundle;
}

/** Opens a database; null when it does not exist. Throws ScanError when it exists but is unreadable. */
export function openDb(dir: string): OpenedDb | null {
  const mPath = path.join(dir, 'manifest.json');
  if (!existsSync(mPath)) return null;
  try {
    const manifest = JSON.parse(readFileSync(mPath, 'utf8')) as DbManifest;
    if (manifest.schema !== DB_SCHEMA) throw new Error(`unknown schema ${String(manifest.schema)}`);
    const intel = JSON.parse(readFileSync(path.join(dir, 'intel.json'), 'utf8')) as IntelBundle;
    return { dir, manifest, intel };
  } catch (err) {
    throw new ScanError(
      'config',
      `intel database at ${dir} is unreadable (${(err as Error).message}); remove it and import again`,
    );
  }
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Takes the writer lock; throws a clear error when another writer holds it. */
export function lockDb(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, 'write.lock');
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch {
    let holder = '';
    try {
      holder = readFileSync(lock, 'utf8').trim();
    } catch {
      /* unreadable lock: report without holder */
    }
    throw new ScanError(
      'config',
      `intel database ${dir} is being written by another process${holder ? ` (${holder})` : ''}; if none is running, remove ${lock}`,
    );
  }
  writeSync(fd, `pid ${process.pid} since ${new Date().toISOString()}`);
  closeSync(fd);
  return () => rmSync(lock, { force: true });
}

/** Merge counts of one import. */
export interface MergeStats {
  added: number;
  updated: number;
  unchanged: number;
  older: number;
  indicators: number;
  rules: number;
}

function newer(a: Advisory, b: Advisory): boolean {
  const ta = Date.parse(a.modified ?? '');
  const tb = Date.parse(b.modified ?? '');
  if (Number.isNaN(ta)) return false;
  if (Number.isNaN(tb)) return true;
  return ta > tb;
}

/** Merges `incoming` into `stored` (in place): advisories by id and `modified`, indicators and rules deduplicated. */
export function mergeInto(stored: IntelBundle, incoming: IntelBundle): MergeStats {
  const stats: MergeStats = { added: 0, updated: 0, unchanged: 0, older: 0, indicators: 0, rules: 0 };
  const byId = new Map(stored.advisories.map((a, i) => [a.id, i]));
  for (const a of incoming.advisories) {
    const i = byId.get(a.id);
    if (i === undefined) {
      byId.set(a.id, stored.advisories.length);
      stored.advisories.push(a);
      stats.added++;
    } else if (newer(a, stored.advisories[i]!)) {
      stored.advisories[i] = a;
      stats.updated++;
    } else if ((a.modified ?? '') === (stored.advisories[i]!.modified ?? '')) stats.unchanged++;
    else stats.older++;
  }
  const sources = new Set(stored.sources.map((s) => s.id));
  for (const s of incoming.sources) {
    if (sources.has(s.id)) continue;
    sources.add(s.id);
    stored.sources.push(s);
  }
  const ind = new Set(
    stored.indicators.map((x) => `${x.type}\u0000${x.value}\u0000${x.source}\u0000${x.sourceRef ?? ''}`),
  );
  for (const x of incoming.indicators) {
    const k = `${x.type}\u0000${x.value}\u0000${x.source}\u0000${x.sourceRef ?? ''}`;
    if (ind.has(k)) continue;
    ind.add(k);
    stored.indicators.push(x);
    stats.indicators++;
  }
  const rules = new Map(stored.rules.map((r, i) => [`${r.format}\u0000${r.id}`, i]));
  for (const r of incoming.rules) {
    const k = `${r.format}\u0000${r.id}`;
    const i = rules.get(k);
    if (i !== undefined) {
      stored.rules[i] = r;
      continue;
    }
    rules.set(k, stored.rules.length);
    stored.rules.push(r);
    stats.rules++;
  }
  return stats;
}

/** Prose and database-specific data of one advisory, kept out of the hot file. */
export interface AdvisoryDetails {
  details?: string;
  databaseSpecific?: unknown;
  packages?: { database_specific?: unknown; ecosystem_specific?: unknown }[];
}

/** Splits what matching reads from what it never does. */
function split(
  intel: IntelBundle,
  previous: Record<string, AdvisoryDetails>,
): { hot: IntelBundle; details: Record<string, AdvisoryDetails> } {
  const details: Record<string, AdvisoryDetails> = {};
  const advisories = intel.advisories.map((a) => {
    const { details: text, databaseSpecific, ...rest } = a;
    const d: AdvisoryDetails = previous[a.id] ?? {};
    if (text !== undefined) d.details = text;
    if (databaseSpecific !== undefined) d.databaseSpecific = databaseSpecific;
    if (rest.packages) {
      const pk = rest.packages.map(({ database_specific, ecosystem_specific, ...p }) => ({
        p,
        ds: { database_specific, ecosystem_specific },
      }));
      if (pk.some((x) => x.ds.database_specific !== undefined || x.ds.ecosystem_specific !== undefined))
        d.packages = pk.map((x) => x.ds);
      rest.packages = pk.map((x) => x.p);
    }
    if (Object.keys(d).length) details[a.id] = d;
    return rest;
  });
  return { hot: { ...intel, advisories }, details };
}

/** Details of advisories (prose, database_specific), read on demand. */
export function readDetails(dir: string): Record<string, AdvisoryDetails> {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'details.json'), 'utf8')) as Record<
      string,
      AdvisoryDetails
    >;
  } catch {
    return {};
  }
}

/** Writes the database (details, then intel, then the manifest; each atomically). */
export function saveDb(dir: string, manifest: DbManifest, intel: IntelBundle): void {
  mkdirSync(dir, { recursive: true });
  intel.advisories.sort((a, b) => cmp(a.id, b.id));
  intel.sources.sort((a, b) => cmp(a.id, b.id));
  manifest.sources.sort((a, b) => cmp(a.path, b.path));
  const { hot, details } = split(intel, readDetails(dir));
  writeAtomic(path.join(dir, 'details.json'), JSON.stringify(details));
  writeAtomic(path.join(dir, 'intel.json'), JSON.stringify(hot));
  writeAtomic(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

export function emptyDb(): { manifest: DbManifest; intel: IntelBundle } {
  return {
    manifest: { schema: DB_SCHEMA, updatedAt: new Date(0).toISOString(), sources: [] },
    intel: emptyIntel(),
  };
}
