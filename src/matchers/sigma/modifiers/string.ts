/**
 * String modifiers: wildcard parsing (`*`, `?`, `\` escapes as pySigma reads them), `contains`,
 * `startswith`, `endswith`, `windash`, `expand`, and compiling a Sigma string into a matcher
 * (case-insensitive unless `cased`). The general wildcard matcher is linear per segment start:
 * leftmost placement of each `*`-separated segment is optimal, so no backtracking is needed.
 */
import type { FieldValue } from '../event.js';
import { ANY, ONE, unsupported, type CharClass, type Part } from './types.js';

/** Parses a Sigma string value: `*` and `?` are wildcards, `\*`, `\?`, `\\` escape them. */
export function parseSigmaString(s: string): Part[] {
  const parts: Part[] = [];
  let lit = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else {
        lit += c;
      }
    } else if (c === '*' || c === '?') {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(c === '*' ? ANY : ONE);
    } else {
      lit += c;
    }
  }
  if (lit) parts.push(lit);
  return normalize(parts);
}

/** Merges adjacent literals and collapses repeated `*`. */
export function normalize(parts: Part[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string') {
      if (p === '') continue;
      if (typeof last === 'string') out[out.length - 1] = last + p;
      else out.push(p);
    } else if (p === ANY && last === ANY) {
      continue;
    } else {
      out.push(p);
    }
  }
  return out;
}

/** True when the parts are one literal (or empty): no wildcards or classes. */
export function isPlain(parts: Part[]): boolean {
  return parts.every((p) => typeof p === 'string');
}

/** The literal text of plain parts. */
export function plainText(parts: Part[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : '')).join('');
}

/** `contains`: `*value*`. */
export function contains(parts: Part[]): Part[] {
  return normalize([ANY, ...parts, ANY]);
}
/** `startswith`: `value*`. */
export function startsWith(parts: Part[]): Part[] {
  return normalize([...parts, ANY]);
}
/** `endswith`: `*value`. */
export function endsWith(parts: Part[]): Part[] {
  return normalize([ANY, ...parts]);
}

/** The characters `windash` allows wherever a command-line flag starts with `-` or `/`. */
export const WINDASH_CHARS = '-/\u2013\u2014\u2015';
const WINDASH: CharClass = { cls: WINDASH_CHARS };

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}_]/u.test(c);
}

/**
 * `windash`: every `-` or `/` that starts a word (not preceded by a word character, followed by
 * one, as pySigma's `\B[-/]\b`) may be any of `-`, `/`, en dash, em dash, horizontal bar.
 */
export function windash(parts: Part[]): Part[] {
  const out: Part[] = [];
  parts.forEach((p, idx) => {
    if (typeof p !== 'string') {
      out.push(p);
      return;
    }
    let lit = '';
    for (let i = 0; i < p.length; i++) {
      const c = p[i]!;
      if (c === '-' || c === '/') {
        const prev = i > 0 ? p[i - 1] : undefined;
        const prevIsWord = i > 0 ? isWordChar(prev) : false;
        const next = i + 1 < p.length ? p[i + 1] : undefined;
        const nextIsWord =
          next !== undefined
            ? isWordChar(next)
            : typeof parts[idx + 1] === 'string' && isWordChar((parts[idx + 1] as string)[0]);
        if (!prevIsWord && nextIsWord) {
          if (lit) out.push(lit);
          lit = '';
          out.push(WINDASH);
          continue;
        }
      }
      lit += c;
    }
    if (lit) out.push(lit);
  });
  return out;
}

/**
 * `expand`: replaces `%name%` placeholders with the configured values (each itself a Sigma string).
 * An unresolved placeholder makes the rule unsupported.
 */
export function expand(parts: Part[], placeholders: ReadonlyMap<string, readonly string[]>): Part[][] {
  let results: Part[][] = [[]];
  for (const p of parts) {
    if (typeof p !== 'string') {
      results = results.map((r) => [...r, p]);
      continue;
    }
    const re = /%([^%\s]+)%/g;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(p)) !== null) {
      const before = p.slice(last, m.index);
      const name = m[1]!;
      const values = placeholders.get(name) ?? placeholders.get(name.toLowerCase());
      if (!values || values.length === 0) unsupported(`expand: unresolved placeholder %${name}%`);
      const next: Part[][] = [];
      for (const r of results) for (const v of values) next.push([...r, before, ...parseSigmaString(v)]);
      if (next.length > 1024) unsupported('expand: too many placeholder combinations');
      results = next;
      last = m.index + m[0].length;
    }
    const rest = p.slice(last);
    results = results.map((r) => [...r, rest]);
  }
  return results.map(normalize);
}

