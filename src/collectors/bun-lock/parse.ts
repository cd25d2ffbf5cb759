/**
 * Pure parser for Bun's text lockfile `bun.lock` (JSONC: JSON with comments and trailing commas).
 * The binary `bun.lockb` is not read (reported as unsupported by the collector).
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
  stringEntries,
  toObservations,
} from '../../util/npm.js';
import type { NpmEdge, NpmGraph, NpmNode, NpmParseOptions, NpmSourceKind } from '../../util/npm.js';

/** Plugin id, used on issues. */
export const BUN_LOCK_ID = 'collectors/bun-lock';

const ROOT_FIELDS: readonly [string, NpmEdge['type']][] = [
  ['dependencies', 'prod'],
  ['optionalDependencies', 'optional'],
  ['peerDependencies', 'peer'],
  ['devDependencies', 'dev'],
];

/**
 * Turns JSONC into JSON: removes line and block comments (keeping line breaks) and trailing
 * commas, outside strings. Linear time, no regular expressions.
 */
export function stripJsonc(text: string): string {
  const parts: string[] = [];
  const n = text.length;
  let chunk = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = skipString(text, i);
      continue;
    }
    if (c === 47 && (text.charCodeAt(i + 1) === 47 || text.charCodeAt(i + 1) === 42)) {
      parts.push(text.slice(chunk, i));
      let j: number;
      if (text.charCodeAt(i + 1) === 47) {
        j = text.indexOf('\n', i);
        if (j < 0) j = n;
      } else {
        j = text.indexOf('*/', i + 2);
        j = j < 0 ? n : j + 2;
        let nl = 0;
        for (let k = i; k < j; k++) if (text.charCodeAt(k) === 10) nl++;
        parts.push('\n'.repeat(nl));
      }
      i = j;
      chunk = i;
      continue;
    }
    if (c === 44) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 32 || d === 9 || d === 10 || d === 13) j++;
        else if (d === 47 && text.charCodeAt(j + 1) === 47) {
          const e = text.indexOf('\n', j);
          j = e < 0 ? n : e;
        } else if (d === 47 && text.charCodeAt(j + 1) === 42) {
          const e = text.indexOf('*/', j + 2);
          j = e < 0 ? n : e + 2;
        } else break;
      }
      const d = text.charCodeAt(j);
      if (d === 125 || d === 93) {
        parts.push(text.slice(chunk, i));
        chunk = i + 1; // drop the comma, keep what follows (comments there are stripped next)
      }
      i++;
      continue;
    }
    i++;
  }
  parts.push(text.slice(chunk));
  return parts.join('');
}

function skipString(text: string, i: number): number {
  let j = i + 1;
  const n = text.length;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (d === 92) j += 2;
    else if (d === 34 || d === 10) return j + 1;
    else j++;
  }
  return n;
}

/** Splits a bun package key (`a/@s/b/c`) into package-name segments. */
function keySegments(key: string): string[] {
  const parts = key.split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith('@') && i + 1 < parts.length) {
      out.push(`${p}/${parts[i + 1]!}`);
      i++;
    } else out.push(p);
  }
  return out;
}

/**
 * Parses a bun.lock into package observations. Never throws: problems are issues.
 *
 * @example parseBunLock(buf, 'bun.lock').observations.map((o) => o.purl)
 */
