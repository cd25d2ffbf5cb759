/**
 * Shared helpers for package-inventory collectors (lockfiles, installed trees, SBOMs): input
 * decoding with issues, line lookup, name normalisation per ecosystem, purl building and a sink
 * that merges duplicate packages and sorts its output deterministically.
 */
import { PackageURL } from 'packageurl-js';
import { parse as parseToml } from 'smol-toml';
import type { Issue, IssueCode } from '../core/issue.js';
import { cmp, issue } from '../core/issue.js';
import type { PackageObservation, SourceLocation } from '../core/observation.js';
import type { CollectorResult } from '../core/plugin.js';
import { decodeText, hasNul } from './text.js';

/** Largest lockfile or SBOM a package collector parses (bigger ones get a `too-large` issue). */
export const MAX_INVENTORY_BYTES = 128 * 1024 * 1024;

/** A package observation as a collector emits it (before the runner stamps host/collector). */
export type PackageObserved = Omit<PackageObservation, 'host' | 'tenant' | 'collectorId'>;

/** Most issues recorded per file; further ones are counted in one `limit-exceeded` issue. */
export const MAX_ISSUES_PER_FILE = 200;

/** OSV ecosystem name → purl type. */
export const PURL_TYPE_BY_ECOSYSTEM: Readonly<Record<string, string>> = {
  npm: 'npm',
  PyPI: 'pypi',
  Go: 'golang',
  'crates.io': 'cargo',
  RubyGems: 'gem',
  Packagist: 'composer',
  NuGet: 'nuget',
  Maven: 'maven',
  Hex: 'hex',
  Pub: 'pub',
  Hackage: 'hackage',
  CocoaPods: 'cocoapods',
  SwiftURL: 'swift',
  ConanCenter: 'conan',
  CRAN: 'cran',
  Debian: 'deb',
  Alpine: 'apk',
  'GitHub Actions': 'github',
};

/** purl type → OSV ecosystem name (types with no single OSV ecosystem are absent). */
export const ECOSYSTEM_BY_PURL_TYPE: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(PURL_TYPE_BY_ECOSYSTEM).map(([eco, type]) => [type, eco]),
);

/** PEP 503 normalised Python project name. */
export function pep503(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
}

/**
 * Normalises a package name the way its ecosystem compares names: PEP 503 for PyPI, lower case
 * for Packagist, `group:artifact` for Maven (callers pass it joined), otherwise as written.
 */
export function normalizeName(ecosystem: string, name: string): string {
  switch (ecosystem) {
    case 'PyPI':
      return pep503(name);
    case 'Packagist':
      return name.trim().toLowerCase();
    default:
      return name.trim();
  }
}

/**
 * Builds the purl for a package, or undefined when the name cannot form one.
 * Maven names are `group:artifact`; Go, Packagist and npm scoped names split at the last `/`.
 */
export function purlFor(
  ecosystem: string,
  name: string,
  version: string | undefined,
  qualifiers?: Record<string, string>,
): string | undefined {
  const type = PURL_TYPE_BY_ECOSYSTEM[ecosystem];
  if (type === undefined || name === '') return undefined;
  let namespace: string | undefined;
  let base = name;
  if (type === 'maven') {
    const i = name.indexOf(':');
    if (i > 0) {
      namespace = name.slice(0, i);
      base = name.slice(i + 1);
    }
  } else if (
    type === 'golang' ||
    type === 'composer' ||
    type === 'npm' ||
    type === 'swift' ||
    type === 'github'
  ) {
    const i = name.lastIndexOf('/');
    if (i > 0) {
      namespace = name.slice(0, i);
      base = name.slice(i + 1);
    }
  }
  try {
    const q = qualifiers && Object.keys(qualifiers).length > 0 ? qualifiers : undefined;
    return new PackageURL(
      type,
      namespace,
      base,
      version === '' ? undefined : version,
      q,
      undefined,
    ).toString();
  } catch {
    return undefined;
  }
}

