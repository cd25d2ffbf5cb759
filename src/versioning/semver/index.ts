/**
 * `semver`: SemVer 2.0.0 precedence for npm, crates.io, Go (pseudo-versions are prereleases,
 * `+incompatible` is build metadata), Hex, SwiftURL, Bitnami and OSV `SEMVER` ranges.
 */
import { defineComparator } from '../generic.js';
import { compareSemver, parseSemver, type SemverVersion } from './parse.js';

/** The SemVer 2.0.0 comparator. */
export const semverComparator = defineComparator<SemverVersion>(
  {
    id: 'versioning/semver',
    version: 1,
    scheme: 'semver',
    description: 'SemVer 2.0.0 (npm, crates.io, Go, Hex, SwiftURL, OSV SEMVER ranges)',
  },
  { parse: parseSemver, compareParsed: compareSemver },
);
