/** Which statements the embedded engine may send to a reader connection. */
import { describe, expect, it } from 'vitest';
import { readsOnly } from './duckdb.js';

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