/** 1-based line lookup over a text, built lazily and cheaply. */
export class LineIndex {
  private starts: number[] | null = null;
  constructor(readonly text: string) {}
  /** 1-based line of a character offset. */
  lineAt(offset: number): number {
    if (this.starts === null) {
      const s = [0];
      const t = this.text;
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) s.push(i + 1);
      this.starts = s;
    }
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((s[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  /** Line of the first occurrence of `needle` at or after `from`, or undefined. */
  find(needle: string, from = 0): { line: number; offset: number } | undefined {
    const i = this.text.indexOf(needle, from);
    if (i === -1) return undefined;
    return { line: this.lineAt(i), offset: i };
  }
}

/**
 * Finds a JSON member `"key": <value>` at or after `from` (trying a few occurrences of the value
 * string), for cheap line numbers in pretty-printed or minified JSON.
 */
export function findJsonMember(
  lines: LineIndex,
  key: string,
  value: string,
  from: number,
): { line: number; offset: number } | undefined {
  const needle = JSON.stringify(value);
  const text = lines.text;
  let at = from;
  for (let tries = 0; tries < 4; tries++) {
    const hit = lines.find(needle, at);
    if (!hit) return undefined;
    const before = text.slice(Math.max(0, hit.offset - key.length - 24), hit.offset).replace(/\s+/g, '');
    if (before.endsWith(`"${key}":`)) return hit;
    at = hit.offset + 1;
  }
  return undefined;
}

/**
 * 1-based lines of each TOML array-of-tables header `[[name]]` at the start of a line, in order.
 * Used to locate `[[package]]` entries without a position-aware TOML parser.
 */
export function tomlTableLines(text: string, name: string): number[] {
  const out: number[] = [];
  const lines = text.split('\n');
  const want = `[[${name}]]`;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l.startsWith(want)) {
      const rest = l.slice(want.length).trim();
      if (rest === '' || rest.startsWith('#')) out.push(i + 1);
    }
  }
  return out;
}

/** Context passed to a parse function: the file path (for issues and locations) and plugin id. */
export interface ParseContext {
  file: string;
  pluginId: string;
}

/** Collects package observations and issues for one file; merges duplicates, sorts on finish. */
export class PackageSink {
  private readonly byKey = new Map<string, PackageObserved>();
  readonly issues: Issue[] = [];
  constructor(readonly ctx: ParseContext) {}

  private dropped = 0;

  /**
   * Records an issue against the file (at most {@link MAX_ISSUES_PER_FILE}; the rest are counted).
   * Issues about the whole document (no line given) are located at line 1, where it starts;
   * `empty` issues have no position.
   */
  issue(code: IssueCode, message: string, line?: number): void {
    if (this.issues.length >= MAX_ISSUES_PER_FILE) {
      this.dropped++;
      return;
    }
    const at = line ?? (code === 'empty' ? undefined : 1);
    this.issues.push(issue(code, message, { file: this.ctx.file, line: at, pluginId: this.ctx.pluginId }));
  }

  /**
   * Adds a package. Name is normalised for the ecosystem; the purl is built unless given.
   * A package seen twice is merged: locations joined, `direct` ORed, `dev`/`optional` kept only
   * if every occurrence says so.
   */
  add(p: {
    ecosystem: string;
    name: string;
    version: string;
    line?: number | undefined;
    purl?: string | undefined;
    qualifiers?: Record<string, string> | undefined;
    direct?: boolean | undefined;
    dev?: boolean | undefined;
    optional?: boolean | undefined;
  }): void {
    const name = normalizeName(p.ecosystem, p.name);
    const version = p.version.trim();
    if (name === '' || version === '') return;
    const loc: SourceLocation = { file: this.ctx.file };
    if (p.line !== undefined) loc.line = p.line;
    const key = `${p.ecosystem}\u0000${name}\u0000${version}`;
    const prev = this.byKey.get(key);
    if (prev) {
      if (!prev.locations.some((l) => l.line === loc.line)) prev.locations.push(loc);
      if (p.direct === true) prev.direct = true;
      else if (p.direct === false && prev.direct === undefined) prev.direct = false;
      if (prev.dev === true && p.dev !== true) delete prev.dev;
      if (prev.optional === true && p.optional !== true) delete prev.optional;
      return;
    }
    const obs: PackageObserved = {
      kind: 'package',
      ecosystem: p.ecosystem,
      name,
      version,
      source: { ...loc },
      locations: [loc],
    };
    const purl = p.purl ?? purlFor(p.ecosystem, name, version, p.qualifiers);
    if (purl !== undefined) obs.purl = purl;
    if (p.direct !== undefined) obs.direct = p.direct;
    if (p.dev === true) obs.dev = true;
    if (p.optional === true) obs.optional = true;
    this.byKey.set(key, obs);
  }

