/**
 * Exact prefiltering. At compile time each rule gets a *necessary condition*: a set of
 * (field, literal) atoms such that the rule can only match an event in which at least one atom's
 * literal occurs in that field's lower-cased value (derived from the condition tree: AND keeps its
 * most selective child, OR unions, NOT and non-literal tests give "unknown"). At match time one
 * scan per field over the routed rules' atoms yields the candidate rules, and only those are
 * evaluated in full. A rule without a necessary condition is always evaluated. The prefilter
 * never decides a match, so it cannot change results, only skip rules that cannot match.
 */
import { identifierMatches, type CondNode } from './condition.js';
import type { FieldValue, SigmaEvent } from './event.js';
import type { Part } from './modifiers/types.js';

/** One necessary literal in one field (both lower-cased). */
export interface Atom {
  field: string;
  lit: string;
}
/** A necessary condition: at least one atom holds; null = unknown (always evaluate). */
export type Need = Atom[] | null;

/** The longest literal piece of a Sigma string (lower-cased), or undefined when it has none. */
export function longestLiteral(parts: Part[]): string | undefined {
  let best: string | undefined;
  for (const p of parts) if (typeof p === 'string' && p.length > (best?.length ?? 0)) best = p;
  return best?.toLowerCase();
}

function atomWeight(a: Atom): number {
  const n = a.lit.length;
  return n >= 6 ? 1 : n >= 4 ? 2 : n === 3 ? 8 : n === 2 ? 40 : 200;
}

/** Cost of a need as a prefilter (lower = more selective). */
export function needCost(n: Atom[]): number {
  let c = 0;
  for (const a of n) c += atomWeight(a);
  return c;
}

/** AND: any child's need is necessary; keep the cheapest known one. */
export function needAnd(ns: Need[]): Need {
  let best: Atom[] | null = null;
  let bestCost = Infinity;
  for (const n of ns) {
    if (!n) continue;
    const c = needCost(n);
    if (c < bestCost) {
      best = n;
      bestCost = c;
    }
  }
  return best;
}

/** OR: the union; unknown when any branch is unknown. */
export function needOr(ns: Need[]): Need {
  const out: Atom[] = [];
  for (const n of ns) {
    if (!n) return null;
    out.push(...n);
  }
  return out.length ? out : null;
}

/** The need of a condition tree given each search identifier's need. */
export function conditionNeed(node: CondNode, ids: ReadonlyMap<string, Need>): Need {
  switch (node.k) {
    case 'id':
      return ids.get(node.name) ?? null;
    case 'of': {
      const names =
        node.pattern === 'them'
          ? [...ids.keys()].filter((n) => !n.startsWith('_'))
          : [...ids.keys()].filter((n) => identifierMatches(node.pattern, n));
      const ns = names.map((n) => ids.get(n) ?? null);
      return node.all ? needAnd(ns) : needOr(ns);
    }
    case 'and':
      return needAnd(node.items.map((n) => conditionNeed(n, ids)));
    case 'or':
      return needOr(node.items.map((n) => conditionNeed(n, ids)));
    case 'not':
      return null;
  }
}

const ANCHOR = 4;
const MASK = 0x3fffffff; // keep hashes small integers: Map lookups then need no heap numbers
const P = 31;
const P3 = P * P * P;

/** Polynomial hash of the 4 code units at `i` (mod 2^30); rolled forward in {@link scanValue}. */
function anchorHash(s: string, i: number): number {
  let h = 0;
  for (let j = 0; j < ANCHOR; j++) h = (Math.imul(h, P) + s.charCodeAt(i + j)) | 0;
  return h & MASK;
}

interface FieldScan {
  field: string;
  /** Literals shorter than the anchor, by their first code unit. */
  short: Map<number, { lit: string; atom: number }[]>;
  /** Longer literals by the hash of their first four code units. */
  anchors: Map<number, { lit: string; atom: number }[]>;
  /** 65,536-bit filters over (hash & 0xffff) and (first code unit & 0xffff): most positions stop here. */
  anchorBits: Uint32Array;
  shortBits: Uint32Array;
}

function setBit(bits: Uint32Array, v: number): void {
  bits[(v & 0xffff) >>> 5]! |= 1 << (v & 31);
}

