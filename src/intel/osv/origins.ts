/**
 * ossf/malicious-packages records merge every report ("origin") they were built from, and keep the
 * ranges of superseded revisions of the same upstream advisory: MAL-2025-47141 still carries
 * GHSA-qjqf-7j6f-82c4's first revision (`introduced: 0`, every version) next to its corrected one
 * (4.1.1 to 4.1.2). Matching the union flags clean versions.
 *
 * When every origin states its own ranges or versions, we keep, per (source, upstream id), only the
 * latest revision (by `modified_time`, then `import_time`), and use the union of what the kept
 * origins say. Origins without an upstream id (e.g. package-analysis detections) are all kept.
 * Records whose origins do not all carry ranges or versions, or with several `affected` entries,
 * are used as published, and the result is only ever narrower than the published entry. See docs/decisions/0004-superseded-osv-origins.md.
 */
import type { PackageAffected, PackageRangeEvent } from '../../core/intel.js';

interface Origin {
  source?: unknown;
  id?: unknown;
  modified_time?: unknown;
  import_time?: unknown;
  ranges?: unknown;
  versions?: unknown;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Range = NonNullable<PackageAffected['ranges']>[number];

function asRanges(v: unknown): Range[] | null {
  if (!Array.isArray(v)) return null;
  const out: Range[] = [];
  for (const r of v) {
    if (!isObj(r) || typeof r['type'] !== 'string' || !Array.isArray(r['events'])) return null;
    const events: PackageRangeEvent[] = [];
    for (const e of r['events']) {
      if (!isObj(e)) return null;
      const keys = Object.keys(e).filter((k) =>
        ['introduced', 'fixed', 'last_affected', 'limit'].includes(k),
      );
      if (keys.length !== 1 || typeof e[keys[0]!] !== 'string') return null;
      events.push({ [keys[0]!]: e[keys[0]!] });
    }
    out.push({ type: r['type'], events });
  }
  return out;
}

/** Returns the affected entry narrowed to current origin revisions, or the entry unchanged. */
export function narrowToCurrentOrigins(
  entries: PackageAffected[],
  databaseSpecific: unknown,
): { entries: PackageAffected[]; narrowed: boolean } {
  if (entries.length !== 1 || !isObj(databaseSpecific)) return { entries, narrowed: false };
  const origins = databaseSpecific['malicious-packages-origins'];
  if (!Array.isArray(origins) || origins.length < 2) return { entries, narrowed: false };
  const list = origins.filter(isObj) as Origin[];
  if (list.length !== origins.length || list.some((o) => o.ranges === undefined && o.versions === undefined))
    return { entries, narrowed: false };
  const latest = new Map<string, Origin>();
  const keep: Origin[] = [];
  for (const o of list) {
    if (typeof o.id !== 'string' || o.id === '') {
      keep.push(o);
      continue;
    }
    const k = `${String(o.source)}\u0000${o.id}`;
    const prev = latest.get(k);
    const t = (x: Origin): string =>
      `${typeof x.modified_time === 'string' ? x.modified_time : ''}\u0000${typeof x.import_time === 'string' ? x.import_time : ''}`;
    if (!prev || t(o) >= t(prev)) latest.set(k, o);
  }
  keep.push(...latest.values());
  if (keep.length === list.length) return { entries, narrowed: false };
  const ranges: Range[] = [];
  const versions = new Set<string>();
  for (const o of keep) {
    if (o.ranges !== undefined) {
      const r = asRanges(o.ranges);
      if (!r) return { entries, narrowed: false };
      ranges.push(...r);
    }
    if (o.versions !== undefined) {
      if (!Array.isArray(o.versions) || o.versions.some((v) => typeof v !== 'string'))
        return { entries, narrowed: false };
      for (const v of o.versions as string[]) versions.add(v);
    }
  }
  // Only ever narrow: every kept range and version must be in the published entry.
  const published = entries[0]!;
  const pubRanges = new Set((published.ranges ?? []).map((r) => JSON.stringify([r.type, r.events])));
  const pubVersions = new Set(published.versions ?? []);
  if (
    ranges.some((r) => !pubRanges.has(JSON.stringify([r.type, r.events]))) ||
    [...versions].some((v) => !pubVersions.has(v))
  ) {
    return { entries, narrowed: false };
  }
  const entry: PackageAffected = { ...published };
  delete entry.ranges;
  delete entry.versions;
  if (ranges.length) entry.ranges = ranges;
  if (versions.size) entry.versions = [...versions];
  return { entries: [entry], narrowed: true };
}
