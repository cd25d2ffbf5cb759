/**
 * Shared helpers for the JavaScript package collectors (npm-lock, yarn-lock, pnpm-lock, bun-lock,
 * node-modules): npm name validation, package URLs, dependency-spec classification, a small
 * dependency graph with reachability (direct / dev / optional), and turning records into sorted
 * {@link PackageObservation}s.
 */
import { PackageURL } from 'packageurl-js';
import { issue } from '../core/issue.js';
import type { Issue } from '../core/issue.js';
import type { Observed, SourceLocation } from '../core/observation.js';
import { decodeText } from './text.js';

/** Where a resolved JavaScript package came from. */
export type NpmSourceKind = 'registry' | 'git' | 'tarball' | 'file' | 'link' | 'workspace';

const SAFE_NAME = /^(@[A-Za-z0-9._~-]+\/)?[A-Za-z0-9._~-]+$/;
const SAFE_VERSION = /^[A-Za-z0-9.+_~-]+$/;

/** Maximum package-name length npm accepts. */
const MAX_NAME = 214;
// Characters npm has ever allowed in a name segment (legacy names may hold capitals and `~'!()*`).
const SEGMENT = /^[A-Za-z0-9._~'!()*-]+$/;

/**
 * True when `name` is a syntactically valid npm package name (legacy upper-case names allowed):
 * `name` or `@scope/name`, URL-safe characters, not starting with `.` or `_` (unscoped), at most
 * 214 characters.
 */
export function isValidNpmName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_NAME) return false;
  if (name.startsWith('@')) {
    const slash = name.indexOf('/');
    if (slash < 2 || slash === name.length - 1) return false;
    const scope = name.slice(1, slash);
    const rest = name.slice(slash + 1);
    return SEGMENT.test(scope) && SEGMENT.test(rest) && !rest.startsWith('.') && rest !== '..';
  }
  if (name.startsWith('.') || name.startsWith('_')) return false;
  return SEGMENT.test(name);
}

/**
 * The package URL of an npm package: `pkg:npm/%40scope/name@1.0.0` (the scope, with its `@`, is
 * the purl namespace). `qualifiers` carries `vcs_url` / `download_url` for non-registry packages.
 *
 * @example npmPurl('@babel/core', '7.0.0') // 'pkg:npm/%40babel/core@7.0.0'
 */
export function npmPurl(
  name: string,
  version: string | undefined,
  qualifiers?: Record<string, string>,
): string {
  // Fast path for the common case, identical to packageurl-js output (checked in npm.test.ts):
  // names are lower-cased, these characters need no percent-encoding.
  if (
    qualifiers === undefined &&
    version !== undefined &&
    version !== '' &&
    SAFE_NAME.test(name) &&
    SAFE_VERSION.test(version)
  ) {
    const lower = name.toLowerCase();
    return lower.startsWith('@') ? `pkg:npm/%40${lower.slice(1)}@${version}` : `pkg:npm/${lower}@${version}`;
  }
  let namespace: string | undefined;
  let base = name;
  if (name.startsWith('@')) {
    const slash = name.indexOf('/');
    if (slash > 0) {
      namespace = name.slice(0, slash);
      base = name.slice(slash + 1);
    }
  }
  const q = qualifiers && Object.keys(qualifiers).length > 0 ? qualifiers : undefined;
  return new PackageURL('npm', namespace, base, version || undefined, q, undefined).toString();
}

/**
 * Classifies a dependency specifier or `resolved` value (`^1.0.0`, `npm:x@1`, `git+ssh://…`,
 * `https://…/x.tgz`, `file:../x`, `link:../x`, `workspace:*`, `github:user/repo`, `user/repo#sha`).
 */
