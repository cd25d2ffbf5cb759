/**
 * The SQL seam of the server's state store: one small interface, two engines (embedded DuckDB by
 * default, PostgreSQL when a database URL is given). The state store's SQL is written once in the
 * dialect both engines share (`$1` parameters, TEXT/BIGINT/BOOLEAN, ISO-8601 text times,
 * `ON CONFLICT`, `RETURNING`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** A row: column name to a plain JS value (strings, numbers, booleans, null). */
export type Row = Record<string, string | number | boolean | null>;
export type Param = string | number | boolean | null;

/** Queries on one connection or inside one transaction. */
export interface SqlRunner {
  query<T extends Row = Row>(sql: string, params?: readonly Param[]): Promise<T[]>;
  exec(sql: string, params?: readonly Param[]): Promise<void>;
}

/** A database: runs queries, and functions inside a transaction (committed, or rolled back on throw). */
export interface SqlDb extends SqlRunner {
  readonly engine: 'duckdb' | 'postgres';
  tx<T>(fn: (q: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A FIFO async lock: one holder at a time. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const prev = this.tail;
    this.tail = prev.then(() => next);
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

const urgentWork = new AsyncLocalStorage<true>();

/**
 * Runs `fn` (a background job) with its reads served ahead of other callers' where an engine
 * queues reads for a connection (the embedded engine's reader connections), so a steady stream of
 * API reads cannot starve the jobs. It changes no result, only the order of waiting reads.
 */
export function urgently<T>(fn: () => Promise<T>): Promise<T> {
  return urgentWork.run(true, fn);
}

/** Whether the caller runs inside {@link urgently}. */
export function isUrgent(): boolean {
  return urgentWork.getStore() === true;
}

/** A value read from either engine as a plain JS value. */
export function plain(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  // Not in the state schema (TEXT, BIGINT, BOOLEAN), but never `[object Object]`: lists, structs,
  // decimals and the like as JSON.
  if (typeof v === 'object')
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
  return null;
}
