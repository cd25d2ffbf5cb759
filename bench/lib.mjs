// Shared helpers for benchmark suites: timing, peak memory, and writing results.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(benchDir, '..');
export const sharedData = path.resolve(repoRoot, '..', 'shared', 'data');

/** Runs fn repeatedly for at least minMs and returns ops/s (fn returns the number of ops it did). */
export function opsPerSecond(fn, minMs = 500) {
  let ops = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    ops += fn();
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (ops * 1000) / elapsed;
}

/** Time one async or sync call in ms. */
export async function timeIt(fn) {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** Peak RSS of this process so far, in MiB. */
export function peakRssMiB() {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

/**
 * Writes bench/results/<name>.json and a Markdown table <name>.md.
 * rows: array of flat objects (same keys); meta: free-form object.
 */
export function writeResults(name, rows, meta = {}) {
  const dir = path.join(benchDir, 'results');
  mkdirSync(dir, { recursive: true });
  const doc = { suite: name, date: new Date().toISOString(), node: process.version, cpus: 2, ...meta, rows };
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(doc, null, 2) + '\n');
  const keys = rows.length ? Object.keys(rows[0]) : [];
  const md = [
    `# ${name}`,
    '',
    `${doc.date}, Node ${process.version}`,
    '',
    keys.length ? `| ${keys.join(' | ')} |` : '',
    keys.length ? `| ${keys.map(() => '---').join(' | ')} |` : '',
    ...rows.map((r) => `| ${keys.map((k) => String(r[k])).join(' | ')} |`),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, `${name}.md`), md);
  console.table(rows);
}
