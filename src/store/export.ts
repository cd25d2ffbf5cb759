/** Export of stored observations as Parquet (one file per table) or JSONL (one observation per line). */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { OBS_TABLES } from './schema.js';
import type { EvidenceStore } from './store.js';

export async function exportStore(
  store: EvidenceStore,
  outDir: string,
  format: 'parquet' | 'jsonl',
): Promise<{ table: string; file: string; rows: number }[]> {
  mkdirSync(outDir, { recursive: true });
  const out: { table: string; file: string; rows: number }[] = [];
  for (const t of [...OBS_TABLES, 'bundles'] as const) {
    const file = path.resolve(outDir, `${t}.${format}`);
    const quoted = file.replace(/'/g, "''");
    const rows = Number((await store.conn.runAndReadAll(`SELECT count(*) FROM ${t}`)).getRows()[0]?.[0] ?? 0);
    if (format === 'parquet')
      await store.conn.run(`COPY (SELECT * FROM ${t}) TO '${quoted}' (FORMAT parquet)`);
    else if (t === 'bundles')
      await store.conn.run(`COPY (SELECT * FROM bundles) TO '${quoted}' (FORMAT json)`);
    else
      await store.conn.run(
        `COPY (SELECT obs FROM ${t}) TO '${quoted}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\\x1f')`,
      );
    out.push({ table: t, file, rows });
  }
  return out;
}
