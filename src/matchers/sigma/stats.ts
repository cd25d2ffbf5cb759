/** Loading rule directories and compile statistics (`chainhunt intel stats`). */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DetectionRule } from '../../core/intel.js';
import type { Issue } from '../../core/issue.js';
import { parseSigmaFile } from '../../intel/sigma/parse.js';
import { decodeText } from '../../util/text.js';
import { SigmaEngine, type SigmaEngineOptions } from './engine.js';

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
  }
}

/** Loads every Sigma rule under the given files/directories. */
export async function loadSigmaRules(
  paths: readonly string[],
): Promise<{ rules: DetectionRule[]; issues: Issue[]; files: number }> {
  const files: string[] = [];
  for (const p of paths) {
    if (/\.ya?ml$/i.test(p)) files.push(p);
    else await walk(p, files);
  }
  const rules: DetectionRule[] = [];
  const issues: Issue[] = [];
  for (const f of files) {
    const text = decodeText(await readFile(f));
    if (!text) {
      issues.push({ code: 'encoding', file: f, message: 'not valid text', pluginId: 'intel/sigma' });
      continue;
    }
    const r = parseSigmaFile(text.text, f);
    rules.push(...r.rules);
    issues.push(...r.issues);
  }
  return { rules, issues, files: files.length };
}

/** Compile statistics of a rule directory. */
export interface CompileStats {
  /** Rule documents found (including ones that failed to load). */
  total: number;
  compiled: number;
  unsupported: { file: string; reason: string }[];
  /** Compiled rules whose logsource has no route in the mappings (listed, not counted as failures). */
  unrouted: { file: string; logsource: string }[];
}

/**
 * Loads and compiles every rule under `rulesDir` (one path or several) and reports what compiled.
 * @example
 * const s = await compileStats('../shared/data/sigma/rules');
 * console.log(`${s.compiled}/${s.total}`);
 */
export async function compileStats(
  rulesDir: string | readonly string[],
  opts: SigmaEngineOptions = {},
): Promise<CompileStats> {
  const { rules, issues } = await loadSigmaRules(typeof rulesDir === 'string' ? [rulesDir] : rulesDir);
  const engine = new SigmaEngine(rules, opts);
  const loadFailures = issues
    .filter((i) => i.code !== 'empty')
    .map((i) => ({ file: i.file ?? '', reason: i.message }));
  return {
    total: engine.stats.total + loadFailures.length,
    compiled: engine.stats.compiled,
    unsupported: [
      ...loadFailures,
      ...engine.stats.unsupported.map((u) => ({ file: u.file, reason: u.reason })),
    ],
    unrouted: engine.stats.unrouted.map((u) => ({ file: u.file, logsource: u.logsource })),
  };
}

/** Renders compile statistics as text for `chainhunt intel stats` (one line per unsupported rule). */
export function formatCompileStats(s: CompileStats): string {
  const pct = s.total ? ((100 * s.compiled) / s.total).toFixed(2) : '0.00';
  const lines = [
    `sigma rules: ${s.total} total, ${s.compiled} compiled (${pct}%), ${s.unsupported.length} unsupported, ${s.unrouted.length} compiled but unrouted`,
  ];
  for (const u of [...s.unsupported].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)))
    lines.push(`  unsupported  ${u.file}: ${u.reason}`);
  const byLs = new Map<string, number>();
  for (const u of s.unrouted) byLs.set(u.logsource, (byLs.get(u.logsource) ?? 0) + 1);
  for (const [ls, n] of [...byLs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)))
    lines.push(`  unrouted     ${n} × ${ls}`);
  return lines.join('\n') + '\n';
}
