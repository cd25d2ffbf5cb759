/**
 * Pure parser for `pnpm-lock.yaml` lockfileVersion 5.x, 6.x and 9.x (7.0 read as 6), single
 * projects and workspaces (`importers`).
 */
import { parse as parseYaml } from 'yaml';
import { issue } from '../../core/issue.js';
import type { Issue } from '../../core/issue.js';
import type { CollectorResult } from '../../core/plugin.js';
import {
  classifySpec,
  decodeLockfile,
  graphRecords,
  isRecord,
  isValidNpmName,
  toObservations,
} from '../../util/npm.js';
import type { NpmEdge, NpmGraph, NpmNode, NpmParseOptions, NpmSourceKind } from '../../util/npm.js';
import { parseYamlLite } from './yaml-lite.js';

/** Plugin id, used on issues. */
export const PNPM_LOCK_ID = 'collectors/pnpm-lock';

type Dialect = 5 | 6 | 9;

const IMPORTER_FIELDS: readonly [string, NpmEdge['type']][] = [
  ['dependencies', 'prod'],
  ['optionalDependencies', 'optional'],
  ['devDependencies', 'dev'],
];

/**
 * Parses a pnpm lockfile into package observations. Never throws: problems are issues.
 *
 * @example parsePnpmLock(buf, 'pnpm-lock.yaml', { scope: 'packages/a' })
 */
