/**
 * Pure parser for `yarn.lock`: Yarn 1 (the custom "lockfile v1" syntax) and Berry (Yarn 2-4, a
 * YAML subset with `__metadata`), including `npm:` aliases and `workspace:`, `patch:`, `link:`,
 * `portal:`, `file:` and git protocols.
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
export const YARN_LOCK_ID = 'collectors/yarn-lock';

/** Options for {@link parseYarnLock}. */
export interface YarnParseOptions extends NpmParseOptions {
  /**
   * The project's parsed `package.json`. yarn.lock does not say which packages are direct or dev;
   * with the manifest the root's direct, dev and optional dependencies are known.
   */
  manifest?: unknown;
}

interface RawEntry {
  descriptors: string[];
  line: number;
  fields: Map<string, string>;
  blocks: Map<string, [string, string][]>;
}

const MAX_LINE = 1 << 20;

/**
 * Parses a yarn.lock (v1 or Berry) into package observations. Never throws: problems are issues.
 *
 * @example parseYarnLock(buf, 'yarn.lock', { manifest: JSON.parse(pkgJson) })
 */
export function parseYarnLock(
  content: Uint8Array,
  file: string,
  opts: YarnParseOptions = {},
): CollectorResult {
  const issues: Issue[] = [];
  const at = (line?: number): { file: string; pluginId: string; line?: number } =>
    line === undefined ? { file, pluginId: YARN_LOCK_ID } : { file, pluginId: YARN_LOCK_ID, line };
  const dec = decodeLockfile(content, file, YARN_LOCK_ID);
  if ('issue' in dec) return { observations: [], issues: [dec.issue] };
  const entries = readEntries(dec.text, issues, at);
  const berry = entries.some((e) => e.descriptors.includes('__metadata'));
  if (!berry && entries.length > 0 && !/^# yarn lockfile v1/m.test(dec.text.slice(0, 4096))) {
    // Old or hand-written files lack the header; the syntax is still v1.
  }
  const graph: NpmGraph = { nodes: new Map(), importers: new Map() };
  const byDescriptor = new Map<string, string>();
  const workspaces = new Map<string, string>(); // workspace path -> node key
  const pendingDeps: [NpmNode, RawEntry][] = [];

  for (const [idx, e] of entries.entries()) {
    if (e.descriptors.includes('__metadata')) continue;
    if (e.descriptors.length === 0) {
      issues.push(issue('invalid-value', 'entry without a package descriptor', at(e.line)));
      continue;
    }
    const key = `e${idx}`;
    for (const d of e.descriptors) {
      byDescriptor.set(d, key);
      const loc = d.indexOf('::locator=');
      if (loc > 0) byDescriptor.set(d.slice(0, loc), key);
    }
    const first = e.descriptors[0]!;
    const version = e.fields.get('version');
    let name: string | undefined;
    let source: NpmSourceKind = 'registry';
    let resolved: string | undefined;
    let project = false;
    if (berry) {
      const resolution = e.fields.get('resolution') ?? first;
      const split = splitDescriptor(resolution);
      name = split?.name;
      const ref = split?.range ?? '';
      if (ref.startsWith('workspace:')) {
        project = true;
        workspaces.set(ref.slice('workspace:'.length) || '.', key);
      } else if (ref.startsWith('npm:')) source = 'registry';
      else if (ref.startsWith('patch:')) source = patchedSource(ref);
      else if (
        ref.startsWith('link:') ||
        ref.startsWith('portal:') ||
        ref.startsWith('file:') ||
        ref.startsWith('exec:')
      ) {
        source = 'file';
        resolved = ref;
      } else {
        const k = classifySpec(ref);
        source = k === 'registry' ? 'tarball' : k;
        resolved = ref;
      }
    } else {
      const split = splitDescriptor(first);
      name = split?.name;
      const range = split?.range ?? '';
      if (range.startsWith('npm:')) {
        const real = splitDescriptor(range.slice(4));
        if (real) name = real.name;
        else name = range.slice(4);
      }
      const r = e.fields.get('resolved');
      const rk = r !== undefined ? classifySpec(r) : classifySpec(range);
      if (r !== undefined) {
        if (rk === 'tarball' && /\/-\/[^/]+\.tgz(#[0-9a-f]*)?$/.test(r)) source = 'registry';
        else if (rk !== 'registry') {
          source = rk;
          resolved = r;
        }
      } else if (rk !== 'registry') {
        source = rk;
        resolved = range;
      }
    }
    if (name === undefined || !isValidNpmName(name)) {
      issues.push(
        issue('invalid-value', `entry ${JSON.stringify(first)}: cannot tell the package name`, at(e.line)),
      );
      continue;
    }
    if (!project && (version === undefined || version === '')) {
      issues.push(issue('invalid-value', `entry ${JSON.stringify(first)}: missing version`, at(e.line)));
      continue;
    }
    const node: NpmNode = { key, name, version: version ?? '', source, deps: [], line: e.line };
    if (resolved !== undefined) node.resolved = resolved;
    if (project) node.project = true;
    graph.nodes.set(key, node);
    pendingDeps.push([node, e]);
  }

  // `resolutions` in the manifest override ranges everywhere (`a`, `**/a`, `parent/a`: matched by
  // the last segment; see readme for the nested-pattern gap).
  const manifest = isRecord(opts.manifest) ? opts.manifest : undefined;
  const resolutions = new Map<
    string,
    { from: string | undefined; to: string; parent: string | undefined }[]
  >();
  for (const [pattern, to] of manifest ? stringEntries(manifest['resolutions']) : []) {
    const segs = pattern.split('/');
    let last = segs.pop() ?? '';
    if (segs.length > 0 && segs[segs.length - 1]!.startsWith('@')) last = `${segs.pop()!}/${last}`;
    const split = splitDescriptor(last);
    if (!split) continue;
    let parent: string | undefined = segs.pop();
    if (parent !== undefined && segs.length > 0 && segs[segs.length - 1]!.startsWith('@'))
      parent = `${segs.pop()!}/${parent}`;
    if (parent === '**') parent = undefined;
    const p = parent !== undefined ? splitDescriptor(parent)?.name : undefined;
    const list = resolutions.get(split.name) ?? [];
    list.push({ from: split.range === '' ? undefined : split.range, to, parent: p });
    resolutions.set(split.name, list);
  }
  const find = (name: string, range: string): string | undefined =>
    byDescriptor.get(`${name}@${range}`) ?? byDescriptor.get(`${name}@npm:${range}`);
  const lookup = (name: string, range: string, parent?: string): string | undefined => {
    for (const r of resolutions.get(name) ?? []) {
      if (r.parent !== undefined && r.parent !== parent) continue;
      if (r.from !== undefined && r.from !== range && `npm:${r.from}` !== range) continue;
      const k = find(name, r.to);
      if (k !== undefined) return k;
    }
    return find(name, range);
  };
  for (const [node, e] of pendingDeps) {
    for (const [field, type] of [
      ['dependencies', 'prod'],
      ['optionalDependencies', 'optional'],
    ] as const) {
      for (const [dn, range] of e.blocks.get(field) ?? []) {
        const k = lookup(dn, range, node.name);
        if (k !== undefined) node.deps.push({ to: k, type });
      }
    }
  }

  // Projects: Berry's workspace entries; for Yarn 1, the manifest when given.
  const devNames = new Set(manifest ? stringEntries(manifest['devDependencies']).map(([n]) => n) : []);
  const optNames = new Set(manifest ? stringEntries(manifest['optionalDependencies']).map(([n]) => n) : []);
  for (const [path, key] of workspaces) {
    const node = graph.nodes.get(key)!;
    const edges: NpmEdge[] = node.deps.map((d) => {
      if (path !== '.') return d;
      const target = graph.nodes.get(d.to);
      if (target && devNames.has(depNameOf(entries, d.to, target))) return { to: d.to, type: 'dev' };
      return d;
    });
    graph.importers.set(path, edges);
  }
  if (!berry && manifest) {
    const edges: NpmEdge[] = [];
    for (const [field, type] of [
      ['dependencies', 'prod'],
      ['optionalDependencies', 'optional'],
      ['devDependencies', 'dev'],
    ] as const) {
      for (const [dn, range] of stringEntries(manifest[field])) {
        if (field === 'dependencies' && optNames.has(dn)) continue;
        const k = lookup(dn, range);
        if (k !== undefined) edges.push({ to: k, type });
      }
    }
    graph.importers.set('.', edges);
  }
  return { observations: toObservations(graphRecords(graph, opts), file), issues };
}

/** The dependency name under which `key` was required (descriptor name, alias-aware). */
function depNameOf(entries: RawEntry[], key: string, node: NpmNode): string {
  const e = entries[Number(key.slice(1))];
  const d = e?.descriptors[0];
  const s = d !== undefined ? splitDescriptor(d) : undefined;
  return s?.name ?? node.name;
}

/** A patched package keeps the source of what it patches (`patch:lodash@npm%3A4.17.21#…`). */
function patchedSource(ref: string): NpmSourceKind {
  const inner = ref.slice('patch:'.length);
  let decoded = inner;
  try {
    decoded = decodeURIComponent(inner.split('#')[0] ?? inner);
  } catch {
    /* keep raw */
  }
  const s = splitDescriptor(decoded);
  const r = s?.range ?? '';
  if (r.startsWith('npm:') || r === '') return 'registry';
  const k = classifySpec(r);
  return k;
}

/** Splits `name@range` (scoped names keep their leading `@`). */
function splitDescriptor(d: string): { name: string; range: string } | undefined {
  const at = d.indexOf('@', d.startsWith('@') ? 1 : 0);
  if (at <= 0) return at < 0 && d.length > 0 ? { name: d, range: '' } : undefined;
  return { name: d.slice(0, at), range: d.slice(at + 1) };
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return t.slice(1, -1);
    }
  }
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  return t;
}

