/**
 * The versioning registry: every comparator, and the explicit map from OSV ecosystem names
 * (including suffixed forms such as `Debian:12`, `Alpine:v3.18`, `Ubuntu:22.04:LTS`) to them.
 *
 * @example
 * ```ts
 * compareVersions('PyPI', '1.0.post1', '1.0'); // 1
 * compareVersions('Debian:12', '1.2-1~deb12u1', '1.2-1'); // -1
 * comparatorFor('Android'); // null: no well-defined ordering
 * ```
 */
import { alpineComparator } from './alpine/index.js';
import { cranComparator } from './cran/index.js';
import { debianComparator } from './debian/index.js';
import { hackageComparator } from './hackage/index.js';
import { mavenComparator } from './maven/index.js';
import { nugetComparator } from './nuget/index.js';
import { packagistComparator } from './packagist/index.js';
import { pep440Comparator } from './pep440/index.js';
import { pubComparator } from './pub/index.js';
import { rpmComparator } from './rpm/index.js';
import { rubygemsComparator } from './rubygems/index.js';
import { semverComparator } from './semver/index.js';
import type { Comparator } from './types.js';
import { vendorComparator } from './vendor/index.js';

export { InvalidVersionError, type Comparator } from './types.js';

/** Every comparator, one per folder under src/versioning/. */
export const comparators: readonly Comparator[] = [
  alpineComparator,
  cranComparator,
  debianComparator,
  hackageComparator,
  mavenComparator,
  nugetComparator,
  packagistComparator,
  pep440Comparator,
  pubComparator,
  rpmComparator,
  rubygemsComparator,
  semverComparator,
  vendorComparator,
];

/**
 * OSV ecosystem names (as OSV writes them) → comparator. Suffixed names (`Debian:12`) use the part
 * before the first `:`. Lookup is case-insensitive.
 */
export const ECOSYSTEM_COMPARATORS: Readonly<Record<string, Comparator>> = {
  // SemVer 2.0
  npm: semverComparator,
  'crates.io': semverComparator,
  Go: semverComparator,
  Hex: semverComparator,
  SwiftURL: semverComparator,
  Bitnami: semverComparator,
  'GitHub Actions': semverComparator,
  ConanCenter: semverComparator,
  // language ecosystems with their own rules
  PyPI: pep440Comparator,
  Maven: mavenComparator,
  NuGet: nugetComparator,
  RubyGems: rubygemsComparator,
  Packagist: packagistComparator,
  Pub: pubComparator,
  CRAN: cranComparator,
  Bioconductor: cranComparator,
  Hackage: hackageComparator,
  GHC: hackageComparator,
  // dpkg
  Debian: debianComparator,
  Ubuntu: debianComparator,
  // apk
  Alpine: alpineComparator,
  Wolfi: alpineComparator,
  Chainguard: alpineComparator,
  MinimOS: alpineComparator,
  Alpaquita: alpineComparator,
  'BellSoft Hardened Containers': alpineComparator,
  // rpm
  'Red Hat': rpmComparator,
  'Rocky Linux': rpmComparator,
  AlmaLinux: rpmComparator,
  openSUSE: rpmComparator,
  SUSE: rpmComparator,
  'Photon OS': rpmComparator,
  Mageia: rpmComparator,
  openEuler: rpmComparator,
  'Azure Linux': rpmComparator,
  'Oracle Linux': rpmComparator,
  // desktop applications (not an OSV ecosystem)
  vendor: vendorComparator,
};

/**
 * OSV ecosystems that exist but have no single well-defined version ordering (versions are
 * commits, kernel or platform builds, or free-form). Asking for them is an explicit error.
 */
export const UNSUPPORTED_ECOSYSTEMS: Readonly<Record<string, string>> = {
  Android: 'Android advisories use patch levels and GIT ranges, not an ordered version scheme',
  Linux: 'Linux kernel advisories use GIT ranges',
  'OSS-Fuzz': 'OSS-Fuzz advisories use GIT commit ranges',
  GIT: 'GIT ranges are commit graphs, not ordered versions',
  Julia: 'Julia VersionNumber ordering is not implemented',
  Kubernetes: 'Kubernetes component versions are not in a single scheme',
  VSCode: 'VS Code extension versions are not implemented',
  Echo: 'Echo versions are not implemented',
};

const BY_EXACT = new Map<string, Comparator>(Object.entries(ECOSYSTEM_COMPARATORS));
const BY_LOWER = new Map<string, Comparator>(
  Object.entries(ECOSYSTEM_COMPARATORS).map(([k, v]) => [k.toLowerCase(), v]),
);
const UNSUPPORTED_BY_LOWER = new Map<string, string>(
  Object.entries(UNSUPPORTED_ECOSYSTEMS).map(([k, v]) => [k.toLowerCase(), v]),
);

function baseName(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return (colon === -1 ? ecosystem : ecosystem.slice(0, colon)).trim().toLowerCase();
}

/**
 * The comparator for an OSV ecosystem name (`PyPI`, `Debian:12`, `Red Hat:enterprise_linux:9`),
 * or null when the ecosystem is unknown or has no well-defined ordering.
 */
export function comparatorFor(ecosystem: string): Comparator | null {
  const exact = BY_EXACT.get(ecosystem);
  if (exact) return exact;
  if (typeof ecosystem !== 'string') return null;
  return BY_LOWER.get(ecosystem.trim().toLowerCase()) ?? BY_LOWER.get(baseName(ecosystem)) ?? null;
}

/** Why an ecosystem is not supported (for `unsupported` issues), or undefined when it is. */
export function unsupportedReason(ecosystem: string): string | undefined {
  if (comparatorFor(ecosystem)) return undefined;
  return UNSUPPORTED_BY_LOWER.get(baseName(ecosystem)) ?? `unknown ecosystem "${ecosystem}"`;
}

/** Thrown by {@link compareVersions} for an ecosystem without a comparator. */
export class UnsupportedEcosystemError extends Error {
  constructor(readonly ecosystem: string) {
    super(`versioning: unsupported ecosystem "${ecosystem}": ${unsupportedReason(ecosystem) ?? ''}`);
    this.name = 'UnsupportedEcosystemError';
  }
}

/**
 * Compares two versions of one ecosystem: negative when `a < b`, 0 when equal, positive when
 * `a > b`.
 *
 * @throws UnsupportedEcosystemError for an unknown ecosystem or one without a well-defined order.
 * @throws InvalidVersionError when either version is not valid in the ecosystem's scheme.
 * @example
 * ```ts
 * compareVersions('npm', '1.2.3-beta.2', '1.2.3-beta.11'); // -1
 * compareVersions('Maven', '1.0-SNAPSHOT', '1.0'); // -1
 * ```
 */
export function compareVersions(ecosystem: string, a: string, b: string): number {
  const c = comparatorFor(ecosystem);
  if (!c) throw new UnsupportedEcosystemError(ecosystem);
  return c.compare(a, b);
}
