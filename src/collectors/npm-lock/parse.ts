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

const DEP_FIELDS: readonly [string, NpmEdge['type']][] = [
  ['dependencies', 'prod'],
  ['optionalDependencies', 'optional'],
  ['peerDependencies', 'peer'],
];

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
    return { observations: [], issues: [issue('parse-error', `not valid JSON: ${(e as Error).message}`, at())] };
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
    readPackages(doc['packages'], text, graph, issues, at);
  } else if (isRecord(doc['dependencies'])) {
    readV1(doc['dependencies'], text, graph, issues, at);
  } else if (doc['packages'] !== undefined || doc['dependencies'] !== undefined) {
    issues.push(issue('invalid-value', '`packages` / `dependencies` is not an object', at()));
  }
  return { observations: toObservations(graphRecords(graph, opts), file), issues };
}

type At = (line?: number) => { file: string; pluginId: string; line?: number };

/** Resolves `dep` as Node does from the package at `from` (walking up `node_modules`). */
function resolveFrom(from: string, dep: string, has: (k: string) => boolean): string | undefined {
  let base = from;
  for (;;) {
    const cand = base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`;
    if (has(cand)) return cand;
    if (base === '') return undefined;
    const i = base.lastIndexOf('/node_modules/');
    if (i >= 0) base = base.slice(0, i);
    else if (base.startsWith('node_modules/')) base = '';
    else base = ''; // a workspace folder: next try the root
  }
}

function sourceOf(resolved: string | undefined): NpmSourceKind {
  if (resolved === undefined) return 'registry';
  const k = classifySpec(resolved);
  if (k === 'tarball' && isRegistryTarball(resolved)) return 'registry';
  return k;
}

/** npm `resolved` registry URLs look like `https://host/…/name/-/name-1.0.0.tgz`. */
function isRegistryTarball(url: string): boolean {
  return /\/-\/[^/]+\.tgz(\?.*)?$/.test(url);
}

function readPackages(pkgs: Record<string, unknown>, text: string, graph: NpmGraph, issues: Issue[], at: At): void {
  const lines = jsonKeyLines(text, (k) => k === '' || k.startsWith('node_modules/') || !k.includes('"'));
  const links = new Map<string, string>();
  const has = (k: string): boolean => Object.hasOwn(pkgs, k);
  const follow = (k: string): string => {
    let cur = k;
    for (let i = 0; i < 16; i++) {
      const t = links.get(cur);
      if (t === undefined) return cur;
      cur = t;
    }
    return cur;
  };
  // First pass: links (`link: true`, or a bare `resolved` path to another entry).
  for (const [k, e] of Object.entries(pkgs)) {
    if (!isRecord(e) || k === '') continue;
    const resolved = typeof e['resolved'] === 'string' ? e['resolved'] : undefined;
    if (e['link'] === true || (e['version'] === undefined && resolved !== undefined && has(resolved))) {
      if (resolved !== undefined) links.set(k, resolved);
    }
  }
  for (const [k, e] of Object.entries(pkgs)) {
    const line = lines.get(k);
    if (!isRecord(e)) {
      issues.push(issue('invalid-value', `packages[${JSON.stringify(k)}] is not an object`, at(line)));
      continue;
    }
    const project = k === '' || !k.startsWith('node_modules/') && !k.includes('/node_modules/');
    if (links.has(k)) continue;
    const deps: NpmEdge[] = [];
    const devEdges: NpmEdge[] = [];
    const fromKey = k;
    const edgeTo = (dep: string, type: NpmEdge['type']): NpmEdge | undefined => {
      const t = resolveFrom(fromKey, dep, has);
      return t === undefined ? undefined : { to: follow(t), type };
    };
    const peerMeta = isRecord(e['peerDependenciesMeta']) ? e['peerDependenciesMeta'] : {};
    for (const [field, type] of DEP_FIELDS) {
      for (const [dep] of stringEntries(e[field])) {
        let t: NpmEdge['type'] = type;
        if (type === 'peer') {
          const m = peerMeta[dep];
          if (isRecord(m) && m['optional'] === true) t = 'optional';
        }
        const edge = edgeTo(dep, t);
        if (edge) deps.push(edge);
      }
    }
    if (project) {
      for (const [dep] of stringEntries(e['devDependencies'])) {
        const edge = edgeTo(dep, 'dev');
        if (edge) devEdges.push(edge);
      }
      graph.importers.set(k === '' ? '.' : k, [...deps, ...devEdges]);
      graph.nodes.set(k, { key: k, name: typeof e['name'] === 'string' ? e['name'] : k, version: '', source: 'workspace', deps, project: true });
      continue;
    }
    const name = typeof e['name'] === 'string' ? e['name'] : nameFromNodeModulesPath(k);
    const version = e['version'];
    if (name === undefined || !isValidNpmName(name)) {
      issues.push(issue('invalid-value', `packages[${JSON.stringify(k)}]: invalid package name ${JSON.stringify(name)}`, at(line)));
      continue;
    }
    if (typeof version !== 'string' || version === '') {
      issues.push(issue('invalid-value', `packages[${JSON.stringify(k)}]: missing version`, at(line)));
      continue;
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
  }
  // Importers whose edges point at links that target project folders: project folders are
  // importers themselves, so reachability flows through them via their node's deps.
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
        issues.push(issue('invalid-value', `dependencies[${JSON.stringify(depName)}] is not an object`, at(line)));
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
  for (const p of pending) {
    const node = graph.nodes.get(p.key)!;
    for (const [dep] of p.requires) {
      const t = resolveFrom(p.key, dep, has);
      if (t !== undefined) node.deps.push({ to: t, type: 'prod' });
    }
  }
}
