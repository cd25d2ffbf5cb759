/**
 * Shared building blocks for comparators: a bounded parse cache, digit-string comparison that
 * never overflows, and `defineComparator`, which turns a pure `parse` + `compareParsed` pair into a
 * {@link Comparator} (Renovate's `generic.ts` idea: implement parsing once, get the API).
 */
import { InvalidVersionError, type Comparator } from './types.js';

/** Longest version string any scheme accepts; longer input is invalid (bounded memory and time). */
export const MAX_VERSION_LENGTH = 256;

/** Entries per generation of each comparator's parse cache (two generations are kept). */
export const PARSE_CACHE_SIZE = 2048;

/** The pure part of a scheme: parse (null when invalid) and compare two parsed versions. */
export interface SchemeImpl<P> {
  parse(version: string): P | null;
  compareParsed(a: P, b: P): number;
}

/** A comparator that also exposes its parsed-value comparison (used by the OSV range evaluator). */
export interface SchemeComparator<P = unknown> extends Comparator<P> {
  /** Compares two already parsed versions. */
  compareParsed(a: P, b: P): number;
}

/** Metadata of a comparator plugin. */
export interface ComparatorMeta {
  id: string;
  scheme: string;
  description: string;
  version: number;
}

const INVALID = Symbol('invalid');

/**
 * Builds a comparator with a bounded parse cache: two generations of at most
 * {@link PARSE_CACHE_SIZE} entries each (when the young one is full it becomes the old one and the
 * previous old one is dropped), an approximate LRU that keeps memory bounded whatever the input.
 */
export function defineComparator<P>(meta: ComparatorMeta, impl: SchemeImpl<P>): SchemeComparator<P> {
  let young = new Map<string, P | typeof INVALID>();
  let old = new Map<string, P | typeof INVALID>();
  const parse = (version: string): P | null => {
    const cached = young.get(version);
    if (cached !== undefined) return cached === INVALID ? null : cached;
    let hit: P | typeof INVALID | undefined = old.get(version);
    if (hit === undefined) {
      const parsed =
        typeof version === 'string' && version.length <= MAX_VERSION_LENGTH ? impl.parse(version) : null;
      hit = parsed === null ? INVALID : parsed;
    }
    if (young.size >= PARSE_CACHE_SIZE) {
      old = young;
      young = new Map();
    }
    young.set(version, hit as P | typeof INVALID);
    return hit === INVALID ? null : (hit as P);
  };
  const compareParsed = (a: P, b: P): number => {
    const d = impl.compareParsed(a, b);
    return d < 0 ? -1 : d > 0 ? 1 : 0;
  };
  return {
    id: meta.id,
    version: meta.version,
    description: meta.description,
    scheme: meta.scheme,
    parse,
    isValid: (v) => parse(v) !== null,
    compareParsed,
    compare(a, b) {
      const pa = parse(a);
      if (pa === null) throw new InvalidVersionError(meta.scheme, a);
      const pb = parse(b);
      if (pb === null) throw new InvalidVersionError(meta.scheme, b);
      return compareParsed(pa, pb);
    },
  };
}

/** Strips leading zeros from a digit string ("007" → "7", "000" → "0"). */
export function stripZeros(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return i === 0 ? digits : digits.slice(i);
}

/** Compares two digit strings already stripped of leading zeros, at any length. */
export function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Plain code-unit comparison (like C `strcmp`, Go `strings.Compare`, Ruby `<=>`). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True for ASCII 0-9. */
export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** True for ASCII a-z or A-Z. */
export function isLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** True when the string is one or more ASCII digits. */
export function isAllDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigitCode(s.charCodeAt(i))) return false;
  return true;
}

/** True when the string has no whitespace or control characters (what "free-form" schemes accept). */
export function isPrintableToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === 127) return false;
  }
  return true;
}
