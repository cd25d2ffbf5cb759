/**
 * Packagist (Composer) versions, ordered like PHP's `version_compare` after Composer's leading
 * `v`/`V` is removed.
 *
 * Canonical form: `-`, `_`, `+` and `.` separate elements, and a boundary between a digit and a
 * non-digit also separates them (`1.0rc1` → `1.0.rc.1`). Elements compare pairwise: numbers
 * numerically; words by their special form `dev < alpha = a < beta = b < RC = rc < # < pl = p` (a word
 * takes the form it starts with; any other word sorts below `dev`); a number against a word counts
 * as `#`. When one version has more elements, a following number makes it greater, otherwise the
 * rest is compared against `#`.
 */
import { compareDigits, isDigitCode, isPrintableToken, stripZeros } from '../generic.js';

/** A canonical element: a number (digits without leading zeros) or a word with its weight. */
export interface PackagistElement {
  num: boolean;
  s: string;
  /** Special-form weight of a word (-1 when not a special form). */
  weight: number;
}

/** A parsed Packagist version. */
export interface PackagistVersion {
  elements: PackagistElement[];
}

const FORMS: [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function weigh(word: string): number {
  for (const [name, w] of FORMS) if (word.startsWith(name)) return w;
  return -1;
}

const HASH: PackagistElement = { num: false, s: '#', weight: 4 };

function isSep(c: number): boolean {
  return c === 45 || c === 95 || c === 43 || c === 46; // - _ + .
}

/** Parses any non-empty version without whitespace (PHP's `version_compare` accepts all strings). */
export function parsePackagist(version: string): PackagistVersion | null {
  if (!isPrintableToken(version)) return null;
  let s = version;
  const c0 = s.charCodeAt(0);
  if ((c0 === 118 || c0 === 86) && s.length > 1) s = s.slice(1);
  const elements: PackagistElement[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isSep(c)) {
      i++;
      continue;
    }
    const start = i;
    const digit = isDigitCode(c);
    while (i < n) {
      const d = s.charCodeAt(i);
      if (isSep(d) || isDigitCode(d) !== digit) break;
      i++;
    }
    const raw = s.slice(start, i);
    elements.push(
      digit ? { num: true, s: stripZeros(raw), weight: 4 } : { num: false, s: raw, weight: weigh(raw) },
    );
  }
  return elements.length > 0 ? { elements } : null;
}

function compareElements(a: PackagistElement[], b: PackagistElement[]): number {
  const len = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < len; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const d = x.num && y.num ? compareDigits(x.s, y.s) : x.weight - y.weight;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (a.length > b.length) return a[len]!.num ? 1 : compareElements(a.slice(len), [HASH]);
  if (b.length > a.length) return b[len]!.num ? -1 : compareElements([HASH], b.slice(len));
  return 0;
}

/** `version_compare` ordering. */
export function comparePackagist(a: PackagistVersion, b: PackagistVersion): number {
  return compareElements(a.elements, b.elements);
}
