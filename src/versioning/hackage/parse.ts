/**
 * Haskell package versions (Hackage, GHC; `Data.Version` / Cabal `Version`): one or more
 * non-negative integers separated by `.`, compared as lists (`1.0 < 1.0.0`).
 */
import { isDigitCode, stripZeros } from '../generic.js';
import { compareNumList } from '../cran/parse.js';

/** A parsed Haskell version. */
export interface HackageVersion {
  nums: string[];
}

/** Parses a Cabal version; null when invalid. */
export function parseHackage(version: string): HackageVersion | null {
  const s = version.trim();
  const nums: string[] = [];
  let i = 0;
  for (;;) {
    const start = i;
    while (i < s.length && isDigitCode(s.charCodeAt(i))) i++;
    if (i === start) return null;
    nums.push(stripZeros(s.slice(start, i)));
    if (i === s.length) break;
    if (s.charCodeAt(i) !== 46) return null;
    i++;
  }
  return { nums };
}

/** Cabal ordering. */
export function compareHackage(a: HackageVersion, b: HackageVersion): number {
  return compareNumList(a.nums, b.nums);
}
