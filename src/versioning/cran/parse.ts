/**
 * R package versions (CRAN, Bioconductor; R's `package_version`): at least two non-negative
 * integers separated by `.` or `-`. Components compare numerically; when one list is a prefix of
 * the other the longer one is greater (`0.1.0 < 0.1.0.0`).
 */
import { compareDigits, isDigitCode, stripZeros } from '../generic.js';

/** A parsed R version. */
export interface CranVersion {
  nums: string[];
}

/** Parses an R package version; null when invalid. */
export function parseCran(version: string): CranVersion | null {
  const s = version.trim();
  const nums: string[] = [];
  let i = 0;
  for (;;) {
    const start = i;
    while (i < s.length && isDigitCode(s.charCodeAt(i))) i++;
    if (i === start) return null;
    nums.push(stripZeros(s.slice(start, i)));
    if (i === s.length) break;
    const c = s.charCodeAt(i);
    if (c !== 46 && c !== 45) return null;
    i++;
  }
  return nums.length >= 2 ? { nums } : null;
}

/** Compares dotted integer lists; a longer list wins a tie (Haskell `Data.Version`, R). */
export function compareNumList(a: string[], b: string[]): number {
  const len = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < len; i++) {
    const d = compareDigits(a[i]!, b[i]!);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** R ordering. */
export function compareCran(a: CranVersion, b: CranVersion): number {
  return compareNumList(a.nums, b.nums);
}
