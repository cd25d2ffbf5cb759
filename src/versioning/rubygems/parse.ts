/**
 * RubyGems versions (`Gem::Version`): `^[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`
 * (surrounding whitespace allowed), relaxed to let the first segment carry letters (`1beta`, as
 * osv-scalibr's ground truth and older gems do). `-` means `.pre.`; segments are runs of digits or letters; a
 * version with a letter segment is a prerelease. Trailing zero segments are dropped from the release
 * part and from the prerelease part; segments compare numbers numerically, strings with `<=>`, and a
 * string sorts before a number; missing segments are 0.
 */
import { compareDigits, compareStrings, isDigitCode, stripZeros } from '../generic.js';

/** A segment: a number (digits, no leading zeros) or a string. */
export interface GemSegment {
  num: boolean;
  s: string;
}

/** A parsed gem version (canonical segments). */
export interface GemVersion {
  segments: GemSegment[];
}

const GEM_RE = /^[0-9][0-9a-zA-Z]*(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

function dropTrailingZeros(segs: GemSegment[]): GemSegment[] {
  let end = segs.length;
  while (end > 0 && segs[end - 1]!.num && segs[end - 1]!.s === '0') end--;
  return segs.slice(0, end);
}

/** Parses a gem version; null when `Gem::Version.correct?` would be false. */
export function parseGem(version: string): GemVersion | null {
  const s = version.trim();
  if (!GEM_RE.test(s)) return null;
  const t = s.replaceAll('-', '.pre.');
  const segs: GemSegment[] = [];
  const re = /[0-9]+|[a-z]+/gi;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const isNum = isDigitCode(m[0].charCodeAt(0));
    segs.push(isNum ? { num: true, s: stripZeros(m[0]) } : { num: false, s: m[0] });
  }
  let split = segs.findIndex((x) => !x.num);
  if (split === -1) split = segs.length;
  return { segments: [...dropTrailingZeros(segs.slice(0, split)), ...dropTrailingZeros(segs.slice(split))] };
}

const ZERO: GemSegment = { num: true, s: '0' };

/** `Gem::Version#<=>`. */
export function compareGem(a: GemVersion, b: GemVersion): number {
  const len = a.segments.length > b.segments.length ? a.segments.length : b.segments.length;
  for (let i = 0; i < len; i++) {
    const x = a.segments[i] ?? ZERO;
    const y = b.segments[i] ?? ZERO;
    if (x.num && y.num) {
      const d = compareDigits(x.s, y.s);
      if (d !== 0) return d;
    } else if (!x.num && !y.num) {
      const d = compareStrings(x.s, y.s);
      if (d !== 0) return d;
    } else {
      return x.num ? 1 : -1;
    }
  }
  return 0;
}
