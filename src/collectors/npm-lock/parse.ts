/**
 * Pure parser for npm's `package-lock.json` (lockfileVersion 1, 2, 3), `npm-shrinkwrap.json` and the
 * hidden `node_modules/.package-lock.json`.
 */
import { issue } from '../../core/issue.js';
import type { Issue } from '../../core/issue.js';
import type { CollectorResult } from '../../core/plugin.js';
import {
  classifySpec,
  decodeLockfile,
  graphRecords,
  isRecord,
  isValidNpmName,
  jsonKeyLines,
  jsonObjectKeys,
  nameFromNodeModulesPath,
  parseNpmAlias,
  stringEntries,
  toObservations,
} from '../../util/npm.js';
import type { NpmEdge, NpmGraph, NpmNode, NpmParseOptions, NpmSourceKind } from '../../util/npm.js';

/** Plugin id, used on issues. */
export const NPM_LOCK_ID = 'collectors/npm-lock';

/**
 * Parses an npm lockfile into package observations. Never throws: problems are issues.
 *
 * @example parseNpmLock(buf, 'app/package-lock.json').observations[0]?.purl
 */
export function parseNpmLock(content: Uint8Array, file: string, opts: NpmParseOptions = {}): CollectorResult {
  const issues: Issue[] = [];
  const at = (line?: number): { file: string; pluginId: string; line?: number } =>
    line === undefined ? { file, pluginId: NPM_LOCK_ID } : { file, pluginId: NPM_LOCK_ID, line };
  const dec = decodeLockfile(content, file, NPM_LOCK_ID);
  if ('issue' in dec) return { observations: [], issues: [dec.issue] };
  const text = dec.text;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return {
      observations: [],
      issues: [issue('parse-error', `not valid JSON: ${(e as Error).message}`, at())],
    };
  }
  if (!isRecord(doc)) {
    return { observations: [], issues: [issue('invalid-value', 'lockfile is not a JSON object', at())] };
  }
  const lv = doc['lockfileVersion'];
  if (lv !== undefined && (typeof lv !== 'number' || !Number.isInteger(lv))) {
    issues.push(issue('invalid-value', `lockfileVersion is not an integer: ${JSON.stringify(lv)}`, at()));
  } else if (typeof lv === 'number' && (lv < 1 || lv > 3)) {
    issues.push(issue('unsupported', `lockfileVersion ${lv} is not supported (1, 2 and 3 are)`, at()));
    return { observations: [], issues };
  }
  const graph: NpmGraph = { nodes: new Map(), importers: new Map() };
  if (isRecord(doc['packages'])) {
    readPackages(doc['packages'], text, graph, issues, at, opts.scope !== undefined);
  } else if (isRecord(doc['dependencies'])) {
    readV1(doc['dependencies'], text, graph, issues, at);
  } else if (doc['packages'] !== undefined || doc['dependencies'] !== undefined) {
    issues.push(issue('invalid-value', '`packages` / `dependencies` is not an object', at()));
  }
  return { observations: toObservations(graphRecords(graph, opts), file), issues };
}

type At = (line?: number) => { file: string; pluginId: string; line?: number };

/**
 * Resolves `dep` as Node does from the package at `from` (walking up `node_modules`). `nested`
 * holds the paths that have a `node_modules` folder of their own, so most lookups are one probe.
 */
function resolveFrom(
  from: string,
  dep: string,
  has: (k: string) => boolean,
  nested: Set<string>,
): string | undefined {
  let base = from;
  for (;;) {
    if (base === '') {
      const cand = `node_modules/${dep}`;
      return has(cand) ? cand : undefined;
    }
    if (nested.has(base)) {
      const cand = `${base}/node_modules/${dep}`;
      if (has(cand)) return cand;
    }
    const i = base.lastIndexOf('/node_modules/');
    base = i >= 0 ? base.slice(0, i) : '';
  }
}

function sourceOf(resolved: string | undefined): NpmSourceKind {
  if (resolved === undefined) return 'registry';
  if (
    resolved.startsWith('https://') &&
    resolved.endsWith('.tgz') &&
    resolved.includes('/-/') &&
    !resolved.includes('#')
  )
    return 'registry';
  const k = classifySpec(resolved);
  if (k === 'tarball' && isRegistryTarball(resolved)) return 'registry';
  return k;
}