/** The prefilter for one route (the rules of one channel and EventID). */
export class RoutePrefilter {
  private readonly always: number[] = [];
  private readonly scans: FieldScan[] = [];
  private readonly atomRules: number[][] = [];
  private readonly seen: Int32Array;
  private serial = 0;

  constructor(needs: readonly Need[]) {
    this.seen = new Int32Array(needs.length);
    const atomIds = new Map<string, number>();
    const byField = new Map<string, FieldScan>();
    needs.forEach((need, ruleIdx) => {
      if (!need) {
        this.always.push(ruleIdx);
        return;
      }
      for (const a of need) {
        const key = `${a.field}\u0000${a.lit}`;
        let id = atomIds.get(key);
        if (id === undefined) {
          id = this.atomRules.length;
          atomIds.set(key, id);
          this.atomRules.push([]);
          let fs = byField.get(a.field);
          if (!fs) {
            fs = {
              field: a.field,
              short: new Map(),
              anchors: new Map(),
              anchorBits: new Uint32Array(2048),
              shortBits: new Uint32Array(2048),
            };
            byField.set(a.field, fs);
            this.scans.push(fs);
          }
          if (a.lit.length < ANCHOR) {
            const c = a.lit.charCodeAt(0);
            setBit(fs.shortBits, c);
            const l = fs.short.get(c) ?? [];
            l.push({ lit: a.lit, atom: id });
            fs.short.set(c, l);
          } else {
            const h = anchorHash(a.lit, 0);
            setBit(fs.anchorBits, h);
            const l = fs.anchors.get(h) ?? [];
            l.push({ lit: a.lit, atom: id });
            fs.anchors.set(h, l);
          }
        }
        const rules = this.atomRules[id]!;
        if (rules[rules.length - 1] !== ruleIdx) rules.push(ruleIdx);
      }
    });
  }

  /** Number of rules evaluated for every event (no necessary literal known). */
  get alwaysCount(): number {
    return this.always.length;
  }

  private out: number[] = [];

  private hit(atom: number): void {
    const serial = this.serial;
    for (const r of this.atomRules[atom]!) {
      if (this.seen[r] !== serial) {
        this.seen[r] = serial;
        this.out.push(r);
      }
    }
  }

  /** Indexes (ascending) of the rules that may match this event; valid until the next call. */
  candidates(ev: SigmaEvent): number[] {
    const serial = ++this.serial;
    const out = this.out;
    out.length = 0;
    for (const a of this.always) {
      this.seen[a] = serial;
      out.push(a);
    }
    for (const fs of this.scans) {
      const fv = ev.fields.get(fs.field);
      if (!fv) continue;
      if (fv.list) for (const x of fv.list) this.scanValue(fs, x);
      else this.scanValue(fs, fv);
    }
    return out.sort((a, b) => a - b);
  }

  private scanValue(fs: FieldScan, fv: FieldValue): void {
    const s = fv.lower;
    const n = s.length;
    const short = fs.short.size > 0 ? fs.short : undefined;
    if (short) {
      const sb = fs.shortBits;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if ((sb[(c & 0xffff) >>> 5]! & (1 << (c & 31))) === 0) continue;
        const l = short.get(c);
        if (l !== undefined) for (const e of l) if (s.startsWith(e.lit, i)) this.hit(e.atom);
      }
    }
    const anchors = fs.anchors;
    if (anchors.size === 0 || n < ANCHOR) return;
    const ab = fs.anchorBits;
    let h = anchorHash(s, 0);
    for (let i = 0; ; i++) {
      if ((ab[(h & 0xffff) >>> 5]! & (1 << (h & 31))) !== 0) {
        const l = anchors.get(h & MASK);
        if (l !== undefined) for (const e of l) if (s.startsWith(e.lit, i)) this.hit(e.atom);
      }
      if (i + ANCHOR >= n) break;
      // roll: drop s[i], add s[i + ANCHOR]
      h = (Math.imul((h - Math.imul(s.charCodeAt(i), P3)) | 0, P) + s.charCodeAt(i + ANCHOR)) | 0;
    }
  }
}