  /** Number of distinct packages so far. */
  get size(): number {
    return this.byKey.size;
  }

  /** The sorted result. */
  result(): CollectorResult {
    if (this.dropped > 0) {
      this.issues.push(
        issue('limit-exceeded', `${this.dropped} more issues in this file not listed`, {
          file: this.ctx.file,
          pluginId: this.ctx.pluginId,
        }),
      );
      this.dropped = 0;
    }
    const observations = [...this.byKey.values()].sort(comparePackages);
    for (const o of observations) o.locations.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return { observations, issues: this.issues };
  }
}

/** Deterministic order for package observations. */
export function comparePackages(a: PackageObserved, b: PackageObserved): number {
  return (
    cmp(a.ecosystem, b.ecosystem) ||
    cmp(a.name, b.name) ||
    cmp(a.version, b.version) ||
    cmp(a.purl ?? '', b.purl ?? '')
  );
}

/**
 * Decodes a collector's input to text, or records why it cannot (too large, binary, bad encoding,
 * empty) and returns null.
 */
export function decodeInput(content: Uint8Array, sink: PackageSink): string | null {
  if (content.length > MAX_INVENTORY_BYTES) {
    sink.issue('too-large', `file is ${content.length} bytes; limit is ${MAX_INVENTORY_BYTES}`);
    return null;
  }
  if (hasNul(content)) {
    const d = decodeText(content);
    if (d === null || d.encoding === 'utf-8') {
      sink.issue('encoding', 'binary content (NUL bytes) in a text format');
      return null;
    }
  }
  const d = decodeText(content);
  if (d === null) {
    sink.issue('encoding', 'not valid UTF-8/UTF-16 text');
    return null;
  }
  if (d.text.trim() === '') {
    sink.issue('empty', 'file is empty');
    return null;
  }
  const nul = d.text.indexOf('\u0000');
  if (nul !== -1) {
    sink.issue('encoding', 'NUL character in text (wrong encoding?)', new LineIndex(d.text).lineAt(nul));
    return null;
  }
  return d.text;
}

/** Parses JSON, recording a `parse-error` issue (with line when the engine reports a position). */
export function parseJsonInput(text: string, sink: PackageSink): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const m = /position (\d+)/.exec(msg);
    const idx = new LineIndex(text);
    // no position (e.g. "Unexpected end of JSON input"): the problem is at the end
    const line = idx.lineAt(m ? Number(m[1]) : text.length);
    sink.issue('parse-error', `not valid JSON: ${msg}`, line);
    return undefined;
  }
}

/** Parses TOML with smol-toml, recording a `parse-error` issue on failure. */
export function parseTomlInput(text: string, sink: PackageSink): Record<string, unknown> | undefined {
  try {
    return parseToml(text);
  } catch (err) {
    const msg = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
    const lineMatch = err && typeof err === 'object' && 'line' in err ? err.line : undefined;
    sink.issue(
      'parse-error',
      `not valid TOML: ${msg}`,
      typeof lineMatch === 'number' ? lineMatch : undefined,
    );
    return undefined;
  }
}

/** Plain-object guard for untrusted parsed data. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** String value or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Array value or empty array. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Own entries of a plain object (empty for anything else). */
export function entries(v: unknown): [string, unknown][] {
  return isRecord(v) ? Object.entries(v) : [];
}

/**
 * Runs a parse function and turns any exception that escapes it into an `internal-error` issue,
 * so a collector never throws on input (defence in depth; parsers are written not to throw).
 */
export function guarded(ctx: ParseContext, fn: () => CollectorResult): CollectorResult {
  try {
    return fn();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return {
      observations: [],
      issues: [issue('internal-error', `parser failed: ${msg}`, { file: ctx.file, pluginId: ctx.pluginId })],
    };
  }
}

/** A package identity read from a purl. */
export interface PurlPackage {
  ecosystem: string;
  name: string;
  version: string | undefined;
}