/** npm `resolved` registry URLs look like `https://host/…/name/-/name-1.0.0.tgz`. */
function isRegistryTarball(url: string): boolean {
  return /\/-\/[^/]+\.tgz(\?.*)?$/.test(url);
}

function readPackages(
  pkgs: Record<string, unknown>,
  text: string,
  graph: NpmGraph,
  issues: Issue[],
  at: At,
  needEdges: boolean,
): void {
  // v2/v3 state dev / optional per entry, and `direct` needs only the projects' own edges, so
  // package-to-package edges are resolved only when a `scope` asks for reachability.
  const lines = jsonKeyLines(text, (k) => k === '' || k.startsWith('node_modules/') || !k.includes('"'));
  const entries = Object.entries(pkgs);
  const keys = new Set<string>();
  const nested = new Set<string>();
  const links = new Map<string, string>();
  for (const [k, e] of entries) {
    keys.add(k);
    const i = k.lastIndexOf('/node_modules/');
    if (i > 0) nested.add(k.slice(0, i));
    else if (i < 0 && !k.startsWith('node_modules/') && k !== '') nested.add(k);
    if (!isRecord(e) || k === '') continue;
    const resolved = e['resolved'];
    if (
      typeof resolved === 'string' &&
      (e['link'] === true || (e['version'] === undefined && Object.hasOwn(pkgs, resolved)))
    ) {
      links.set(k, resolved);
    }
  }
  const has = (k: string): boolean => keys.has(k);
  const follow = (k: string): string => {
    let cur = k;
    for (let i = 0; i < 16; i++) {
      const t = links.get(cur);
      if (t === undefined) return cur;
      cur = t;
    }
    return cur;
  };
  const addEdges = (
    from: string,
    deps: unknown,
    type: NpmEdge['type'],
    out: NpmEdge[],
    peerMeta?: Record<string, unknown>,
  ): void => {
    if (!isRecord(deps)) return;
    for (const dep in deps) {
      if (!Object.hasOwn(deps, dep) || typeof deps[dep] !== 'string') continue;
      const t = resolveFrom(from, dep, has, nested);
      if (t === undefined) continue;
      let ty = type;
      if (peerMeta) {
        const m = peerMeta[dep];
        if (isRecord(m) && m['optional'] === true) ty = 'optional';
      }
      out.push({ to: links.size > 0 ? follow(t) : t, type: ty });
    }
  };
  const addNode = (k: string, e: Record<string, unknown>, deps: NpmEdge[]): void => {
    const line = lines.get(k);
    const name = typeof e['name'] === 'string' ? e['name'] : nameFromNodeModulesPath(k);
    const version = e['version'];
    if (name === undefined || !isValidNpmName(name)) {
      issues.push(
        issue(
          'invalid-value',
          `packages[${JSON.stringify(k)}]: invalid package name ${JSON.stringify(name)}`,
          at(line),
        ),
      );
      return;
    }
    if (typeof version !== 'string' || version === '') {
      issues.push(issue('invalid-value', `packages[${JSON.stringify(k)}]: missing version`, at(line)));
      return;
    }
    const resolved = typeof e['resolved'] === 'string' ? e['resolved'] : undefined;
    const node: NpmNode = { key: k, name, version, source: sourceOf(resolved), deps };
    if (line !== undefined) node.line = line;
    if (resolved !== undefined && node.source !== 'registry') node.resolved = resolved;
    // The file's flags are authoritative. `devOptional` means "dev or optional": npm keeps it
    // unless both are omitted, so it is neither dev-only nor optional-only.
    node.dev = e['dev'] === true;
    node.optional = e['optional'] === true;
    graph.nodes.set(k, node);
  };
  for (const [k, e] of entries) {
    if (!isRecord(e)) {
      issues.push(
        issue('invalid-value', `packages[${JSON.stringify(k)}] is not an object`, at(lines.get(k))),
      );
      continue;
    }
    if (links.has(k)) continue;
    const deps: NpmEdge[] = [];
    const project = k === '' || (!k.startsWith('node_modules/') && !k.includes('/node_modules/'));
    if (!needEdges && !project) {
      addNode(k, e, deps);
      continue;
    }
    addEdges(k, e['dependencies'], 'prod', deps);
    addEdges(k, e['optionalDependencies'], 'optional', deps);
    if (e['peerDependencies'] !== undefined) {
      addEdges(
        k,
        e['peerDependencies'],
        'peer',
        deps,
        isRecord(e['peerDependenciesMeta']) ? e['peerDependenciesMeta'] : {},
      );
    }
    if (project) {
      const devEdges: NpmEdge[] = [];
      addEdges(k, e['devDependencies'], 'dev', devEdges);
      graph.importers.set(k === '' ? '.' : k, [...deps, ...devEdges]);
      graph.nodes.set(k, {
        key: k,
        name: typeof e['name'] === 'string' ? e['name'] : k,
        version: '',
        source: 'workspace',
        deps,
        project: true,
      });
      continue;
    }
    addNode(k, e, deps);
  }
}