export function classifySpec(spec: string): NpmSourceKind {
  const s = spec.trim();
  if (s.startsWith('workspace:')) return 'workspace';
  if (s.startsWith('link:')) return 'link';
  if (
    s.startsWith('file:') ||
    s.startsWith('portal:') ||
    s.startsWith('./') ||
    s.startsWith('../') ||
    s.startsWith('/') ||
    s.startsWith('~/')
  )
    return 'file';
  if (
    /^(git\+|git:|github:|gitlab:|bitbucket:|gist:)/.test(s) ||
    /^ssh:\/\//.test(s) ||
    /^[\w.-]+@[\w.-]+:/.test(s)
  )
    return 'git';
  if (/^https?:\/\//.test(s)) {
    if (
      /\.git(#|$)/.test(s) ||
      /^https?:\/\/(github\.com|gitlab\.com|bitbucket\.org)\/[^/]+\/[^/]+(#|$)/.test(s)
    )
      return 'git';
    return 'tarball';
  }
  // `user/repo` or `user/repo#ref` (GitHub shorthand) — but not `@scope/name`.
  if (!s.startsWith('@') && /^[\w.-]+\/[\w.-]+(#.*)?$/.test(s)) return 'git';
  return 'registry';
}

/**
 * The package name at the end of an npm `node_modules` path (`node_modules/a/node_modules/@s/b`
 * gives `@s/b`); undefined when the path does not end in a package folder.
 */
export function nameFromNodeModulesPath(p: string): string | undefined {
  const i = p.lastIndexOf('node_modules/');
  if (i < 0) return undefined;
  const rest = p.slice(i + 'node_modules/'.length);
  if (rest.length === 0) return undefined;
  return rest;
}

/** One resolved package in a lockfile, before de-duplication. */
export interface NpmNode {
  /** Unique key in its file (lockfile path, depPath, descriptor). */
  key: string;
  name: string;
  version: string;
  /** 1-based line of the entry, when known. */
  line?: number;
  source: NpmSourceKind;
  /** `resolved` URL or other locator, for non-registry packages. */
  resolved?: string;
  /** Flags stated by the file itself (these win over computed reachability). */
  dev?: boolean;
  optional?: boolean;
  /** Keys of the nodes this one depends on (optional edges flagged). */
  deps: NpmEdge[];
  /** When true, the node is the project itself or one of its workspace projects: never emitted. */
  project?: boolean;
}

/** A dependency edge. */
export interface NpmEdge {
  to: string;
  type: 'prod' | 'dev' | 'optional' | 'peer';
}

/** A lockfile's packages and its projects (importers / workspaces). */
export interface NpmGraph {
  nodes: Map<string, NpmNode>;
  /** Projects: path (`.` for the root, `packages/b` …) to their direct edges. */
  importers: Map<string, NpmEdge[]>;
}

/** Flags computed for one node by {@link reachability}. */
export interface Reach {
  direct: boolean;
  dev: boolean;
  optional: boolean;
}

/**
 * Walks the graph from the importers: a node is `dev` when only reachable through dev edges of a
 * project, `optional` when every path to it crosses an optional edge, `direct` when a project
 * depends on it. Nodes not reachable at all are absent from the result. `only` limits the walk to
 * one importer (and the workspace projects it reaches).
 */
export function reachability(graph: NpmGraph, only?: string): Map<string, Reach> {
  const r = reachFlags(graph, only);
  const out = new Map<string, Reach>();
  let x = 0;
  for (const k of graph.nodes.keys()) {
    if (r.all[x]) out.set(k, { direct: r.direct[x] === 1, dev: !r.prod[x], optional: !r.required[x] });
    x++;
  }
  return out;
}

/** Reachability as flags per node, in `graph.nodes` iteration order. */
interface ReachFlags {
  all: Uint8Array;
  prod: Uint8Array;
  required: Uint8Array;
  direct: Uint8Array;
}

function reachFlags(graph: NpmGraph, only?: string): ReachFlags {
  // Integer ids and flat adjacency so the three walks are typed-array loops.
  const keys: string[] = [];
  const id = new Map<string, number>();
  for (const k of graph.nodes.keys()) {
    id.set(k, keys.length);
    keys.push(k);
  }
  const n = keys.length;
  const start = new Int32Array(n + 1);
  const to: number[] = [];
  const kind: number[] = []; // 0 prod/peer, 1 optional, 2 dev
  let i = 0;
  for (const node of graph.nodes.values()) {
    start[i] = to.length;
    for (const e of node.deps) {
      if (e.type === 'dev') continue; // dev dependencies of dependencies are never installed
      const t = id.get(e.to);
      if (t === undefined) continue;
      to.push(t);
      kind.push(e.type === 'optional' ? 1 : 0);
    }
    i++;
  }
  start[n] = to.length;
  const roots: { t: number; k: number }[] = [];
  for (const [path, edges] of graph.importers) {
    if (only !== undefined && path !== only) continue;
    for (const e of edges) {
      const t = id.get(e.to);
      if (t !== undefined) roots.push({ t, k: e.type === 'dev' ? 2 : e.type === 'optional' ? 1 : 0 });
    }
  }
  const walk = (skipRoot: number, skipEdge: number): Uint8Array => {
    const seen = new Uint8Array(n);
    const stack: number[] = [];
    for (const r of roots) {
      if (r.k === skipRoot || (skipEdge === 1 && r.k === 1) || seen[r.t]) continue;
      seen[r.t] = 1;
      stack.push(r.t);
    }
    while (stack.length > 0) {
      const x = stack.pop()!;
      for (let j = start[x]!; j < start[x + 1]!; j++) {
        const y = to[j]!;
        if (seen[y] || (skipEdge === 1 && kind[j] === 1)) continue;
        seen[y] = 1;
        stack.push(y);
      }
    }
    return seen;
  };
  const all = walk(-1, -1);
  const prod = walk(2, -1);
  const required = walk(-1, 1);
  const direct = new Uint8Array(n);
  for (const r of roots) direct[r.t] = 1;
  return { all, prod, required, direct };
}

/** Options shared by the JavaScript lockfile parsers. */
export interface NpmParseOptions {
  /**
   * Only report packages reachable from this project (importer path: `.` for the root,
   * `packages/b` for a workspace). Default: every package in the file.
   */
  scope?: string;
}

/** A package as one collector reports it, before it becomes an observation. */
export interface NpmRecord {
  name: string;
  version: string;
  line?: number;
  source: NpmSourceKind;
  resolved?: string;
  direct?: boolean;
  dev?: boolean;
  optional?: boolean;
}

/**
 * Turns a graph into records: file flags win, computed reachability fills the gaps; projects are
 * left out; with `scope`, unreachable nodes are left out.
 */
export function graphRecords(graph: NpmGraph, opts: NpmParseOptions = {}): NpmRecord[] {
  const haveImporters = graph.importers.size > 0;
  const scope = haveImporters ? opts.scope : undefined;
  // Fast path: no scope and the file states dev / optional for every package (npm v2/v3): only
  // `direct` is needed, which is the importers' edge targets.
  let needWalk = scope !== undefined;
  if (!needWalk) {
    for (const n of graph.nodes.values()) {
      if (!n.project && (n.dev === undefined || n.optional === undefined)) {
        needWalk = true;
        break;
      }
    }
  }
  if (!needWalk) {
    const direct = new Set<string>();
    for (const edges of graph.importers.values()) for (const e of edges) direct.add(e.to);
    const out: NpmRecord[] = [];
    for (const n of graph.nodes.values()) {
      if (n.project) continue;
      const rec: NpmRecord = { name: n.name, version: n.version, source: n.source };
      if (n.line !== undefined) rec.line = n.line;
      if (n.resolved !== undefined) rec.resolved = n.resolved;
      if (haveImporters) rec.direct = direct.has(n.key);
      if (n.dev) rec.dev = true;
      if (n.optional) rec.optional = true;
      out.push(rec);
    }
    return out;
  }
  const f = reachFlags(graph, scope);
  const out: NpmRecord[] = [];
  let x = -1;
  for (const n of graph.nodes.values()) {
    x++;
    if (n.project) continue;
    const reached = f.all[x] === 1;
    if (scope !== undefined && !reached) continue;
    const rec: NpmRecord = { name: n.name, version: n.version, source: n.source };
    if (n.line !== undefined) rec.line = n.line;
    if (n.resolved !== undefined) rec.resolved = n.resolved;
    if (haveImporters) rec.direct = f.direct[x] === 1;
    const dev = n.dev ?? (reached ? !f.prod[x] : undefined);
    const optional = n.optional ?? (reached ? !f.required[x] : undefined);
    if (dev) rec.dev = true;
    if (optional) rec.optional = true;
    out.push(rec);
  }
  return out;
}

/** purl qualifiers for a non-registry package (purl spec: `vcs_url`, `download_url`). */
function qualifiersFor(r: NpmRecord): Record<string, string> | undefined {
  if (!r.resolved) return undefined;
  if (r.source === 'git') return { vcs_url: r.resolved };
  if (r.source === 'tarball') return { download_url: r.resolved };
  return undefined;
}

/**
 * De-duplicates records by `name@version` (and source), merging flags (`dev`/`optional` only when
 * every occurrence has them, `direct` when any has) and locations, and returns sorted observations.
 */
export function toObservations(records: readonly NpmRecord[], file: string): Observed[] {
  interface Acc {
    r: NpmRecord;
    lines: number[];
    dev: boolean;
    optional: boolean;
    direct: boolean | undefined;
    sortKey: string;
  }
  const byKey = new Map<string, Acc>();
  for (const r of records) {
    const base = `${r.name}\u0000${r.version}`;
    const key =
      r.source === 'registry' && r.resolved === undefined
        ? base
        : `${base}\u0000${r.source}\u0000${r.resolved ?? ''}`;
    let a = byKey.get(key);
    if (!a) {
      a = { r, lines: [], dev: true, optional: true, direct: undefined, sortKey: key };
      byKey.set(key, a);
    }
    if (r.line !== undefined) a.lines.push(r.line);
    a.dev &&= r.dev === true;
    a.optional &&= r.optional === true;
    if (r.direct !== undefined) a.direct = (a.direct ?? false) || r.direct;
  }
  const accs = [...byKey.values()].sort((x, y) =>
    x.sortKey < y.sortKey ? -1 : x.sortKey > y.sortKey ? 1 : 0,
  );
  const out: Observed[] = [];
  for (const a of accs) {
    let locations: SourceLocation[];
    if (a.lines.length === 0) locations = [{ file }];
    else if (a.lines.length === 1) locations = [{ file, line: a.lines[0]! }];
    else locations = [...new Set(a.lines)].sort((x, y) => x - y).map((line) => ({ file, line }));
    const o: Observed = {
      kind: 'package',
      ecosystem: 'npm',
      name: a.r.name,
      version: a.r.version,
      purl: npmPurl(a.r.name, a.r.version, qualifiersFor(a.r)),
      locations,
      source: locations[0]!,
    };
    if (a.direct !== undefined) o.direct = a.direct;
    if (a.dev) o.dev = true;
    if (a.optional) o.optional = true;
    out.push(o);
  }
  return out;
}

/**
 * 1-based line numbers of JSON object keys that open an object or array (`"key": {`), for
 * pretty-printed JSON (one key per line, as npm and Bun write). A cheap line scan used to locate
 * lockfile entries without a position-tracking JSON parser; minified JSON yields no lines.
 * Only keys accepted by `want` are recorded; a key seen twice keeps its first line. With
 * `ordered`, every such key is appended there in document order instead.
 */
export function jsonKeyLines(
  text: string,
  want: (key: string) => boolean,
  ordered?: KeyLine[],
): Map<string, number> {
  const out = new Map<string, number>();
  const n = text.length;
  let pos = 0;
  let line = 0;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    line++;
    let s = pos;
    while (s < end && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s++;
    let e = end;
    while (
      e > s &&
      (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 13 || text.charCodeAt(e - 1) === 9)
    )
      e--;
    const last = text.charCodeAt(e - 1);
    if (text.charCodeAt(s) === 34 && (last === 123 || last === 91)) {
      const q = text.indexOf('"', s + 1);
      const close = closingQuote(text, s, e);
      if (q > 0 && close > 0) {
        let key = text.slice(s + 1, close);
        if (close !== q || key.includes('\\')) {
          try {
            key = JSON.parse(text.slice(s, close + 1)) as string;
          } catch {
            /* keep raw */
          }
        }
        if (ordered) ordered.push({ key, line });
        else if (!out.has(key) && want(key)) out.set(key, line);
      }
    }
    pos = end + 1;
  }
  return out;
}

/** Index of the quote closing the JSON string starting at `s` (before `e`), or -1. */
function closingQuote(text: string, s: number, e: number): number {
  for (let i = s + 1; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return i;
  }
  return -1;
}

/** Narrowing helpers for untrusted JSON. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The string-valued entries of an untrusted object (`dependencies` maps). */
export function stringEntries(v: unknown): [string, string][] {
  if (!isRecord(v)) return [];
  const out: [string, string][] = [];
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out.push([k, x]);
  return out;
}

/**
 * Splits an npm alias spec `npm:real-name@1.2.3` (or `npm:@s/x@^1`) into name and version/range;
 * undefined when `spec` is not an alias.
 */
export function parseNpmAlias(spec: string): { name: string; range: string } | undefined {
  if (!spec.startsWith('npm:')) return undefined;
  const body = spec.slice(4);
  const at = body.indexOf('@', body.startsWith('@') ? 1 : 0);
  if (at < 0) return { name: body, range: '' };
  return { name: body.slice(0, at), range: body.slice(at + 1) };
}

/** A JSON object key that opens an object or array, with its 1-based line. */
export interface KeyLine {
  key: string;
  line: number;
}

/** Every `"key": {` / `"key": [` in document order (see {@link jsonKeyLines}). */
export function jsonObjectKeys(text: string): KeyLine[] {
  const out: KeyLine[] = [];
  jsonKeyLines(text, () => true, out);
  return out;
}

/**
 * Decodes a lockfile's bytes (BOM-aware, strict UTF-8/UTF-16), returning the text or an issue
 * (`empty` for a blank file, `encoding` for bytes that are not text).
 */
export function decodeLockfile(
  content: Uint8Array,
  file: string,
  pluginId: string,
): { text: string } | { issue: Issue } {
  if (content.length === 0) return { issue: issue('empty', 'file is empty', { file, pluginId }) };
  const d = decodeText(content);
  if (!d) return { issue: issue('encoding', 'file is not valid UTF-8/UTF-16 text', { file, pluginId }) };
  if (d.text.trim().length === 0)
    return { issue: issue('empty', 'file holds only whitespace', { file, pluginId }) };
  return { text: d.text };
}
