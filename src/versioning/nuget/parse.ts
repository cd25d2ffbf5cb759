/**
 * NuGet versions: SemVer 2.0 plus the legacy four-part form (`1.0.0.1`). One to four numeric parts
 * (missing ones are 0, so `1.0` = `1.0.0.0`), an optional `-prerelease` compared like SemVer but
 * case-insensitively, and `+metadata`, which is ignored.
 */
import { compareIdents, compareNums, parseSemverLike, type SemverVersion } from '../semver/parse.js';

/** Parses a NuGet version; null when invalid. */
export function parseNuget(version: string): SemverVersion | null {
  return parseSemverLike(version.trim(), { maxNums: 4, leadingV: false, lowerIdents: true });
}

/** NuGet ordering. */
export function compareNuget(a: SemverVersion, b: SemverVersion): number {
  const d = compareNums(a.nums, b.nums);
  if (d !== 0) return d;
  const ap = a.pre.length;
  const bp = b.pre.length;
  if (ap === 0 || bp === 0) return ap === bp ? 0 : ap === 0 ? 1 : -1;
  return compareIdents(a.pre, b.pre);
}