function readV1(deps: Record<string, unknown>, text: string, graph: NpmGraph, issues: Issue[], at: At): void {
  // Lines: match object-opening keys in document order against the tree walked in the same order.
  const keys = jsonObjectKeys(text);
  let cursor = 0;
  const lineOf = (key: string): number | undefined => {
    for (let i = cursor; i < keys.length && i < cursor + 64; i++) {
      if (keys[i]!.key === key) {
        cursor = i + 1;
        return keys[i]!.line;
      }
    }
    return undefined;
  };
  const pending: { key: string; requires: [string, string][] }[] = [];
  const walk = (obj: Record<string, unknown>, parent: string, depth: number): void => {
    if (depth > 256) {
      issues.push(issue('limit-exceeded', 'dependencies nested deeper than 256 levels', at()));
      return;
    }
    for (const [depName, e] of Object.entries(obj)) {
      const line = lineOf(depName);
      const key = parent === '' ? `node_modules/${depName}` : `${parent}/node_modules/${depName}`;
      if (!isRecord(e)) {
        issues.push(
          issue('invalid-value', `dependencies[${JSON.stringify(depName)}] is not an object`, at(line)),
        );
        continue;
      }
      let name = depName;
      let version = e['version'];
      if (typeof version !== 'string' || version === '') {
        issues.push(issue('invalid-value', `${JSON.stringify(depName)}: missing version`, at(line)));
        version = undefined;
      }
      let source: NpmSourceKind = 'registry';
      let resolved = typeof e['resolved'] === 'string' ? e['resolved'] : undefined;
      if (typeof version === 'string') {
        const alias = parseNpmAlias(version);
        if (alias) {
          name = alias.name;
          version = alias.range;
        } else {
          const k = classifySpec(version);
          if (k !== 'registry') {
            source = k;
            resolved ??= version;
          }
        }
        if (source === 'registry' && resolved !== undefined) source = sourceOf(resolved);
      }
      if (typeof version === 'string' && isValidNpmName(name)) {
        const node: NpmNode = { key, name, version, source, deps: [] };
        if (line !== undefined) node.line = line;
        if (resolved !== undefined && source !== 'registry') node.resolved = resolved;
        node.dev = e['dev'] === true;
        node.optional = e['optional'] === true;
        graph.nodes.set(key, node);
        pending.push({ key, requires: stringEntries(e['requires']) });
      } else if (typeof version === 'string') {
        issues.push(issue('invalid-value', `invalid package name ${JSON.stringify(name)}`, at(line)));
      }
      if (isRecord(e['dependencies'])) walk(e['dependencies'], key, depth + 1);
    }
  };
  walk(deps, '', 0);
  const has = (k: string): boolean => graph.nodes.has(k);
  const nested = new Set<string>();
  for (const k of graph.nodes.keys()) {
    const i = k.lastIndexOf('/node_modules/');
    if (i > 0) nested.add(k.slice(0, i));
  }
  for (const p of pending) {
    const node = graph.nodes.get(p.key)!;
    for (const [dep] of p.requires) {
      const t = resolveFrom(p.key, dep, has, nested);
      if (t !== undefined) node.deps.push({ to: t, type: 'prod' });
    }
  }
}
