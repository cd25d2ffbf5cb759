/**
 * OSV `affected[]` evaluation (OSV schema § Evaluation): a version is affected when it is listed in
 * `versions` or lies in any `SEMVER` or `ECOSYSTEM` range. Within a range the events are sorted in
 * the range's order (`introduced: "0"` first, ties keep the record's order) and walked:
 * `introduced ≤ v` → affected, `fixed ≤ v` → not, `last_affected < v` → not; a range with `limit`
 * events only applies below at least one limit (`*` = no limit).
 *
 * `GIT` ranges (commit graphs), unknown range types, and comparisons that cannot be made (an
 * ecosystem without an ordering, a version its comparator rejects) are never guessed: the range is
 * reported in `unsupported` and does not match. A range that needs no comparison (only
 * `introduced: "0"`) matches every version in any ecosystem.
 */
import { comparatorFor, unsupportedReason } from './index.js';
import { semverComparator } from './semver/index.js';
import type { Comparator } from './types.js';

/** One OSV range event; exactly one key is set. */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

/** An OSV range. */
export interface OsvRange {
  /** `SEMVER`, `ECOSYSTEM` or `GIT` (other values are reported as unsupported). */
  type: string;
  repo?: string;
  events: OsvEvent[];
  database_specific?: unknown;
}

/** An OSV `affected[]` entry. */
export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: unknown;
  database_specific?: unknown;
}

/** What made a version affected, to cite in evidence. */
export interface AffectedMatch {
  /** `version`: listed in `versions`; `range`: inside a range. */
  type: 'version' | 'range';
  /** The matching range (for `range`). */
  range?: OsvRange;
  /** Index of the matching range in `affected.ranges`. */
  rangeIndex?: number;
  /** The listed version that matched (for `version`). */
  version?: string;
  /** The `introduced` event that opened the matching interval. */
  introduced?: string;
  /** The `fixed` event that closes it, if any. */
  fixed?: string;
  /** The `last_affected` event that closes it, if any. */
  lastAffected?: string;
}

/** Result of {@link evaluateAffected}. */
export interface AffectedEvaluation {
  affected: boolean;
  matchedBy?: AffectedMatch;
  /** Ranges that could not be evaluated, with the reason (e.g. GIT ranges, invalid versions). */
  unsupported?: string[];
}

type EventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';

interface Ev {
  kind: EventKind;
  value: string;
}

function eventOf(e: OsvEvent): Ev | null {
  if (e.introduced !== undefined) return { kind: 'introduced', value: e.introduced };
  if (e.fixed !== undefined) return { kind: 'fixed', value: e.fixed };
  if (e.last_affected !== undefined) return { kind: 'last_affected', value: e.last_affected };
  if (e.limit !== undefined) return { kind: 'limit', value: e.limit };
  return null;
}

function isZero(e: Ev): boolean {
  return e.kind === 'introduced' && e.value === '0';
}

function isInfinite(e: Ev): boolean {
  return e.kind === 'limit' && e.value.includes('*');
}

/**
 * Stand-in for an ecosystem without an ordering: a range that needs no comparison (only
 * `introduced: "0"`) still evaluates; any comparison fails with the reason.
 */
function unordered(reason: string): Comparator {
  return {
    id: 'versioning/unordered',
    version: 1,
    description: reason,
    scheme: 'unordered',
    parse: () => null,
    isValid: () => false,
    compare() {
      throw new Error(reason);
    },
  };
}

/** Comparator for a range, or a reason it cannot be evaluated. */
function rangeComparator(affected: OsvAffected, range: OsvRange): Comparator | string {
  if (!range || typeof range !== 'object') return 'range is not an object';
  if (range.type === 'SEMVER') return semverComparator;
  if (range.type === 'ECOSYSTEM') {
    const eco = affected.package?.ecosystem;
    if (typeof eco !== 'string' || eco === '') return 'ECOSYSTEM range without package.ecosystem';
    return comparatorFor(eco) ?? unordered(`${unsupportedReason(eco) ?? eco}`);
  }
  if (String(range.type) === 'GIT')
    return `GIT range${range.repo ? ` on ${range.repo}` : ''} not evaluated (commit ranges need the repository)`;
  return `range type "${String(range.type)}" not supported`;
}

function sortEvents(events: Ev[], cmp: Comparator): Ev[] {
  // "0" first, "*" limits last, otherwise comparator order; ties keep the record's order (stable).
  return events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => {
      const xz = isZero(x.e) ? -1 : isInfinite(x.e) ? 1 : 0;
      const yz = isZero(y.e) ? -1 : isInfinite(y.e) ? 1 : 0;
      if (xz !== 0 || yz !== 0) return xz - yz || x.i - y.i;
      return cmp.compare(x.e.value, y.e.value) || x.i - y.i;
    })
    .map((x) => x.e);
}

interface RangeResult {
  affected: boolean;
  introduced?: string;
  fixed?: string;
  lastAffected?: string;
}

interface PreparedRange {
  limits: Ev[];
  /** Non-limit events in evaluation order. */
  events: Ev[];
}

// Sorted events per (range object, comparator): records are evaluated against many versions, and
// are treated as immutable once evaluated.
const prepared = new WeakMap<OsvRange, Map<Comparator, PreparedRange>>();

