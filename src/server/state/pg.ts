/** The PostgreSQL engine (node-postgres pool), used when `--database-url` is given. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { reentrantQueryError, storableParams } from './duckdb.js';
import { plain, type Param, type Row, type SqlDb, type SqlRunner } from './sql.js';

// node-postgres returns int8 (BIGINT, count(*)) and NUMERIC (sum of BIGINT) as strings; our
// counters and sizes fit in a double, and DuckDB's side turns its bigints into numbers too. Set on
// this engine's clients only, not on the process-wide `pg.types`.
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (v: string) => unknown {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format ?? 'text') as (v: string) => unknown;
  },
};

function rows<T extends Row>(res: pg.QueryResult): T[] {
  return res.rows.map((r: Record<string, unknown>) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) out[k] = plain(v);
    return out as T;
  });
}

function runner(c: pg.Pool | pg.PoolClient): SqlRunner {
  return {
    async query<T extends Row = Row>(sql: string, params: readonly Param[] = []): Promise<T[]> {
      return rows<T>(await c.query(sql, storableParams(params)));
    },
    async exec(sql: string, params: readonly Param[] = []): Promise<void> {
      await c.query(sql, storableParams(params));
    },
  };
}

/** SQLSTATEs after which the whole transaction is run again: serialization failure, deadlock. */
const RETRY = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 30;

/**
 * Connects to PostgreSQL at `url` (postgres://user:pass@host:port/db).
 *
 * Transactions are SERIALIZABLE and are run again from the start on a serialization failure or a
 * deadlock (with a short random back-off), so their outcome is that of running them one at a time,
 * as the embedded engine does. A transaction's function may therefore run more than once: it must
 * not have effects outside the database that it does not undo or reset.
 */
export async function openPostgres(url: string): Promise<SqlDb> {
  const pool = new pg.Pool({ connectionString: url, max: 8, types });
  // An idle client losing its connection (server restart) must not crash the process: the next
  // query gets a fresh connection, or fails with the reason.
  pool.on('error', () => undefined);
  // Fail fast on a wrong URL instead of at the first request.
  try {
    const c = await pool.connect();
    c.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const r = runner(pool);
  const inTx = new AsyncLocalStorage<true>();
  const guarded = <T>(fn: () => Promise<T>): Promise<T> =>
    inTx.getStore() ? Promise.reject(reentrantQueryError()) : fn();
  let closed = false;
  return {
    engine: 'postgres',
    query: (sql, params) => guarded(() => r.query(sql, params)),
    exec: (sql, params) => guarded(() => r.exec(sql, params)),
    tx: <T>(fn: (q: SqlRunner) => Promise<T>): Promise<T> =>
      guarded(async () => {
        for (let attempt = 1; ; attempt++) {
          const client = await pool.connect();
          let broken: Error | undefined;
          try {
            await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
            const out = await inTx.run(true, () => fn(runner(client)));
            await client.query('COMMIT');
            return out;
          } catch (err) {
            await client.query('ROLLBACK').catch((e: unknown) => {
              broken = e instanceof Error ? e : new Error(String(e));
            });
            const code = (err as { code?: unknown }).code;
            if (typeof code !== 'string' || !RETRY.has(code) || attempt >= MAX_ATTEMPTS) throw err;
          } finally {
            // A client whose ROLLBACK failed is in an unknown state: drop it rather than reuse it.
            client.release(broken);
          }
          await sleep(Math.random() * Math.min(2 ** attempt, 100));
        }
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