/** OSV ecosystem for distro packages, from the purl `distro` qualifier (`debian-12`, `alpine-3.18`). */
function distroEcosystem(type: string, distro: string | undefined): string | undefined {
  if (distro === undefined) return undefined;
  if (type === 'deb') {
    const m = /^debian-(\d+)/i.exec(distro);
    return m ? `Debian:${m[1]}` : undefined;
  }
  if (type === 'apk') {
    const m = /^alpine-(\d+\.\d+)/i.exec(distro);
    return m ? `Alpine:v${m[1]}` : undefined;
  }
  return undefined;
}

/**
 * Reads ecosystem, name and version from a purl. Returns a string reason when the purl is
 * malformed or its type has no OSV ecosystem (e.g. `generic`, `rpm` without a known distro).
 */
export function fromPurl(purl: string): PurlPackage | string {
  let p: PackageURL;
  try {
    p = PackageURL.fromString(purl);
  } catch (err) {
    return `malformed purl: ${err instanceof Error ? err.message : String(err)}`;
  }
  const type = p.type;
  let ecosystem = ECOSYSTEM_BY_PURL_TYPE[type];
  if (type === 'deb' || type === 'apk') {
    const distro = p.qualifiers?.['distro'];
    ecosystem = distroEcosystem(type, typeof distro === 'string' ? distro : undefined) ?? ecosystem;
  }
  if (ecosystem === undefined) return `purl type "${type}" has no OSV ecosystem`;
  const ns = p.namespace ?? undefined;
  let name: string;
  if (type === 'maven') name = ns ? `${ns}:${p.name}` : p.name;
  else if (type === 'deb' || type === 'apk') name = p.name;
  else name = ns ? `${ns}/${p.name}` : p.name;
  return { ecosystem, name: normalizeName(ecosystem.split(':')[0]!, name), version: p.version ?? undefined };
}

/** One `[[package]]` entry with its string name and version, handed to a format's own logic. */
export interface TomlPackage {
  table: Record<string, unknown>;
  name: string;
  version: string;
  line: number | undefined;
}

/**
 * The walk every TOML lockfile shares (Cargo.lock, poetry.lock, pdm.lock): decode, parse, check that
 * `[[<table>]]` is an array of tables, and hand each entry with a string name and version to
 * `visit`; anything else becomes an issue with its line.
 */
export function collectTomlPackages(
  content: Uint8Array,
  file: string,
  pluginId: string,
  visit: (p: TomlPackage, sink: PackageSink) => void,
  tableName = 'package',
): CollectorResult {
  const sink = new PackageSink({ file, pluginId });
  const text = decodeInput(content, sink);
  if (text === null) return sink.result();
  const doc = parseTomlInput(text, sink);
  if (doc === undefined) return sink.result();
  if (doc[tableName] !== undefined && !Array.isArray(doc[tableName])) {
    sink.issue('invalid-value', `\`${tableName}\` is not an array of tables`);
    return sink.result();
  }
  const pkgs = arr(doc[tableName]);
  const lines = tomlTableLines(text, tableName);
  const useLines = lines.length === pkgs.length;
  pkgs.forEach((p, i) => {
    const line = useLines ? lines[i] : undefined;
    if (!isRecord(p)) {
      sink.issue('invalid-value', `${tableName} entry is not a table`, line);
      return;
    }
    const name = str(p['name']);
    const version = str(p['version']);
    if (!name || !version) {
      sink.issue('invalid-value', `${tableName} without a string name and version`, line);
      return;
    }
    visit({ table: p, name, version, line }, sink);
  });
  return sink.result();
}

/**
 * Decodes and parses a JSON lockfile whose top level must be an object (composer.lock,
 * Pipfile.lock); every failure is an issue on `sink` and gives null.
 */
export function readJsonObject(
  content: Uint8Array,
  sink: PackageSink,
): { text: string; doc: Record<string, unknown> } | null {
  const text = decodeInput(content, sink);
  if (text === null) return null;
  const doc = parseJsonInput(text, sink);
  if (doc === undefined) return null;
  if (!isRecord(doc)) {
    sink.issue('invalid-value', 'top level is not a JSON object');
    return null;
  }
  return { text, doc };
}
