/** The embedded engine: a DuckDB file in the server's data folder; no setup. */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Mutex, type Param, type Row, type SqlDb, type SqlRunner } from './sql.js';

function plain(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v);
}

function runner(conn: DuckDBConnection): SqlRunner {
  return {
    async query<T extends Row = Row>(sql: string, params: readonly Param[] = []): Promise<T[]> {
      const reader = await conn.runAndReadAll(sql, params.length ? [...params] : undefined);
      return reader.getRowObjectsJS().map((r) => {
        const out: Row = {};
        for (const [k, v] of Object.entries(r)) out[k] = plain(v);
        return out as T;
      });
    },
    async exec(sql: string, params: readonly Param[] = []): Promise<void> {
      await conn.run(sql, params.length ? [...params] : undefined);
    },
  };
}

/**
 * One connection behind a FIFO lock: every query and transaction runs alone, so a transaction
 * never sees another request's half-done work. State queries are small; evidence lives elsewhere.
 */
export async function openDuckDb(file: string): Promise<SqlDb> {
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  const r = runner(conn);
  const lock = new Mutex();
  return {
    engine: 'duckdb',
    query: (sql, params) => lock.run(() => r.query(sql, params)),
    exec: (sql, params) => lock.run(() => r.exec(sql, params)),
    tx: (fn) =>
      lock.run(async () => {
        await conn.run('BEGIN TRANSACTION');
        try {
          const out = await fn(r);
          await conn.run('COMMIT');
          return out;
        } catch (err) {
          await conn.run('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
    close: () =>
      lock.run(async () => {
        conn.closeSync();
        instance.closeSync();
        await Promise.resolve();
      }),
  };
}