type Seg = string[]; // per position: 1 char literal, '' for `?`, several chars for a class

function lowerParts(parts: Part[], cased: boolean): Part[] {
  if (cased) return parts;
  return parts.map((p) =>
    typeof p === 'string' ? p.toLowerCase() : typeof p === 'object' ? { cls: p.cls.toLowerCase() } : p,
  );
}

function toSegments(parts: Part[]): { segs: Seg[]; anchoredStart: boolean; anchoredEnd: boolean } {
  const segs: Seg[] = [];
  let cur: Seg = [];
  for (const p of parts) {
    if (p === ANY) {
      segs.push(cur);
      cur = [];
    } else if (p === ONE) cur.push('');
    else if (typeof p === 'string') for (const ch of p.split('')) cur.push(ch);
    else cur.push(p.cls);
  }
  segs.push(cur);
  return { segs, anchoredStart: parts[0] !== ANY, anchoredEnd: parts[parts.length - 1] !== ANY };
}

function segAt(s: string, pos: number, seg: Seg): boolean {
  for (let j = 0; j < seg.length; j++) {
    const e = seg[j]!;
    const c = s[pos + j]!;
    if (e.length === 1) {
      if (c !== e) return false;
    } else if (e.length > 1 && !e.includes(c)) return false;
  }
  return true;
}

function segFind(s: string, from: number, seg: Seg): number {
  for (let i = from; i + seg.length <= s.length; i++) if (segAt(s, i, seg)) return i;
  return -1;
}

/** A compiled test on a string. */
export type StringTest = (s: string) => boolean;

/** Compiles a Sigma string (already lower-cased unless `cased`) into a test on the value text. */
export function compileParts(parts0: Part[], cased: boolean): StringTest {
  const parts = normalize(lowerParts(parts0, cased));
  if (parts.length === 0) return (s) => s === '';
  if (isPlain(parts)) {
    const lit = plainText(parts);
    return (s) => s === lit;
  }
  if (parts.length === 1 && parts[0] === ANY) return () => true;
  const [a, b, c] = parts;
  if (parts.length === 2 && a === ANY && typeof b === 'string') return (s) => s.endsWith(b);
  if (parts.length === 2 && typeof a === 'string' && b === ANY) return (s) => s.startsWith(a);
  if (parts.length === 3 && a === ANY && typeof b === 'string' && c === ANY) return (s) => s.includes(b);
  const { segs, anchoredStart, anchoredEnd } = toSegments(parts);
  const first = segs[0]!;
  const last = segs[segs.length - 1]!;
  const middle = segs.slice(1, -1);
  if (segs.length === 1) {
    // no `*`: exact length with `?`/classes
    return (s) => s.length === first.length && segAt(s, 0, first);
  }
  const minLen = segs.reduce((n, sg) => n + sg.length, 0);
  return (s) => {
    if (s.length < minLen) return false;
    let pos = 0;
    if (anchoredStart) {
      if (!segAt(s, 0, first)) return false;
      pos = first.length;
    }
    const endLimit = anchoredEnd ? s.length - last.length : s.length;
    for (const seg of middle) {
      if (seg.length === 0) continue;
      const at = segFind(s, pos, seg);
      if (at < 0 || at + seg.length > endLimit) return false;
      pos = at + seg.length;
    }
    if (anchoredEnd) return endLimit >= pos && segAt(s, endLimit, last);
    return true;
  };
}

/** Wraps a string test as a field-value test (lower-cased text unless `cased`). */
export function fieldTest(test: StringTest, cased: boolean): (fv: FieldValue) => boolean {
  return cased ? (fv) => !fv.isNull && test(fv.raw) : (fv) => !fv.isNull && test(fv.lower);
}

/** True when the parts contain a `*` or `?` (used to reject wildcards under encodings). */
export function hasWildcards(parts: Part[]): boolean {
  return parts.some((p) => typeof p !== 'string');
}

/** Human-readable form of parts (for evidence): wildcards re-escaped. */
export function partsToString(parts: Part[]): string {
  return parts
    .map((p) =>
      p === ANY
        ? '*'
        : p === ONE
          ? '?'
          : typeof p === 'string'
            ? p.replace(/([*?\\])/g, '\\$1')
            : `[${p.cls}]`,
    )
    .join('');
}
