/**
 * Package-name normalisation per ecosystem, so a lockfile's spelling and an advisory's spelling
 * meet: PEP 503 for PyPI, case-insensitive registries lower-cased, the rest exact.
 */

/** The ecosystem without an OSV release suffix (`Debian:12` → `Debian`), lower-cased. */
export function ecosystemBase(ecosystem: string): string {
  const i = ecosystem.indexOf(':');
  return (i < 0 ? ecosystem : ecosystem.slice(0, i)).trim().toLowerCase();
}

/** Normalised name for matching within `ecosystem`. */
export function normalizePackageName(ecosystem: string, name: string): string {
  const base = ecosystemBase(ecosystem);
  const n = name.trim();
  switch (base) {
    case 'pypi':
      return n.toLowerCase().replace(/[-_.]+/g, '-');
    case 'nuget':
    case 'packagist':
    case 'hex':
    case 'pub':
    case 'hackage':
      return n.toLowerCase();
    case 'crates.io':
      return n.toLowerCase().replace(/_/g, '-');
    default:
      return n;
  }
}

/** Key under which advisories and observations meet. */
export function packageKey(ecosystem: string, name: string): string {
  return `${ecosystemBase(ecosystem)}\u0000${normalizePackageName(ecosystem, name)}`;
}
