/**
 * Alpine apk versions: `number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}`.
 *
 * Numeric components compare as integers, except that a component other than the first with a
 * leading zero compares as a string (apk's rule); a missing component is 0. Then the optional
 * single lower-case letter (none < a < z), then suffixes in the order
 * `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p` with their numbers, then the
 * `-rN` build number. Text that does not fit the grammar is kept as a remainder: a version with a
 * remainder sorts before the same version without one, and two versions that are both malformed
 * compare as plain strings, as `apk version -t` does with such strings.
 */
import { compareDigits, compareStrings, isDigitCode, isPrintableToken, stripZeros } from '../generic.js';

/** A parsed apk version. */
export interface AlpineVersion {
  original: string;
  /** Numeric components as written (leading zeros kept). */
  nums: string[];
  letter: string;
  /** Suffixes as [weight, number] pairs. */
  suffixes: [number, string][];
  build: string;
  remainder: string;
  /** True when the text after the known parts is not a `-r` build. */
  invalid: boolean;
}

const SUFFIX_WEIGHT: Record<string, number> = {
  alpha: 0,
  beta: 1,
  pre: 2,
  rc: 3,
  cvs: 5,
  svn: 6,
  git: 7,
  hg: 8,
  p: 9,
};
const NO_SUFFIX = 4;
const SUFFIX_RE = /^_(alpha|beta|pre|rc|cvs|svn|git|hg|p)(\d*)/;

/** Parses an apk version; null only for empty text or text with whitespace or control characters. */
export function parseAlpine(version: string): AlpineVersion | null {
  if (!isPrintableToken(version)) return null;
  const s = version;
  const n = s.length;
  let i = 0;
  const nums: string[] = [];
  // ((\d+)\.?)*
  while (i < n && isDigitCode(s.charCodeAt(i))) {
    const start = i;
    while (i < n && isDigitCode(s.charCodeAt(i))) i++;
    nums.push(s.slice(start, i));
    if (i < n && s.charCodeAt(i) === 46) {
      i++;
      if (!(i < n && isDigitCode(s.charCodeAt(i)))) nums.push('');
    }
  }
  let letter = '';
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      letter = s[i]!;
      i++;
    }
  }
  const suffixes: [number, string][] = [];
  for (;;) {
    const m = SUFFIX_RE.exec(s.slice(i));
    if (!m) break;
    suffixes.push([SUFFIX_WEIGHT[m[1]!]!, stripZeros(m[2] || '0')]);
    i += m[0].length;
  }
  const hash = /^~[0-9a-f]+/.exec(s.slice(i));
  if (hash) i += hash[0].length;
  let build = '0';
  let invalid = false;
  if (i < n) {
    const m = /^-r(\d*)/.exec(s.slice(i));
    if (m) {
      build = stripZeros(m[1] || '0');
      i += m[0].length;
    } else {
      invalid = true;
    }
  }
  return { original: s, nums, letter, suffixes, build, remainder: s.slice(i), invalid };
}

function compareNum(a: string | undefined, b: string | undefined, index: number): number {
  const x = a ?? '0';
  const y = b ?? '0';
  if (index !== 0 && (x.charCodeAt(0) === 48 || y.charCodeAt(0) === 48)) {
    // apk compares components with a leading zero as strings; a missing component is the empty
    // string there, so 1 < 1.0 < 1.00 stays a total order.
    return compareStrings(a ?? '', b ?? '');
  }
  return compareDigits(stripZeros(x || '0'), stripZeros(y || '0'));
}

/** apk ordering. */
export function compareAlpine(a: AlpineVersion, b: AlpineVersion): number {
  if (a.invalid && b.invalid) return compareStrings(a.original, b.original);
  const len = a.nums.length > b.nums.length ? a.nums.length : b.nums.length;
  for (let k = 0; k < len; k++) {
    const d = compareNum(a.nums[k], b.nums[k], k);
    if (d !== 0) return d;
  }
  if (a.letter !== b.letter) {
    if (a.letter === '') return -1;
    if (b.letter === '') return 1;
    return compareStrings(a.letter, b.letter);
  }
  const sl = a.suffixes.length > b.suffixes.length ? a.suffixes.length : b.suffixes.length;
  for (let k = 0; k < sl; k++) {
    const [aw, an] = a.suffixes[k] ?? [NO_SUFFIX, '0'];
    const [bw, bn] = b.suffixes[k] ?? [NO_SUFFIX, '0'];
    if (aw !== bw) return aw - bw;
    const d = compareDigits(an, bn);
    if (d !== 0) return d;
  }
  const d = compareDigits(a.build, b.build);
  if (d !== 0) return d;
  if ((a.remainder === '') !== (b.remainder === '')) return a.remainder === '' ? 1 : -1;
  return 0;
}
