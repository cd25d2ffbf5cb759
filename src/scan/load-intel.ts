/**
 * Loads intel from files, directories and archives through the importer registry, and merges it.
 * Shipped packs (the package's `intel/` folder) load by default.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../core/errors.js';
import { emptyIntel, type IntelBundle } from '../core/intel.js';
import { cmp, issue, type Issue } from '../core/issue.js';
import type { FileRef, Importer } from '../core/plugin.js';
import type { WalkLimits } from './limits.js';
import { readEntries } from './read.js';
import type { StatusBook } from './status.js';
import { listEvidence } from './walk.js';

/** The folder of intel packs shipped with chainhunt. */
export function shippedIntelDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'intel');
}

const SNIFF_BYTES = 4096;
const QUIET = /(^|\/)(readme|license|licence|copying|notice|changelog)(\.[a-z]+)?$|\.md$|(^|\/)\.[^/]+$/i;

/** Importers that claim a file: by name, else by content sniffing. */
export function importersFor(list: readonly Importer[], ref: FileRef, content: Buffer | null): Importer[] {
  const byName = list.filter((i) => i.matches(ref));
  if (!content) return byName;
  const head = content.subarray(0, SNIFF_BYTES);
  if (byName.length === 1) return byName;
  if (byName.length > 1) {
    // Several claim the name (e.g. any *.yml): those that also recognise the content win.
    const sure = byName.filter((i) => i.sniff?.(head, ref) ?? false);
    return sure.length > 0 ? sure : byName;
  }
  return list.filter((i) => i.sniff?.(head, ref) ?? false);
}

export interface LoadedIntel {
  intel: IntelBundle;
  issues: Issue[];
  /** sha256 over the sorted (path, sha256) of every file read: the content checksum of the sources. */
  checksum: string;
  files: number;
}

/** Loads and merges intel from `paths` (plus shipped packs when `withDefaults`). */
export async function loadIntel(
  paths: readonly string[],
  opts: {
    withDefaults: boolean;
    importers: readonly Importer[];
    limits: WalkLimits;
    signal: AbortSignal;
    status: StatusBook;
  },
): Promise<LoadedIntel> {
  const issues: Issue[] = [];
  const bundles: IntelBundle[] = [];
  const roots: { p: string; shipped: boolean }[] = [];
  if (opts.withDefaults) {
    const dir = shippedIntelDir();
    if (existsSync(dir)) roots.push({ p: dir, shipped: true });
  }
  for (const p of paths) roots.push({ p, shipped: false });
  for (const imp of opts.importers) opts.status.register(imp, 'importer');
  const digests: string[] = [];
  for (const root of roots) {
    const listed = await listEvidence(root.p, opts.limits, opts.signal);
    issues.push(...listed.issues);
    const single = listed.entries.length === 1 && listed.entries[0]?.container.kind === 'fs';
    await readEntries(
      listed.entries,
      opts.limits,
      opts.signal,
      async (f) => {
        const ref = f.entry.ref;
        digests.push(`${f.entry.rel}\u0000${f.digests.sha256}`);
        if (!f.content) {
          issues.push(
            issue(
              'too-large',
              `intel file larger than the ${opts.limits.maxFileSize}-byte limit; not imported`,
              { file: ref.path },
            ),
          );
          return;
        }
        const claim = importersFor(opts.importers, ref, f.content);
        if (claim.length === 0) {
          if (single || !QUIET.test(f.entry.rel)) {
            if (!root.shipped)
              issues.push(
                issue('unsupported', 'no importer recognises this file; not used as intel', {
                  file: ref.path,
                  pluginId: 'scan/intel',
                }),
              );
          }
          return;
        }
        for (const imp of claim) {
          try {
            const r = await imp.import({ file: ref, content: f.content, signal: opts.signal });
            const stamped = r.issues.map((i) => ({
              ...i,
              file: i.file ?? ref.path,
              pluginId: i.pluginId ?? imp.id,
            }));
            issues.push(...stamped);
            bundles.push(r.intel);
            const produced = r.intel.advisories.length + r.intel.indicators.length + r.intel.rules.length;
            opts.status.record(imp, 'importer', { produced, issues: stamped });
          } catch (err) {
            const i = issue('internal-error', `importer failed: ${errorMessage(err)}`, {
              file: ref.path,
              pluginId: imp.id,
            });
            issues.push(i);
            opts.status.record(imp, 'importer', { produced: 0, issues: [i], failed: true });
          }
        }
      },
      issues,
    );
  }
  digests.sort();
  const checksum = createHash('sha256').update(digests.join('\n')).digest('hex');
  return { intel: mergeIntel(bundles, issues), issues, checksum, files: digests.length };
}

/** Merges bundles: sources and advisories by id (first wins, duplicates reported), indicators deduplicated. */
export function mergeIntel(bundles: readonly IntelBundle[], issues: Issue[]): IntelBundle {
  const out = emptyIntel();
  const sources = new Set<string>();
  const advisories = new Map<string, string>();
  const indicators = new Set<string>();
  const rules = new Set<string>();
  for (const b of bundles) {
    for (const s of b.sources) {
      if (sources.has(s.id)) continue;
      sources.add(s.id);
      out.sources.push(s);
    }
    for (const a of b.advisories) {
      const prev = advisories.get(a.id);
      if (prev !== undefined) {
        if (prev !== a.source || a.kind !== 'package') {
          issues.push(
            issue(
              'duplicate',
              `advisory ${a.id} loaded twice (sources ${prev} and ${a.source}); the first is used`,
              { pluginId: 'scan/intel' },
            ),
          );
        }
        continue;
      }
      advisories.set(a.id, a.source);
      out.advisories.push(a);
    }
    for (const i of b.indicators) {
      const k = `${i.type}\u0000${i.value}\u0000${i.source}\u0000${i.sourceRef ?? ''}`;
      if (indicators.has(k)) continue;
      indicators.add(k);
      out.indicators.push(i);
    }
    for (const r of b.rules) {
      const k = `${r.format}\u0000${r.id}`;
      if (rules.has(k)) {
        issues.push(
          issue('duplicate', `${r.format} rule ${r.id} loaded twice; the first is used`, {
            file: r.file ?? r.source,
            pluginId: 'scan/intel',
          }),
        );
        continue;
      }
      rules.add(k);
      out.rules.push(r);
    }
  }
  out.sources.sort((a, b) => cmp(a.id, b.id));
  return out;
}