export function parseBunLock(content: Uint8Array, file: string, opts: NpmParseOptions = {}): CollectorResult {
  const issues: Issue[] = [];
  const at = (): { file: string; pluginId: string } => ({ file, pluginId: BUN_LOCK_ID });
  const dec = decodeLockfile(content, file, BUN_LOCK_ID);
  if ('issue' in dec) return { observations: [], issues: [dec.issue] };
  const json = stripJsonc(dec.text);
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    return {
      observations: [],
      issues: [issue('parse-error', `not valid JSONC: ${(e as Error).message}`, at())],
    };
  }
  if (!isRecord(doc))
    return { observations: [], issues: [issue('invalid-value', 'lockfile is not an object', at())] };
  const lv = doc['lockfileVersion'];
  if (typeof lv !== 'number' || lv < 0 || lv > 1) {
    issues.push(
      issue(
        'unsupported',
        `lockfileVersion ${JSON.stringify(lv ?? null)} is not supported (0 and 1 are)`,
        at(),
      ),
    );
    return { observations: [], issues };
  }
  const lines = keyLines(json);
  const packages = isRecord(doc['packages']) ? doc['packages'] : {};
  const graph: NpmGraph = { nodes: new Map(), importers: new Map() };
  const has = (k: string): boolean => graph.nodes.has(k);
  const resolve = (fromSegs: string[], dep: string): string | undefined => {
    for (let n = fromSegs.length; n >= 0; n--) {
      const k = [...fromSegs.slice(0, n), dep].join('/');
      if (has(k)) return k;
    }
    return undefined;
  };
  const pending: [NpmNode, Record<string, unknown>][] = [];
  const workspaceNames = new Map<string, string>(); // package name -> workspace path
  for (const [key, v] of Object.entries(packages)) {
    const line = lines.get(key);
    const where = line === undefined ? at() : { ...at(), line };
    if (!Array.isArray(v) || typeof v[0] !== 'string') {
      issues.push(
        issue('invalid-value', `packages[${JSON.stringify(key)}]: expected [ "name@version", … ]`, where),
      );
      continue;
    }
    const ident = v[0];
    const atIdx = ident.indexOf('@', ident.startsWith('@') ? 1 : 0);
    if (atIdx <= 0) {
      issues.push(
        issue(
          'invalid-value',
          `packages[${JSON.stringify(key)}]: ${JSON.stringify(ident)} is not name@version`,
          where,
        ),
      );
      continue;
    }
    const name = ident.slice(0, atIdx);
    const spec = ident.slice(atIdx + 1);
    if (!isValidNpmName(name) || spec === '') {
      issues.push(
        issue(
          'invalid-value',
          `packages[${JSON.stringify(key)}]: invalid package ${JSON.stringify(ident)}`,
          where,
        ),
      );
      continue;
    }
    let source: NpmSourceKind = classifySpec(spec);
    let project = false;
    let info: Record<string, unknown> = {};
    let resolved: string | undefined;
    if (source === 'workspace') {
      project = true;
      workspaceNames.set(name, spec.slice('workspace:'.length));
    } else if (source === 'registry') {
      // [ident, registry, info, integrity]; a non-empty registry that is a tarball URL is a tarball
      if (isRecord(v[2])) info = v[2];
      if (typeof v[1] === 'string' && /^https?:\/\//.test(v[1]) && !/\/$/.test(v[1])) {
        source = 'tarball';
        resolved = v[1];
      }
    } else {
      if (isRecord(v[1])) info = v[1];
      resolved = spec;
      if (source === 'tarball' && /\.(tgz|tar\.gz)$/.test(spec) === false && classifySpec(spec) === 'tarball')
        source = 'tarball';
    }
    const node: NpmNode = { key, name, version: spec, source, deps: [] };
    if (line !== undefined) node.line = line;
    if (resolved !== undefined) node.resolved = resolved;
    if (project) node.project = true;
    graph.nodes.set(key, node);
    pending.push([node, info]);
  }
  for (const [node, info] of pending) {
    const segs = keySegments(node.key);
    for (const [field, type] of [
      ['dependencies', 'prod'],
      ['optionalDependencies', 'optional'],
      ['peerDependencies', 'peer'],
    ] as const) {
      const peerMeta = isRecord(info['optionalPeers']) ? info['optionalPeers'] : undefined;
      for (const [dep] of stringEntries(info[field])) {
        const t = resolve(segs, dep);
        if (t === undefined) continue;
        const optionalPeer =
          Array.isArray(info['optionalPeers']) && (info['optionalPeers'] as unknown[]).includes(dep);
        node.deps.push({ to: t, type: type === 'peer' && (optionalPeer || peerMeta) ? 'optional' : type });
      }
    }
  }
  const workspaces = isRecord(doc['workspaces']) ? doc['workspaces'] : {};
  for (const [path, ws] of Object.entries(workspaces)) {
    if (!isRecord(ws)) continue;
    const wsName = typeof ws['name'] === 'string' ? ws['name'] : undefined;
    const base = path === '' || wsName === undefined ? [] : [wsName];
    const edges: NpmEdge[] = [];
    for (const [field, type] of ROOT_FIELDS) {
      for (const [dep] of stringEntries(ws[field])) {
        const t = resolve(base, dep);
        if (t !== undefined) edges.push({ to: t, type });
      }
    }
    graph.importers.set(path === '' ? '.' : path, edges);
  }
  for (const n of graph.nodes.values()) {
    if (!n.project) continue;
    const wsPath = workspaceNames.get(n.name);
    const edges = wsPath !== undefined ? graph.importers.get(wsPath) : undefined;
    if (edges) n.deps.push(...edges.filter((e) => e.type !== 'dev'));
  }
  if (!isRecord(doc['packages']) && doc['packages'] !== undefined) {
    issues.push(issue('invalid-value', '`packages` is not an object', at()));
  }
  return { observations: toObservations(graphRecords(graph, opts), file), issues };
}

/** Lines of `"key": [` entries (package tuples). */
function keyLines(json: string): Map<string, number> {
  const out = new Map<string, number>();
  let line = 1;
  let start = 0;
  for (;;) {
    const nl = json.indexOf('\n', start);
    const end = nl < 0 ? json.length : nl;
    const s = json.slice(start, end).trimStart();
    if (s.startsWith('"')) {
      const q = s.indexOf('"', 1);
      if (q > 0 && /^\s*:\s*\[/.test(s.slice(q + 1, q + 8))) {
        const key = s.slice(1, q);
        if (!out.has(key)) out.set(key, line);
      }
    }
    if (nl < 0) break;
    start = nl + 1;
    line++;
  }
  return out;
}
