/**
 * The evidence store: an embedded DuckDB database per store folder. One writer at a time (a lock
 * file with a clear message for the second); every ingest is one transaction, so a killed ingest
 * leaves whole bundles or none; rows of an uncommitted ingest can never be seen.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ScanError } from '../core/errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

export const DB_FILE = 'evidence.duckdb';

/** An open store. Close it when done. */
export class EvidenceStore {
  private constructor(
    readonly dir: string,
    readonly conn: DuckDBConnection,
    private readonly instance: DuckDBInstance,
    private readonly unlock: (() => void) | null,
  ) {}

  /** Opens (creating when `write`) the store in `dir`, migrating the schema when writing. */
  static async open(dir: string, opts: { write: boolean }): Promise<EvidenceStore> {
    const file = path.join(dir, DB_FILE);
    if (!opts.write && !existsSync(file))
      throw new ScanError('usage', `no evidence store at ${dir} (chainhunt ingest PATH --store ${dir})`);
    let unlock: (() => void) | null = null;
    if (opts.write) {
      mkdirSync(dir, { recursive: true });
      unlock = takeLock(dir);
    }
    try {
      const instance = await DuckDBInstance.create(file, opts.write ? {} : { access_mode: 'READ_ONLY' });
      const conn = await instance.connect();
      const store = new EvidenceStore(dir, conn, instance, unlock);
      if (opts.write) await store.migrate();
      else await store.checkVersion();
      return store;
    } catch (err) {
      unlock?.();
      if (err instanceof ScanError) throw err;
      const msg = (err as Error).message;
      if (/lock/i.test(msg))
        throw new ScanError(
          'config',
          `evidence store ${dir} is in use by another process (${msg.split('\n')[0]})`,
        );
      throw new ScanError('io', `cannot open evidence store ${dir}: ${msg.split('\n')[0]}`);
    }
  }

  private async version(): Promise<number> {
    const t = await this.conn.runAndReadAll(
      `SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'`,
    );
    if (Number(t.getRows()[0]?.[0] ?? 0) === 0) return 0;
    const r = await this.conn.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema_version'`);
    return Number(r.getRows()[0]?.[0] ?? 0);
  }

  private async checkVersion(): Promise<void> {
    const v = await this.version();
    if (v !== SCHEMA_VERSION)
      throw new ScanError(
        'config',
        `evidence store ${this.dir} has schema ${v}, this chainhunt expects ${SCHEMA_VERSION}; run an ingest to migrate`,
      );
  }

  /** Applies pending migrations, each in its own transaction. */
  private async migrate(): Promise<void> {
    let v = await this.version();
    if (v > SCHEMA_VERSION)
      throw new ScanError(
        'config',
        `evidence store ${this.dir} has schema ${v}, newer than this chainhunt (${SCHEMA_VERSION})`,
      );
    while (v < SCHEMA_VERSION) {
      await this.conn.run('BEGIN TRANSACTION');
      for (const sql of MIGRATIONS[v]!) await this.conn.run(sql);
      await this.conn.run(`INSERT OR REPLACE INTO meta VALUES ('schema_version', '${v + 1}')`);
      await this.conn.run('COMMIT');
      v++;
    }
  }

  close(): Promise<void> {
    try {
      this.conn.closeSync();
      this.instance.closeSync();
    } finally {
      this.unlock?.();
    }
    return Promise.resolve();
  }
}

function takeLock(dir: string): () => void {
  const lock = path.join(dir, 'write.lock');
  const tryTake = (): number | null => {
    try {
      return openSync(lock, 'wx');
    } catch {
      return null;
    }
  };
  let fd = tryTake();
  if (fd === null) {
    // A lock left by a killed writer is stale when its pid no longer runs.
    const holder = safeRead(lock);
    const pid = Number(/pid (\d+)/.exec(holder)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
      rmSync(lock, { force: true });
      fd = tryTake();
    }
    if (fd === null)
      throw new ScanError(
        'config',
        `evidence store ${dir} is being written by another process (${holder || 'unknown'}); one writer at a time`,
      );
  }
  writeSync(fd, `pid ${process.pid} since ${new Date().toISOString()}`);
  closeSync(fd);
  return () => rmSync(lock, { force: true });
}

function safeRead(p: string): string {
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
