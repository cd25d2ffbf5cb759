/**
 * SemVer 2.0.0 parsing and precedence, as used by npm, crates.io, Go, Hex and OSV `SEMVER` ranges.
 *
 * Accepted (the OSV-lenient form, same inputs osv-scalibr accepts): an optional `v`, one or more
 * dot-separated numeric components of any length (missing ones are 0, so `1` = `1.0.0`; extra ones
 * after the third compare numerically), an optional `-prerelease` of dot-separated
 * `[0-9A-Za-z-]` identifiers and an optional `+build` (ignored for precedence).
 */
import { compareDigits, compareStrings, isDigitCode, isLetterCode, stripZeros } from '../generic.js';

/** A prerelease or build identifier: digits compare numerically, others in ASCII order. */
export interface Ident {
  /** True when all digits (then `s` has no leading zeros). */
  num: boolean;
  s: string;
}

/** A parsed SemVer-like version. */
export interface SemverVersion {
  /** Numeric release components without leading zeros. */
  nums: string[];
  /** Prerelease identifiers; empty when a release. */
  pre: Ident[];
  /** Build identifiers (empty when none). */
  build: Ident[];
}

function isIdentChar(c: number): boolean {
  return isDigitCode(c) || isLetterCode(c) || c === 45; /* - */
}

/** Parses dot-separated identifiers from `s[start..end)`; null when one is empty or has bad chars. */
export function parseIdents(s: string, start: number, end: number, lower: boolean): Ident[] | null {
  const out: Ident[] = [];
  let i = start;
  while (i <= end) {
    let j = i;
    let allDigits = true;
    while (j < end && s.charCodeAt(j) !== 46) {
      const c = s.charCodeAt(j);
      if (!isIdentChar(c)) return null;
      if (!isDigitCode(c)) allDigits = false;
      j++;
    }
    if (j === i) return null;
    const raw = s.slice(i, j);
    out.push(
      allDigits ? { num: true, s: stripZeros(raw) } : { num: false, s: lower ? raw.toLowerCase() : raw },
    );
    i = j + 1;
    if (j === end) break;
  }
  return out;
}

const NONE: Ident[] = [];

/** Options for {@link parseSemverLike}. */
export interface SemverLikeOptions {
  /** Most numeric components accepted. */
  maxNums: number;
  /** Accept a leading `v` (and `V` when `upperV`). */
  leadingV: boolean;
  /** Lower-case alphanumeric identifiers (NuGet compares them case-insensitively). */
  lowerIdents: boolean;
}

/** Parses `v?N(.N)*(-pre)?(+build)?`; null when invalid. */
export function parseSemverLike(s: string, opts: SemverLikeOptions): SemverVersion | null {
  const n = s.length;
  let i = 0;
  if (opts.leadingV && n > 0 && s.charCodeAt(0) === 118 /* v */) i = 1;
  const nums: string[] = [];
  for (;;) {
    const start = i;
    while (i < n && s.charCodeAt(i) === 48) i++;
    const digits = i;
    while (i < n && isDigitCode(s.charCodeAt(i))) i++;
    if (i === start) return null;
    nums.push(i === digits ? '0' : s.slice(digits, i));
    if (nums.length > opts.maxNums) return null;
    if (i < n && s.charCodeAt(i) === 46 /* . */) {
      i++;
      continue;
    }
    break;
  }
  if (i === n) return { nums, pre: NONE, build: NONE };
  let pre: Ident[] = NONE;
  let build: Ident[] = NONE;
  const plus = s.indexOf('+', i);
  const preEnd = plus === -1 ? n : plus;
  if (i < n && s.charCodeAt(i) === 45 /* - */) {
    const p = parseIdents(s, i + 1, preEnd, opts.lowerIdents);
    if (!p) return null;
    pre = p;
  } else if (i !== preEnd) {
    return null;
  }
  if (plus !== -1) {
    const b = parseIdents(s, plus + 1, n, false);
    if (!b) return null;
    build = b;
  }
  return { nums, pre, build };
}

/** Compares numeric components, padding the shorter list with zeros. */
export function compareNums(a: string[], b: string[]): number {
  const len = a.length > b.length ? a.length : b.length;
  for (let k = 0; k < len; k++) {
    const d = compareDigits(a[k] ?? '0', b[k] ?? '0');
    if (d !== 0) return d;
  }
  return 0;
}

/** SemVer identifier-list precedence: numeric < alphanumeric; a longer list wins a tie. */
export function compareIdents(a: Ident[], b: Ident[]): number {
  const len = a.length < b.length ? a.length : b.length;
  for (let k = 0; k < len; k++) {
    const x = a[k]!;
    const y = b[k]!;
    let d: number;
    if (x.num && y.num) d = compareDigits(x.s, y.s);
    else if (x.num) d = -1;
    else if (y.num) d = 1;
    else d = compareStrings(x.s, y.s);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** SemVer 2.0.0 precedence (build metadata ignored). */
export function compareSemver(a: SemverVersion, b: SemverVersion): number {
  const d = compareNums(a.nums, b.nums);
  if (d !== 0) return d;
  const ap = a.pre.length;
  const bp = b.pre.length;
  if (ap === 0 || bp === 0) return ap === bp ? 0 : ap === 0 ? 1 : -1;
  return compareIdents(a.pre, b.pre);
}

/** Parses a SemVer version in the OSV-lenient form. */
export function parseSemver(s: string): SemverVersion | null {
  return parseSemverLike(s, { maxNums: 64, leadingV: true, lowerIdents: false });
}
