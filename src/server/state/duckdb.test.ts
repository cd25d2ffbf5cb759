/** The embedded engine's reader connections: which statements go there, and in what order. */
import { describe, expect, it } from 'vitest';
import { ConnectionPool, readsOnly } from './duckdb.js';
import { urgently } from './sql.js';

describe('readsOnly', () => {
  it('takes plain SELECTs, whatever their case and leading space', () => {
    expect(readsOnly('SELECT * FROM jobs WHERE id = $1')).toBe(true);
    expect(readsOnly('\n   select count(*) AS n FROM findings')).toBe(true);
    // Column names that contain a keyword are not writes.
    expect(readsOnly('SELECT updated_at, deleted FROM jobs')).toBe(true);
  });

  it('keeps every write, CTE and multi-statement text on the writer', () => {
    expect(readsOnly(`UPDATE jobs SET state = 'running' WHERE id = $1 RETURNING *`)).toBe(false);
    expect(readsOnly('INSERT INTO tenants VALUES ($1, $2, $3) RETURNING id')).toBe(false);
    expect(readsOnly('DELETE FROM sessions WHERE id = $1 RETURNING id')).toBe(false);
    expect(readsOnly('WITH x AS (SELECT 1) SELECT * FROM x')).toBe(false);
    expect(readsOnly('SELECT 1; DELETE FROM jobs')).toBe(false);
    expect(readsOnly('  -- SELECT\nUPDATE jobs SET state = 1')).toBe(false);
    expect(readsOnly('')).toBe(false);
  });
});

describe('ConnectionPool', () => {
  it('hands a freed connection to an urgent waiter (a job) before earlier ordinary waiters', async () => {
    const pool = new ConnectionPool(['c1']);
    const order: string[] = [];
    let release!: () => void;
    let started!: () => void;
    const holding = new Promise<void>((r) => (started = r));
    const held = pool.run(
      () =>
        new Promise<void>((r) => {
          release = r;
          started();
        }),
    );
    await holding;
    const a = pool.run((c) => Promise.resolve(order.push(`a:${c}`)));
    const b = pool.run((c) => Promise.resolve(order.push(`b:${c}`)));
    const job = urgently(() => pool.run((c) => Promise.resolve(order.push(`job:${c}`))));
    release();
    await Promise.all([held, a, b, job]);
    expect(order).toEqual(['job:c1', 'a:c1', 'b:c1']);
  });

  it('serves waiters first come first served otherwise, and drains only once all are back', async () => {
    const pool = new ConnectionPool(['c1', 'c2']);
    const order: string[] = [];
    const gates: (() => void)[] = [];
    const hold = (name: string): Promise<void> =>
      pool.run(
        () =>
          new Promise<void>((r) => {
            order.push(`start ${name}`);
            gates.push(() => {
              order.push(`end ${name}`);
              r();
            });
          }),
      );
    const runs = [hold('x'), hold('y'), hold('z')];
    let drained = false;
    const drain = pool.drain().then(() => (drained = true));
    await Promise.resolve();
    expect(order).toEqual(['start x', 'start y']);
    gates.shift()?.();
    await runs[0];
    await Promise.resolve();
    expect(order).toEqual(['start x', 'start y', 'end x', 'start z']);
    gates.shift()?.();
    gates.shift()?.();
    await Promise.all(runs);
    await drain;
    expect(drained).toBe(true);
  });
});
