/**
 * PEP 440 versions (PyPI), with the pre-PEP 440 "legacy" fallback of `packaging` < 22.
 *
 * Key (as `packaging.version._cmpkey`): epoch; release with trailing zeros dropped; pre-release
 * (a < b < rc; a dev-only release sorts before every pre-release of it); post-release; dev-release;
 * local version (numeric segments > alphanumeric, longer wins a tie). Spellings are normalised:
 * alpha→a, beta→b, c/pre/preview→rc, r/rev→post, `1.0-1` is `1.0.post1`, separators `-_.` optional.
 * Strings that are not PEP 440 parse as legacy versions (packaging's `LegacyVersion`), which sort
 * before every PEP 440 version.
 */
import { compareDigits, compareStrings, isAllDigits, stripZeros } from '../generic.js';

/** A parsed Python version. */
export interface Pep440Version {
  /** Legacy (non PEP 440) key parts, or null for a PEP 440 version. */
  legacy: string[] | null;
  epoch: string;
  release: string[];
  /** Pre-release phase (`a`, `b`, `rc`) or null. */
  preL: string | null;
  preN: string;
  /** Post-release number or null. */
  post: string | null;
  /** Dev-release number or null. */
  dev: string | null;
  /** Local segments (numbers without leading zeros, strings lower-cased), or null. */
  local: string[] | null;
}

// PEP 440 Appendix B, anchored; every quantifier is followed by a distinct delimiter so matching is
// linear in practice, and input length is capped by the caller.
const PEP440_RE =
  /^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|beta|preview|pre|a|b|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/;

const PRE_NORMAL: Record<string, string> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

const LEGACY_REPLACE: Record<string, string> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };

/** `packaging` LegacyVersion key parts. */
function legacyParts(lower: string): string[] {
  // re.split(r"(\d+|[a-z]+|\.|-)") keeps both the matches and the text between them.
  const pieces: string[] = [];
  const re = /\d+|[a-z]+|\.|-/g;
  let last = 0;
  for (let m = re.exec(lower); m; m = re.exec(lower)) {
    if (m.index > last) pieces.push(lower.slice(last, m.index));
    pieces.push(m[0]);
    last = m.index + m[0].length;
  }
  if (last < lower.length) pieces.push(lower.slice(last));
  pieces.push('final');
  const parts: string[] = [];
  for (let i = 0; i < pieces.length; i++) {
    let part = pieces[i]!;
    if (i === pieces.length - 1) {
      part = '*final';
    } else {
      part = LEGACY_REPLACE[part] ?? part;
      if (part === '' || part === '.') continue;
      const c = part.charCodeAt(0);
      part = c >= 48 && c <= 57 ? part.padStart(8, '0') : '*' + part;
    }
    if (part.startsWith('*')) {
      if (part < '*final') while (parts.length > 0 && parts[parts.length - 1] === '*final-') parts.pop();
      while (parts.length > 0 && parts[parts.length - 1] === '00000000') parts.pop();
    }
    parts.push(part);
  }
  return parts;
}

/** Fast path for the common plain release (`1.2.3`): digits separated by single dots. */
function parseReleaseOnly(s: string): Pep440Version | null {
  const release: string[] = [];
  const n = s.length;
  let i = 0;
  for (;;) {
    const start = i;
    while (i < n && s.charCodeAt(i) === 48) i++;
    const digits = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      i++;
    }
    if (i === start) return null;
    release.push(i === digits ? '0' : s.slice(digits, i));
    if (i === n) break;
    if (s.charCodeAt(i) !== 46) return null;
    i++;
  }
  while (release.length > 1 && release[release.length - 1] === '0') release.pop();
  return { legacy: null, epoch: '0', release, preL: null, preN: '0', post: null, dev: null, local: null };
}

/** Parses a Python version; null only for empty or control-character input. */
export function parsePep440(version: string): Pep440Version | null {
  const fast = parseReleaseOnly(version);
  if (fast) return fast;
  const lower = version.toLowerCase();
  const m = PEP440_RE.exec(lower);
  if (!m) {
    const t = lower.trim();
    if (t.length === 0) return null;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c < 32 || c === 127) return null;
    }
    return {
      legacy: legacyParts(t),
      epoch: '0',
      release: [],
      preL: null,
      preN: '0',
      post: null,
      dev: null,
      local: null,
    };
  }
  const release = m[2]!.split('.').map(stripZeros);
  while (release.length > 1 && release[release.length - 1] === '0') release.pop();
  let post: string | null = null;
  if (m[5] !== undefined) post = stripZeros(m[5]);
  else if (m[6] !== undefined) post = stripZeros(m[7] ?? '0');
  let local: string[] | null = null;
  if (m[10] !== undefined) local = m[10].split(/[-_.]/).map((p) => (isAllDigits(p) ? stripZeros(p) : p));
  return {
    legacy: null,
    epoch: stripZeros(m[1] ?? '0'),
    release,
    preL: m[3] !== undefined ? PRE_NORMAL[m[3]]! : null,
    preN: stripZeros(m[4] ?? '0'),
    post,
    dev: m[8] !== undefined ? stripZeros(m[9] ?? '0') : null,
    local,
  };
}

function compareLegacy(a: string[], b: string[]): number {
  const len = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < len; i++) {
    const d = compareStrings(a[i]!, b[i]!);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** `packaging` ordering. */
export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  if (a.legacy || b.legacy) {
    if (!a.legacy) return 1;
    if (!b.legacy) return -1;
    return compareLegacy(a.legacy, b.legacy);
  }
  let d = compareDigits(a.epoch, b.epoch);
  if (d !== 0) return d;
  const len = a.release.length > b.release.length ? a.release.length : b.release.length;
  for (let i = 0; i < len; i++) {
    d = compareDigits(a.release[i] ?? '0', b.release[i] ?? '0');
    if (d !== 0) return d;
  }
  // pre: dev-only releases (no pre, no post) sort first; no pre sorts after any pre.
  const aRank = a.preL === null ? (a.post === null && a.dev !== null ? -1 : 1) : 0;
  const bRank = b.preL === null ? (b.post === null && b.dev !== null ? -1 : 1) : 0;
  if (aRank !== bRank) return aRank - bRank;
  if (aRank === 0) {
    d = compareStrings(a.preL!, b.preL!);
    if (d !== 0) return d;
    d = compareDigits(a.preN, b.preN);
    if (d !== 0) return d;
  }
  if (a.post !== b.post) {
    if (a.post === null) return -1;
    if (b.post === null) return 1;
    d = compareDigits(a.post, b.post);
    if (d !== 0) return d;
  }
  if (a.dev !== b.dev) {
    if (a.dev === null) return 1;
    if (b.dev === null) return -1;
    d = compareDigits(a.dev, b.dev);
    if (d !== 0) return d;
  }
  if (a.local === null || b.local === null) return a.local === b.local ? 0 : a.local === null ? -1 : 1;
  const ll = a.local.length < b.local.length ? a.local.length : b.local.length;
  for (let i = 0; i < ll; i++) {
    const x = a.local[i]!;
    const y = b.local[i]!;
    const xn = isAllDigits(x);
    const yn = isAllDigits(y);
    if (xn && yn) d = compareDigits(x, y);
    else if (xn) d = 1;
    else if (yn) d = -1;
    else d = compareStrings(x, y);
    if (d !== 0) return d;
  }
  return a.local.length - b.local.length;
}