function prepare(range: OsvRange, cmp: Comparator): PreparedRange {
  const hit = prepared.get(range)?.get(cmp);
  if (hit) return hit;
  const all: Ev[] = [];
  for (const e of Array.isArray(range.events) ? range.events : []) {
    const ev = e && typeof e === 'object' ? eventOf(e) : null;
    if (ev && typeof ev.value === 'string') all.push(ev);
  }
  const result: PreparedRange = {
    limits: all.filter((e) => e.kind === 'limit'),
    events: sortEvents(
      all.filter((e) => e.kind !== 'limit'),
      cmp,
    ),
  };
  let byCmp = prepared.get(range);
  if (!byCmp) prepared.set(range, (byCmp = new Map<Comparator, PreparedRange>()));
  byCmp.set(cmp, result);
  return result;
}

/** The schema's IncludedInRanges for one range; throws InvalidVersionError when a needed comparison fails. */
function evaluateRange(range: OsvRange, version: string, cmp: Comparator): RangeResult {
  const { limits, events } = prepare(range, cmp);
  if (limits.length > 0 && !limits.some((l) => isInfinite(l) || cmp.compare(version, l.value) < 0)) {
    return { affected: false };
  }
  let vulnerable = false;
  let openedAt = -1;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind === 'introduced') {
      if (isZero(e) || cmp.compare(version, e.value) >= 0) {
        vulnerable = true;
        openedAt = i;
      }
    } else if (e.kind === 'fixed') {
      if (cmp.compare(version, e.value) >= 0) vulnerable = false;
    } else if (cmp.compare(version, e.value) > 0) {
      vulnerable = false;
    }
  }
  if (!vulnerable) return { affected: false };
  const result: RangeResult = { affected: true, introduced: events[openedAt]!.value };
  for (let i = openedAt + 1; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind === 'fixed') {
      result.fixed = e.value;
      break;
    }
    if (e.kind === 'last_affected') {
      result.lastAffected = e.value;
      break;
    }
  }
  return result;
}

function listed(affected: OsvAffected, version: string): string | undefined {
  const versions = Array.isArray(affected.versions) ? affected.versions : [];
  if (versions.includes(version)) return version;
  const eco = affected.package?.ecosystem;
  const cmp = typeof eco === 'string' ? comparatorFor(eco) : null;
  if (typeof version !== 'string') return undefined;
  if (!cmp || !cmp.isValid(version)) return undefined;
  // Spellings of the same version (PyPI 1.0 = 1.0.0, Maven 1 = 1.0) count as listed.
  return versions.find((v) => typeof v === 'string' && cmp.isValid(v) && cmp.compare(v, version) === 0);
}

/**
 * Evaluates one OSV `affected` entry for a version, reporting what matched and which ranges could
 * not be evaluated.
 *
 * @example
 * ```ts
 * evaluateAffected(
 *   { package: { ecosystem: 'npm', name: 'chalk' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '5.6.1' }, { fixed: '5.6.2' }] }] },
 *   '5.6.1',
 * ); // { affected: true, matchedBy: { type: 'range', introduced: '5.6.1', fixed: '5.6.2', ... } }
 * ```
 */
export function evaluateAffected(affected: OsvAffected, version: string): AffectedEvaluation {
  const unsupported: string[] = [];
  const ranges = Array.isArray(affected.ranges) ? affected.ranges : [];
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i]!;
    const cmp = rangeComparator(affected, range);
    if (typeof cmp === 'string') {
      unsupported.push(cmp);
      continue;
    }
    let r: RangeResult;
    try {
      r = evaluateRange(range, version, cmp);
    } catch (e) {
      unsupported.push(`${String(range.type)} range ${i}: ${(e as Error).message}`);
      continue;
    }
    if (r.affected) {
      const matchedBy: AffectedMatch = { type: 'range', range, rangeIndex: i };
      if (r.introduced !== undefined) matchedBy.introduced = r.introduced;
      if (r.fixed !== undefined) matchedBy.fixed = r.fixed;
      if (r.lastAffected !== undefined) matchedBy.lastAffected = r.lastAffected;
      return unsupported.length ? { affected: true, matchedBy, unsupported } : { affected: true, matchedBy };
    }
  }
  const hit = listed(affected, version);
  if (hit !== undefined) {
    const matchedBy: AffectedMatch = { type: 'version', version: hit };
    return unsupported.length ? { affected: true, matchedBy, unsupported } : { affected: true, matchedBy };
  }
  return unsupported.length ? { affected: false, unsupported } : { affected: false };
}

/**
 * True when `version` is affected by the OSV `affected` entry (listed, or inside a `SEMVER` or
 * `ECOSYSTEM` range). Ranges that cannot be evaluated never match; use {@link evaluateAffected} to
 * see them.
 *
 * @example
 * ```ts
 * isAffected({ package: { ecosystem: 'PyPI', name: 'ctx' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { last_affected: '0.2.6' }] }] }, '0.2.6'); // true
 * ```
 */
export function isAffected(affected: OsvAffected, version: string): boolean {
  return evaluateAffected(affected, version).affected;
}

/**
 * The lowest `fixed` event above `version` across the entry's `SEMVER` and `ECOSYSTEM` ranges (for
 * upgrade advice), or undefined when there is none or the versions cannot be compared.
 */
export function nearestFixed(affected: OsvAffected, version: string): string | undefined {
  let best: string | undefined;
  let bestCmp: Comparator | undefined;
  for (const range of Array.isArray(affected.ranges) ? affected.ranges : []) {
    const cmp = rangeComparator(affected, range);
    if (typeof cmp === 'string' || !cmp.isValid(version)) continue;
    for (const e of Array.isArray(range.events) ? range.events : []) {
      const f = e?.fixed;
      if (typeof f !== 'string' || !cmp.isValid(f) || cmp.compare(f, version) <= 0) continue;
      if (best === undefined || (bestCmp === cmp && cmp.compare(f, best) < 0)) {
        best = f;
        bestCmp = cmp;
      }
    }
  }
  return best;
}
