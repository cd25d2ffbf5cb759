/**
 * Thin typed wrapper over yara-x through `@litko/yara-x` 0.3.0 (napi-rs; its prebuilt binary ships
 * in the registry package `@litko/yara-x-linux-x64-gnu`, nothing is downloaded at install time).
 * Loaded lazily; when the binary does not load on this platform, `loadYaraX()` returns null and
 * callers report an `unsupported` issue.
 */
import { createRequire } from 'node:module';

/** One matched string occurrence. */
export interface YaraXMatchData {
  offset: number;
  length: number;
  data: string;
  identifier: string;
}

/** One matching rule. */
export interface YaraXRuleMatch {
  ruleIdentifier: string;
  namespace: string;
  meta: Record<string, unknown>;
  tags: string[];
  matches: YaraXMatchData[];
}

/** External variable values (strings, integers). */
export type YaraXVariables = Record<string, string | number>;

/** Compiled rules. */
export interface YaraXRules {
  scan(data: Buffer, variables?: YaraXVariables): YaraXRuleMatch[];
  scanAsync(data: Buffer, variables?: YaraXVariables): Promise<YaraXRuleMatch[]>;
  setMaxMatchesPerPattern(n: number): void;
  getWarnings(): { code: string; message: string }[];
}

/** Compiler options used here (subset of the addon's). */
export interface YaraXCompileOptions {
  defineVariables?: Record<string, string | number>;
  enableIncludes?: boolean;
}

/** The addon's module surface used here. */
export interface YaraXModule {
  compile(source: string, options?: YaraXCompileOptions): YaraXRules;
  validate(
    source: string,
    options?: YaraXCompileOptions,
  ): { errors: { code: string; message: string; line?: number }[]; warnings: unknown[] };
}

let cached: YaraXModule | null | undefined;
let loadError = '';

/** Loads the addon once; null when it is not installed or does not load on this platform. */
export function loadYaraX(): YaraXModule | null {
  if (cached !== undefined) return cached;
  try {
    const req = createRequire(import.meta.url);
    cached = req('@litko/yara-x') as YaraXModule;
  } catch (err) {
    loadError = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    cached = null;
  }
  return cached;
}

/** Why the addon did not load (empty when it did). */
export function yaraXLoadError(): string {
  return loadError;
}