/** Splits a header `a@1, "b@^2":` into descriptors. */
function splitHeader(h: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = '';
  for (const ch of h) {
    if (q) {
      cur += ch;
      if (ch === q) q = '';
    } else if (ch === '"' || ch === "'") {
      q = ch;
      cur += ch;
    } else if (ch === ',') {
      out.push(unquote(cur));
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(unquote(cur));
  // Berry quotes the whole list: `"a@npm:1, a@npm:^1":`.
  return out
    .flatMap((d) => d.split(', '))
    .map((d) => d.trim())
    .filter((d) => d.length > 0);
}

/** Splits `key value` (v1) or `key: value` (Berry) into key and value. */
function splitField(s: string): [string, string] | undefined {
  let key: string;
  let rest: string;
  if (s.startsWith('"')) {
    let i = 1;
    while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
    if (i >= s.length) return undefined;
    key = unquote(s.slice(0, i + 1));
    rest = s.slice(i + 1);
  } else {
    const m = /^[^\s:]+(?::(?=\s|$))?/.exec(s);
    if (!m) return undefined;
    key = m[0].endsWith(':') ? m[0].slice(0, -1) : m[0];
    rest = s.slice(m[0].length);
  }
  rest = rest.replace(/^:/, '').trim();
  // An opened quote that never closes (a file cut mid-value) is not a value.
  if (rest.startsWith('"') && (rest.length < 2 || !rest.endsWith('"') || rest.endsWith('\\"')))
    return undefined;
  return [key, unquote(rest)];
}

type At = (line?: number) => { file: string; pluginId: string; line?: number };

function readEntries(text: string, issues: Issue[], at: At): RawEntry[] {
  const out: RawEntry[] = [];
  let cur: RawEntry | undefined;
  let block: [string, string][] | undefined;
  let pos = 0;
  let lineNo = 0;
  let reported = 0;
  const bad = (line: number, msg: string): void => {
    if (reported++ < 20) issues.push(issue('parse-error', msg, at(line)));
  };
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    let line = text.slice(pos, end);
    pos = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length > MAX_LINE) {
      bad(lineNo, 'line longer than 1 MiB skipped');
      continue;
    }
    let indent = 0;
    while (indent < line.length && line.charCodeAt(indent) === 32) indent++;
    if (indent === line.length) continue;
    const body = line.slice(indent);
    if (body.startsWith('#')) continue;
    if (indent === 0) {
      block = undefined;
      if (!body.endsWith(':')) {
        bad(lineNo, `unexpected top-level line: ${JSON.stringify(body.slice(0, 80))}`);
        cur = undefined;
        continue;
      }
      cur = {
        descriptors: splitHeader(body.slice(0, -1)),
        line: lineNo,
        fields: new Map(),
        blocks: new Map(),
      };
      out.push(cur);
      continue;
    }
    if (!cur) {
      bad(lineNo, 'indented line outside an entry');
      continue;
    }
    if (indent <= 2) {
      block = undefined;
      if (body.endsWith(':') && !body.includes(' ')) {
        block = [];
        cur.blocks.set(unquote(body.slice(0, -1)), block);
        continue;
      }
      const f = splitField(body);
      if (!f) {
        bad(lineNo, `cannot read field: ${JSON.stringify(body.slice(0, 80))}`);
        continue;
      }
      cur.fields.set(f[0], f[1]);
      continue;
    }
    if (block) {
      if (indent > 4) continue; // dependenciesMeta sub-fields
      const f = splitField(body);
      if (f) block.push(f);
      else bad(lineNo, `cannot read dependency: ${JSON.stringify(body.slice(0, 80))}`);
    }
  }
  return out;
}
