/**
 * Maven versions, following the POM reference "Version Order Specification" as implemented by
 * `ComparableVersion`:
 *
 * - tokens are split at `.`, `-` and at every digit/non-digit transition (a transition counts as
 *   `-`); each token remembers its separator; empty tokens are `0`; case is ignored;
 * - `a1`/`b1`/`m1` mean alpha/beta/milestone 1 (only when directly followed by a digit); `cr` is `rc`;
 *   `ga`, `final` and `release` are the empty qualifier;
 * - trailing "null" tokens (`0`, empty) are trimmed, at the end and before each remaining `-`;
 * - comparison pads the shorter list with nulls; same separator: numbers numerically, numbers above
 *   qualifiers, known qualifiers alpha < beta < milestone < rc < snapshot < "" < sp, then other
 *   qualifiers alphabetically; different separators: `.qualifier` < `-qualifier` < `-number` < `.number`.
 */
import {
  compareDigits,
  compareStrings,
  isAllDigits,
  isDigitCode,
  isPrintableToken,
  stripZeros,
} from '../generic.js';

/** One token: separator (`.`, `-`, or `` for the first), value, and whether it is numeric. */
export interface MavenToken {
  sep: string;
  value: string;
  num: boolean;
  isNull: boolean;
}

/** A parsed Maven version. */
export interface MavenVersion {
  tokens: MavenToken[];
}

const KEYWORDS: Record<string, number> = {
  alpha: 0,
  beta: 1,
  milestone: 2,
  rc: 3,
  snapshot: 4,
  '': 5,
  sp: 6,
};
const UNKNOWN = 7;

function makeToken(sep: string, raw: string, followedByDigit: boolean): MavenToken {
  let v = raw.toLowerCase();
  if (v === '') v = '0';
  if (v === 'cr') v = 'rc';
  else if (v === 'ga' || v === 'final' || v === 'release') v = '';
  else if (followedByDigit) {
    if (v === 'a') v = 'alpha';
    else if (v === 'b') v = 'beta';
    else if (v === 'm') v = 'milestone';
  }
  const num = isAllDigits(v);
  if (num) v = stripZeros(v);
  return { sep, value: v, num, isNull: false };
}

/** Parses any non-empty version without whitespace (Maven accepts every string). */
export function parseMaven(version: string): MavenVersion | null {
  if (!isPrintableToken(version)) return null;
  const tokens: MavenToken[] = [];
  let sep = '';
  let i = 0;
  const n = version.length;
  for (;;) {
    // one raw token up to the next '.' or '-'
    let j = i;
    while (j < n && version[j] !== '.' && version[j] !== '-') j++;
    if (j === i) {
      tokens.push(makeToken(sep, '', false));
    } else {
      let start = i;
      let pieceSep = sep;
      for (let k = i + 1; k <= j; k++) {
        if (k === j || isDigitCode(version.charCodeAt(k)) !== isDigitCode(version.charCodeAt(k - 1))) {
          tokens.push(makeToken(pieceSep, version.slice(start, k), k !== j));
          start = k;
          pieceSep = '-';
        }
      }
    }
    if (j >= n) break;
    sep = version[j]!;
    i = j + 1;
  }
  // Trim trailing nulls, then repeat before each remaining hyphen, from the end to the start.
  let k = tokens.length - 1;
  while (k > 0) {
    const t = tokens[k]!;
    if (t.value === '0' || t.value === '') {
      tokens.splice(k, 1);
      k--;
      continue;
    }
    while (k >= 0 && tokens[k]!.sep !== '-') k--;
    k--;
  }
  return { tokens };
}

function nullFor(other: MavenToken): MavenToken {
  if (other.sep === '-') return { sep: '-', value: '', num: false, isNull: true };
  // `sp` is the only qualifier above the empty one, so pad against it with the empty qualifier.
  const value = other.value === 'sp' ? '' : '0';
  return { sep: other.sep, value, num: value === '0', isNull: true };
}

function sepOrder(t: MavenToken): number {
  if (t.num) return t.sep === '-' ? 2 : 3;
  return t.sep === '-' ? 1 : 0;
}

function lessThan(a: MavenToken, b: MavenToken): boolean {
  if (a.sep === b.sep) {
    if (a.num && b.num) return compareDigits(a.value, b.value) < 0;
    if (a.num && !a.isNull) return false;
    if (b.num && !b.isNull) return true;
    const x = KEYWORDS[a.value] ?? UNKNOWN;
    const y = KEYWORDS[b.value] ?? UNKNOWN;
    if (x === UNKNOWN && y === UNKNOWN) return compareStrings(a.value, b.value) < 0;
    return x < y;
  }
  return sepOrder(a) < sepOrder(b);
}

/** Maven ordering. */
export function compareMaven(a: MavenVersion, b: MavenVersion): number {
  const at = a.tokens;
  const bt = b.tokens;
  const len = at.length > bt.length ? at.length : bt.length;
  for (let i = 0; i < len; i++) {
    const x = i < at.length ? at[i]! : nullFor(bt[i]!);
    const y = i < bt.length ? bt[i]! : nullFor(at[i]!);
    if (x.sep === y.sep && x.value === y.value) continue;
    return lessThan(x, y) ? -1 : 1;
  }
  return 0;
}
