/** The PostgreSQL engine (node-postgres pool), used when `--database-url` is given. */
import pg from 'pg';
import type { Param, Row, SqlDb, SqlRunner } from './sql.js';

function plain(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

// BIGINT and NUMERIC come back as strings by default; our counters fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

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
      return rows<T>(await c.query(sql, [...params]));
    },
    async exec(sql: string, params: readonly Param[] = []): Promise<void> {
      await c.query(sql, [...params]);
    },
  };
}

/** Connects to PostgreSQL at `url` (postgres://user:pass@host:port/db). */
export async function openPostgres(url: string): Promise<SqlDb> {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  // Fail fast on a wrong URL instead of at the first request.
  const c = await pool.connect();
  c.release();
  const r = runner(pool);
  return {
    engine: 'postgres',
    query: (sql, params) => r.query(sql, params),
    exec: (sql, params) => r.exec(sql, params),
    async tx<T>(fn: (q: SqlRunner) => Promise<T>): Promise<T> {
      // Serializable, retried on serialization failures and deadlocks: the same guarantee the
      // embedded engine gives by running transactions one at a time.
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
          const out = await fn(runner(client));
          await client.query('COMMIT');
          return out;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          const code = (err as { code?: string }).code;
          if ((code === '40001' || code === '40P01') && attempt < 8) continue;
          throw err;
        } finally {
          client.release();
        }
      }
    },
    close: () => pool.end(),
  };
}
