/**
 * Dart Pub versions (`pub_semver`): SemVer 2.0 precedence, except that build metadata counts: a
 * version with a build sorts after the same version without one, and builds compare identifier by
 * identifier like prereleases (`1.0.0 < 1.0.0+1 < 1.0.0+a`).
 */
import { compareIdents, compareSemver, parseSemver, type SemverVersion } from '../semver/parse.js';

/** Parses a Pub version (same syntax as {@link parseSemver}). */
export const parsePub = parseSemver;

/** Pub ordering. */
export function comparePub(a: SemverVersion, b: SemverVersion): number {
  const d = compareSemver(a, b);
  if (d !== 0) return d;
  const ab = a.build.length;
  const bb = b.build.length;
  if (ab === 0 || bb === 0) return ab === bb ? 0 : ab === 0 ? -1 : 1;
  return compareIdents(a.build, b.build);
}
