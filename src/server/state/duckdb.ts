/** The embedded engine: a DuckDB file in the server's data folder; no setup. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { isUrgent, Mutex, plain, type Param, type Row, type SqlDb, type SqlRunner } from './sql.js';

/**
 * Parameters as both engines store them. PostgreSQL's TEXT cannot hold U+0000 (it rejects the
 * statement) while DuckDB keeps it; both turn an unpaired surrogate into U+FFFD. So U+0000 becomes
 * U+FFFD on both engines (src/server/state/pg.ts uses this too): a NUL in a bundle's host name or
 * title is stored, the same way, instead of failing one engine only.
 */
export function storableParams(params: readonly Param[]): Param[] {
  return params.map((p) => (typeof p === 'string' && p.includes('\0') ? p.replaceAll('\0', '\uFFFD') : p));
}

function runner(conn: DuckDBConnection): SqlRunner {
  return {
    async query<T extends Row = Row>(sql: string, params: readonly Param[] = []): Promise<T[]> {
      const reader = await conn.runAndReadAll(sql, params.length ? storableParams(params) : undefined);
      return reader.getRowObjectsJS().map((r) => {
        const out: Row = {};
        for (const [k, v] of Object.entries(r)) out[k] = plain(v);
        return out as T;
      });
    },
    async exec(sql: string, params: readonly Param[] = []): Promise<void> {
      await conn.run(sql, params.length ? storableParams(params) : undefined);
    },
  };
}

/**
 * The error for a query on the database (or a nested transaction) from inside a transaction: it
 * would wait for the lock the transaction holds, forever. PostgreSQL reports it the same way
 * (src/server/state/pg.ts), so the mistake shows on either engine.
 */
export function reentrantQueryError(): Error {
  return new Error(
    "state store: query on the database from inside a transaction; use the transaction's runner (the `q` argument)",
  );
}

/** Connections that serve plain reads beside the writer (see {@link openDuckDb}). */
export const DUCKDB_READERS = 2;

/** Whether a statement only reads (a plain SELECT), so it may run on a reader connection. */
export function readsOnly(sql: string): boolean {
  return /^\s*SELECT\b/i.test(sql) && !sql.includes(';');
}

/**
 * A fixed set of connections handed out one caller at a time: first come first served, except that
 * callers inside {@link urgently} (jobs) go before the others waiting.
 */
export class ConnectionPool<C> {
  private readonly idle: C[];
  private readonly waiting: ((c: C) => void)[] = [];
  private readonly waitingUrgent: ((c: C) => void)[] = [];

  constructor(private readonly all: readonly C[]) {
    this.idle = [...all];
  }

  private acquire(): Promise<C> {
    const c = this.idle.pop();
    if (c !== undefined) return Promise.resolve(c);
    const queue = isUrgent() ? this.waitingUrgent : this.waiting;
    return new Promise<C>((r) => queue.push(r));
  }

  async run<T>(fn: (c: C) => Promise<T>): Promise<T> {
    const c = await this.acquire();
    try {
      return await fn(c);
    } finally {
      const next = this.waitingUrgent.shift() ?? this.waiting.shift();
      if (next) next(c);
      else this.idle.push(c);
    }
  }

  /** Waits until every connection is free (callers already waiting go first) and keeps them. */
  async drain(): Promise<void> {
    await Promise.all(this.all.map(() => this.acquire()));
  }
}

/**
 * One writer connection behind a FIFO lock: every write and transaction runs alone, so a
 * transaction never sees another request's half-done work. Plain reads (a SELECT outside a
 * transaction) run on {@link DUCKDB_READERS} reader connections of the same database instead, so
 * they neither wait for a transaction (or a commit) nor make one wait; DuckDB's MVCC gives each
 * read the last committed state. State queries are small; evidence lives elsewhere.
 */
export async function openDuckDb(file: string): Promise<SqlDb> {
  const instance = await DuckDBInstance.create(file).catch((err: Error) => {
    // DuckDB admits one read-write process per file: say which one holds it, and what to do.
    const m = /Conflicting lock is held in .*\(PID (\d+)\)/.exec(err.message);
    if (!m) throw err;
    throw new Error(
      `${file} is in use by another process (PID ${m[1] ?? '?'}): one server per data folder ` +
        '(chainhunt admin reaches a running server by itself)',
    );
  });
  const conn = await instance.connect();
  const r = runner(conn);
  const lock = new Mutex();
  const readerConns: DuckDBConnection[] = [];
  for (let i = 0; i < DUCKDB_READERS; i++) readerConns.push(await instance.connect());
  const readers = new ConnectionPool(readerConns.map(runner));
  const inTx = new AsyncLocalStorage<true>();
  const guarded = <T>(fn: () => Promise<T>): Promise<T> =>
    inTx.getStore() ? Promise.reject(reentrantQueryError()) : lock.run(fn);
  let closed = false;
  return {
    engine: 'duckdb',
    query: <T extends Row = Row>(sql: string, params?: readonly Param[]): Promise<T[]> => {
      if (inTx.getStore()) return Promise.reject(reentrantQueryError());
      if (!closed && readsOnly(sql)) return readers.run((c) => c.query<T>(sql, params));
      return guarded(() => r.query<T>(sql, params));
    },
    exec: (sql, params) => guarded(() => r.exec(sql, params)),
    tx: (fn) =>
      guarded(() =>
        inTx.run(true, async () => {
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
      ),
    close: () =>
      lock.run(async () => {
        if (closed) return;
        closed = true;
        await readers.drain();
        for (const c of readerConns) c.closeSync();
        conn.closeSync();
        instance.closeSync();
      }),
  };
}
