/**
 * The YARA scan as a {@link ThreadScanner}: built once per read thread by the runner's hashing
 * pool (docs/decisions/0010-content-scan-on-read-threads.md), which compiles the rule files there
 * and scans each file's bytes right after hashing them. The matcher builds one on the main thread
 * when there are no read threads. Results are compact and structured-cloneable: per matching rule,
 * its file namespace, meta, tags, the first string matches and their total.
 */
import type { DetectionRule } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import type { ThreadScanner } from '../../core/plugin.js';
import { compileYaraRules, YARA_MATCHER_ID, type RulePack } from './compile.js';
import type { YaraXVariables } from './engine.js';
import { variablesFor } from './variables.js';

/** Most string occurrences kept per matching rule (the total is always given). */
export const MAX_EVIDENCE_STRINGS = 32;

/** What every thread is given. */
export interface YaraThreadInit {
  rules: DetectionRule[];
  maxMatchesPerPattern: number;
}

/** What building the scanner reported: compile issues and how many rule files compiled. */
export interface YaraThreadInfo {
  issues: Issue[];
  files: number;
}

/** One matching rule, ready for a finding. */
export interface YaraMatch {
  rule: string;
  /** The rule file's namespace. */
  namespace: string;
  meta: Record<string, unknown>;
  tags: string[];
  /** The first {@link MAX_EVIDENCE_STRINGS} string matches. */
  strings: { identifier: string; offset: number; length: number }[];
  /** All string matches recorded (bounded per pattern by `maxMatchesPerPattern`). */
  stringMatches: number;
}

/** One file's scan: matches plus problems with this file (or the reason the scan failed). */
export type YaraScanResult = { matches: YaraMatch[]; issues: Issue[] } | { error: string };

/** A compiled rule set that scans bytes. */
export interface YaraScanner {
  info: YaraThreadInfo;
  scan(content: Buffer, path: string): YaraScanResult;
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/**
 * Whether @litko/yara-x 0.3.0 would read this string value as a boolean or an integer (it parses
 * string variable values: `true`/`false` in any case, and whole numbers that fit in 64 bits) and
 * then refuse it for a string variable.
 */
export function misreadByBinding(value: string): boolean {
  if (/^(true|false)$/i.test(value)) return true;
  if (!/^[+-]?\d+$/.test(value)) return false;
  const n = BigInt(value);
  return n >= I64_MIN && n <= I64_MAX;
}

/** Shape check for a result that crossed a thread boundary. */
export function isYaraScanResult(x: unknown): x is YaraScanResult {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return typeof o['error'] === 'string' || (Array.isArray(o['matches']) && Array.isArray(o['issues']));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

function scanPacks(packs: readonly RulePack[], content: Buffer, path: string): YaraScanResult {
  const issues: Issue[] = [];
  const vars: YaraXVariables = { ...variablesFor(path, content) };
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v === 'string' && misreadByBinding(v)) {
      vars[k] = '';
      issues.push(
        issue(
          'unsupported',
          `YARA variable ${k} scanned as "" (yara-x 0.3.0 reads the value ${JSON.stringify(v)} as a boolean or integer)`,
          { file: path, pluginId: YARA_MATCHER_ID },
        ),
      );
    }
  }
  const matches: YaraMatch[] = [];
  try {
    for (const p of packs) {
      for (const m of p.rules.scan(content, vars)) {
        matches.push({
          rule: m.ruleIdentifier,
          namespace: p.namespaceOf.get(m.ruleIdentifier) ?? m.namespace,
          meta: m.meta,
          tags: m.tags,
          strings: m.matches
            .slice(0, MAX_EVIDENCE_STRINGS)
            .map((d) => ({ identifier: d.identifier, offset: d.offset, length: d.length })),
          stringMatches: m.matches.length,
        });
      }
    }
  } catch (err) {
    return { error: errorText(err) };
  }
  return { matches, issues };
}

/** Compiles the rule files (never throws: problems are `info.issues`) and returns the scanner. */
export function createYaraScanner(init: YaraThreadInit): YaraScanner {
  const c = compileYaraRules(init.rules);
  for (const p of c.packs) p.rules.setMaxMatchesPerPattern(init.maxMatchesPerPattern);
  return {
    info: { issues: c.issues, files: c.files.length },
    scan: (content, path) => scanPacks(c.packs, content, path),
  };
}

/** The read threads' entry point (the module named by `ThreadScanSpec.module`). */
export function createThreadScanner(init: unknown): ThreadScanner {
  return createYaraScanner(init as YaraThreadInit);
}