export function parsePnpmLock(
  content: Uint8Array,
  file: string,
  opts: NpmParseOptions = {},
): CollectorResult {
  const issues: Issue[] = [];
  const at = (line?: number): { file: string; pluginId: string; line?: number } =>
    line === undefined ? { file, pluginId: PNPM_LOCK_ID } : { file, pluginId: PNPM_LOCK_ID, line };
  const dec = decodeLockfile(content, file, PNPM_LOCK_ID);
  if ('issue' in dec) return { observations: [], issues: [dec.issue] };
  let doc: unknown;
  let lines = new Map<string, number>();
  const lite = parseYamlLite(dec.text);
  if (lite) {
    doc = lite.value;
    lines = lite.lines;
  } else {
    try {
      doc = parseYaml(dec.text, {
        schema: 'failsafe',
        maxAliasCount: 100,
        uniqueKeys: false,
        logLevel: 'error',
      });
    } catch (e) {
      return {
        observations: [],
        issues: [issue('parse-error', `not valid YAML: ${firstLine((e as Error).message)}`, at())],
      };
    }
  }
  if (!isRecord(doc)) {
    return {
      observations: [],
      issues: [issue('invalid-value', 'not a pnpm lockfile: the YAML document is not a mapping', at())],
    };
  }
  if (Object.keys(doc).length === 0) {
    return { observations: [], issues: [issue('empty', 'lockfile has no content', at())] };
  }
  const lvRaw = doc['lockfileVersion'];
  const lv = typeof lvRaw === 'string' ? Number.parseFloat(lvRaw) : Number.NaN;
  let dialect: Dialect;
  if (lv >= 5 && lv < 6) dialect = 5;
  else if (lv >= 6 && lv < 8) dialect = 6;
  else if (lv >= 9 && lv < 10) dialect = 9;
  else {
    issues.push(
      issue(
        'unsupported',
        `lockfileVersion ${JSON.stringify(lvRaw ?? null)} is not supported (5.x, 6.x, 9.x are)`,
        at(lines.get('lockfileVersion\u0000')),
      ),
    );
    return { observations: [], issues };
  }
  const graph: NpmGraph = { nodes: new Map(), importers: new Map() };
  const packages = isRecord(doc['packages']) ? doc['packages'] : {};
  const snapshots = dialect === 9 && isRecord(doc['snapshots']) ? doc['snapshots'] : undefined;
  const table = snapshots ?? packages;
  const tableName = snapshots ? 'snapshots' : 'packages';

  const has = (k: string): boolean => Object.hasOwn(table, k);
  const lookup = (name: string, ref: string): string | undefined => {
    const first = dialect === 5 ? `/${name}/${ref}` : dialect === 6 ? `/${name}@${ref}` : `${name}@${ref}`;
    if (has(first)) return first;
    if (has(ref)) return ref;
    if (dialect === 6 && has(`/${ref}`)) return `/${ref}`;
    return undefined;
  };
  const importerPaths = new Set<string>();
  const importerSources: [string, Record<string, unknown>][] = [];
  if (isRecord(doc['importers'])) {
    for (const [p, imp] of Object.entries(doc['importers']))
      if (isRecord(imp)) importerSources.push([p, imp]);
  } else {
    importerSources.push(['.', doc]);
  }
  for (const [p] of importerSources) importerPaths.add(p);

  const edgeFor = (
    from: string,
    name: string,
    rawRef: unknown,
    type: NpmEdge['type'],
    line?: number,
  ): NpmEdge | undefined => {
    let ref = rawRef;
    if (isRecord(ref)) ref = ref['version'];
    if (typeof ref !== 'string' || ref === '') {
      issues.push(
        issue('invalid-value', `dependency ${JSON.stringify(name)} of ${from} has no version`, at(line)),
      );
      return undefined;
    }
    if (ref.startsWith('link:')) {
      const target = joinPath(from, ref.slice(5));
      if (importerPaths.has(target)) return { to: `importer:${target}`, type };
      return undefined; // a linked folder outside the workspace: not a package in this file
    }
    const key = lookup(name, ref);
    if (key === undefined) return undefined;
    return { to: `pkg:${key}`, type };
  };

  for (const [p, imp] of importerSources) {
    const edges: NpmEdge[] = [];
    const own: NpmEdge[] = [];
    for (const [field, type] of IMPORTER_FIELDS) {
      const deps = imp[field];
      if (!isRecord(deps)) continue;
      for (const [name, ref] of Object.entries(deps)) {
        const e = edgeFor(p, name, ref, type);
        if (!e) continue;
        edges.push(e);
        if (type !== 'dev') own.push(e);
      }
    }
    graph.importers.set(p, edges);
    graph.nodes.set(`importer:${p}`, {
      key: `importer:${p}`,
      name: p,
      version: '',
      source: 'workspace',
      deps: own,
      project: true,
    });
  }

  for (const [key, entry] of Object.entries(table)) {
    const line = lines.get(`${tableName}\u0000${key}`);
    if (entry !== null && !isRecord(entry)) {
      issues.push(issue('invalid-value', `${tableName}[${JSON.stringify(key)}] is not a mapping`, at(line)));
      continue;
    }
    const e: Record<string, unknown> = entry ?? {};
    let info: Record<string, unknown> = e;
    if (snapshots) {
      const p = packages[stripPeers(key, 9)];
      info = isRecord(p) ? p : {};
    }
    const parsed = parseKey(key, dialect);
    const name = typeof info['name'] === 'string' ? info['name'] : parsed?.name;
    const bare = stripPeers(key, dialect).replace(/^\//, '');
    const localKey = bare.startsWith('file:') || bare.startsWith('link:') ? bare : undefined;
    const version = typeof info['version'] === 'string' ? info['version'] : (parsed?.version ?? localKey);
    if (name === undefined || !isValidNpmName(name)) {
      issues.push(
        issue(
          'invalid-value',
          `${tableName}[${JSON.stringify(key)}]: cannot tell the package name`,
          at(line),
        ),
      );
      continue;
    }
    if (version === undefined || version === '') {
      issues.push(
        issue('invalid-value', `${tableName}[${JSON.stringify(key)}]: cannot tell the version`, at(line)),
      );
      continue;
    }
    const res = isRecord(info['resolution']) ? info['resolution'] : {};
    const { source, resolved } = sourceOf(key, res, parsed?.version ?? localKey);
    const deps: NpmEdge[] = [];
    const from = `pkg:${key}`;
    for (const [field, type] of [
      ['dependencies', 'prod'],
      ['optionalDependencies', 'optional'],
    ] as const) {
      const d = e[field];
      if (!isRecord(d)) continue;
      for (const [dn, ref] of Object.entries(d)) {
        if (typeof ref !== 'string') continue;
        if (ref.startsWith('link:')) continue;
        const k = lookup(dn, ref);
        if (k !== undefined) deps.push({ to: `pkg:${k}`, type });
      }
    }
    const node: NpmNode = { key: from, name, version, source, deps };
    if (line !== undefined) node.line = line;
    if (resolved !== undefined) node.resolved = resolved;
    if (dialect !== 9) {
      // v5/v6 state `dev: true` (dev only) / `dev: false` (prod only); absent means both.
      if (info['dev'] === 'true') node.dev = true;
      else if (info['dev'] === 'false') node.dev = false;
      if (info['optional'] === 'true') node.optional = true;
    }
    graph.nodes.set(from, node);
  }
  return { observations: toObservations(graphRecords(graph, opts), file), issues };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

/** Normalises `from/rel` as a workspace-relative path (`.` for the root). */
function joinPath(from: string, rel: string): string {
  const parts = from === '.' ? [] : from.split('/');
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}

/** The package key without its peer suffix (`(react@18.0.0)` in v6/v9, `_react@18.0.0` in v5). */
function stripPeers(key: string, dialect: Dialect): string {
  if (dialect === 5) {
    const slash = key.lastIndexOf('/');
    const u = key.indexOf('_', slash + 1);
    return u < 0 ? key : key.slice(0, u);
  }
  const p = key.indexOf('(');
  return p < 0 ? key : key.slice(0, p);
}

/** Name and version from a package key (`/a/1.0.0`, `/@s/a@1.0.0(peer)`, `a@1.0.0`). */
function parseKey(key: string, dialect: Dialect): { name: string; version: string } | undefined {
  let k = stripPeers(key, dialect);
  if (k.startsWith('/')) k = k.slice(1);
  if (dialect === 5) {
    const parts = k.split('/');
    const scoped = k.startsWith('@');
    const nameParts = scoped ? 2 : 1;
    if (parts.length <= nameParts) return undefined;
    const name = parts.slice(0, nameParts).join('/');
    const version = parts.slice(nameParts).join('/');
    return { name, version };
  }
  const at = k.indexOf('@', 1);
  if (at < 0) return undefined;
  return { name: k.slice(0, at), version: k.slice(at + 1) };
}

function sourceOf(
  key: string,
  res: Record<string, unknown>,
  keyVersion: string | undefined,
): { source: NpmSourceKind; resolved?: string } {
  if (typeof res['type'] === 'string' && res['type'] === 'git' && typeof res['repo'] === 'string') {
    const commit = typeof res['commit'] === 'string' ? `#${res['commit']}` : '';
    return { source: 'git', resolved: `${res['repo']}${commit}` };
  }
  if (typeof res['directory'] === 'string') return { source: 'file', resolved: `file:${res['directory']}` };
  if (typeof res['tarball'] === 'string') {
    const t = res['tarball'];
    if (t.startsWith('file:')) return { source: 'file', resolved: t };
    if (/^https?:\/\/codeload\.github\.com\//.test(t) || /^https?:\/\/(gitlab\.com|bitbucket\.org)\//.test(t))
      return { source: 'git', resolved: t };
    if (/\/-\/[^/]+\.tgz$/.test(t) && typeof res['integrity'] === 'string') return { source: 'registry' };
    return { source: 'tarball', resolved: t };
  }
  if (keyVersion !== undefined) {
    const k = classifySpec(keyVersion);
    if (k === 'file' || k === 'link') return { source: 'file', resolved: keyVersion };
  }
  if (!key.startsWith('/') && /^[\w.-]+\.[a-z]{2,}\//.test(key)) return { source: 'git', resolved: key };
  return { source: 'registry' };
}
