/** Pure parser for uv's `uv.lock`. */
import type { CollectorResult } from '../../core/plugin.js';
import {
  arr,
  decodeInput,
  entries,
  isRecord,
  PackageSink,
  parseTomlInput,
  pep503,
  str,
  tomlTableLines,
} from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const UV_LOCK_ID = 'collectors/uv-lock';

const LOCAL_SOURCES = ['virtual', 'editable', 'directory', 'path'] as const;

function depNames(v: unknown): string[] {
  const out: string[] = [];
  for (const d of arr(v)) {
    const n = isRecord(d) ? str(d['name']) : undefined;
    if (n) out.push(pep503(n));
  }
  return out;
}

/**
 * Parses a uv.lock. Workspace members and local sources (`virtual`, `editable`, `directory`,
 * `path`) are the project itself and are not reported. Dependencies of members are `direct`;
 * packages reachable only through members' `dev-dependencies` are dev, and only through their
 * `optional-dependencies` are optional. Edges go by name (all locked versions of a name).
 */
export function parseUvLock(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: UV_LOCK_ID });
  const text = decodeInput(content, sink);
  if (text === null) return sink.result();
  const doc = parseTomlInput(text, sink);
  if (doc === undefined) return sink.result();
  if (doc['package'] !== undefined && !Array.isArray(doc['package'])) {
    sink.issue('invalid-value', '`package` is not an array of tables');
    return sink.result();
  }
  const pkgs = arr(doc['package']);
  const lines = tomlTableLines(text, 'package');
  const useLines = lines.length === pkgs.length;

  interface Entry {
    name: string;
    version: string;
    line: number | undefined;
    local: boolean;
    deps: string[];
    opt: string[];
    dev: string[];
  }
  const list: Entry[] = [];
  pkgs.forEach((p, i) => {
    const line = useLines ? lines[i] : undefined;
    if (!isRecord(p)) {
      sink.issue('invalid-value', 'package entry is not a table', line);
      return;
    }
    const name = str(p['name']);
    if (!name) {
      sink.issue('invalid-value', 'package without a string name', line);
      return;
    }
    const source = p['source'];
    const local = isRecord(source) && LOCAL_SOURCES.some((k) => k in source);
    const version = str(p['version']) ?? '';
    if (!local && version === '') {
      sink.issue('invalid-value', `${name}: package without a version`, line);
      return;
    }
    list.push({
      name: pep503(name),
      version,
      line,
      local,
      deps: depNames(p['dependencies']),
      opt: entries(p['optional-dependencies']).flatMap(([, v]) => depNames(v)),
      dev: entries(p['dev-dependencies']).flatMap(([, v]) => depNames(v)),
    });
  });

  const byName = new Map<string, Entry[]>();
  for (const e of list) {
    const l = byName.get(e.name);
    if (l) l.push(e);
    else byName.set(e.name, [e]);
  }
  const roots = list.filter((e) => e.local);
  const reach = (starts: string[]): Set<string> => {
    const seen = new Set<string>();
    const stack = [...starts];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const e of byName.get(n) ?? []) if (!e.local) stack.push(...e.deps, ...e.opt);
    }
    return seen;
  };
  const prod = reach(roots.flatMap((r) => r.deps));
  const opt = reach(roots.flatMap((r) => r.opt));
  const dev = reach(roots.flatMap((r) => r.dev));
  const direct = new Set(roots.flatMap((r) => [...r.deps, ...r.opt, ...r.dev]));
  const graphKnown = roots.length > 0;

  for (const e of list) {
    if (e.local) continue;
    const inProd = prod.has(e.name);
    sink.add({
      ecosystem: 'PyPI',
      name: e.name,
      version: e.version,
      line: e.line,
      direct: graphKnown ? direct.has(e.name) : undefined,
      optional: graphKnown && !inProd && opt.has(e.name),
      dev: graphKnown && !inProd && !opt.has(e.name) && dev.has(e.name),
    });
  }
  return sink.result();
}
