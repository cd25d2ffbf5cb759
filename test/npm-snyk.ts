/**
 * Helper for the JavaScript lockfile collectors' acceptance tests against snyk/nodejs-lockfile-parser's
 * expected DepGraphs (../shared/data/lockfiles/snyk-nodejs-lockfile-parser, see SOURCES.md).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CollectorResult } from '../src/core/plugin.js';
import { sharedData } from './fixtures.js';

/** One expected DepGraph file and the lockfile it describes. */
export interface SnykCase {
  /** Path of the expected file relative to the type folder, e.g. `workspaces/packages/b/expected.json`. */
  id: string;
  lockfile: string;
  /** Importer path of the project the graph is for (`.` for the root). */
  scope: string;
  manifest: unknown;
  /** Whether the expected graph includes dev dependencies. */
  includeDev: boolean;
  /** `name@version` of every package but the root. */
  expected: Set<string>;
}

function* walk(d: string): Generator<string> {
  for (const f of readdirSync(d).sort()) {
    const p = path.join(d, f);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

/**
 * Every expected-graph file under `type` (e.g. `npm-lock-v2`) with its lockfile (`lockName`, found
 * in the same or a parent folder). `defaultIncludeDev` is upstream's option for plain `expected.json`
 * when SOURCES.md states it, else `'infer'` (from the data, see below).
 */
export function snykCases(type: string, lockName: string, defaultIncludeDev: boolean | 'infer'): SnykCase[] {
  const root = sharedData('lockfiles', 'snyk-nodejs-lockfile-parser', type);
  const out: SnykCase[] = [];
  for (const f of walk(root)) {
    if (!/\/expected[^/]*\.json$/.test(f)) continue;
    let dir = path.dirname(f);
    let lock: string | undefined;
    while (dir.startsWith(root)) {
      if (existsSync(path.join(dir, lockName))) {
        lock = path.join(dir, lockName);
        break;
      }
      dir = path.dirname(dir);
    }
    if (!lock) continue;
    const exp = JSON.parse(readFileSync(f, 'utf8')) as {
      pkgs: { id: string }[];
      graph: { rootNodeId: string; nodes: { nodeId: string; pkgId: string }[] };
    };
    const rootPkg = exp.graph.nodes.find((n) => n.nodeId === exp.graph.rootNodeId)?.pkgId;
    const mp = path.join(path.dirname(lock), 'package.json');
    const manifest = existsSync(mp)
      ? (JSON.parse(readFileSync(mp, 'utf8')) as Record<string, unknown>)
      : undefined;
    const expected = new Set(exp.pkgs.map((p) => p.id).filter((id) => id !== rootPkg));
    // Upstream's option is not recorded in plain expected.json files; the data says it: a graph
    // holding one of the root's devDependencies (that is not also a dependency) included dev deps.
    const devOnly = Object.keys((manifest?.['devDependencies'] as object | undefined) ?? {}).filter(
      (n) => !Object.hasOwn((manifest?.['dependencies'] as object | undefined) ?? {}, n),
    );
    const namesInGraph = new Set([...expected].map((id) => id.slice(0, id.indexOf('@', 1))));
    const dataSaysDev = devOnly.some((n) => namesInGraph.has(n));
    out.push({
      id: path.relative(root, f),
      lockfile: lock,
      scope: path.relative(path.dirname(lock), path.dirname(f)) || '.',
      manifest,
      includeDev: /dev-deps-included/.test(f)
        ? true
        : /dev-deps-excluded/.test(f)
          ? false
          : defaultIncludeDev === 'infer'
            ? dataSaysDev
            : defaultIncludeDev,
      expected,
    });
  }
  return out;
}

/** Our `name@version` set for a case (dev packages dropped when the expected graph has none). */
export function ourSet(res: CollectorResult, includeDev: boolean): Set<string> {
  const out = new Set<string>();
  for (const o of res.observations) {
    if (o.kind !== 'package') continue;
    if (!includeDev && o.dev) continue;
    out.add(`${o.name}@${o.version}`);
  }
  return out;
}

/** What differs: in expected but not ours, in ours but not expected (both sorted). */
export function diffSets(expected: Set<string>, ours: Set<string>): { missing: string[]; extra: string[] } {
  return {
    missing: [...expected].filter((x) => !ours.has(x)).sort(),
    extra: [...ours].filter((x) => !expected.has(x)).sort(),
  };
}

/** A deliberate difference from upstream, listed (with the same reason) in the collector's readme. */
export interface KnownDiff {
  missing?: string[];
  extra?: string[];
  reason: string;
}

/** Asserts helper: the diff of one case equals its listed deliberate difference (or none). */
export function checkCase(
  c: SnykCase,
  ours: Set<string>,
  known: Record<
    string,
    KnownDiff & { extraCount?: number; extraIncludes?: string[]; oursExactly?: string[] }
  >,
): { ok: boolean; detail: string } {
  const d = diffSets(c.expected, ours);
  const k = known[c.id];
  if (!k) return { ok: d.missing.length === 0 && d.extra.length === 0, detail: JSON.stringify(d) };
  if (k.oursExactly) {
    const want = [...k.oursExactly].sort();
    return {
      ok: JSON.stringify([...ours].sort()) === JSON.stringify(want),
      detail: JSON.stringify([...ours].sort()),
    };
  }
  const missOk = JSON.stringify(d.missing) === JSON.stringify([...(k.missing ?? [])].sort());
  let extraOk: boolean;
  if (k.extraCount !== undefined) {
    extraOk = d.extra.length === k.extraCount && (k.extraIncludes ?? []).every((x) => d.extra.includes(x));
  } else {
    extraOk = JSON.stringify(d.extra) === JSON.stringify([...(k.extra ?? [])].sort());
  }
  return { ok: missOk && extraOk, detail: JSON.stringify(d) };
}
