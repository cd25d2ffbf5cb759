import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidVersionError } from './types.js';
import {
  comparatorFor,
  comparators,
  compareVersions,
  ECOSYSTEM_COMPARATORS,
  unsupportedReason,
  UnsupportedEcosystemError,
} from './index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const folders = readdirSync(here).filter(
  (f) => !f.startsWith('_') && statSync(path.join(here, f)).isDirectory(),
);

describe('versioning registry', () => {
  it('registers every comparator folder, with ids that are the folder path', async () => {
    expect(folders.length).toBeGreaterThanOrEqual(13);
    const ids = comparators.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const folder of folders) {
      expect(ids, folder).toContain(`versioning/${folder}`);
      const mod = (await import(pathToFileURL(path.join(here, folder, 'index.ts')).href)) as Record<
        string,
        unknown
      >;
      const exported = Object.values(mod).filter((v) => comparators.includes(v as never));
      expect(exported, `${folder}/index.ts exports its registered comparator`).toHaveLength(1);
    }
  });
  it('gives every comparator the same API', () => {
    for (const c of comparators) {
      expect(typeof c.parse, c.id).toBe('function');
      expect(typeof c.isValid, c.id).toBe('function');
      expect(typeof c.compare, c.id).toBe('function');
      expect(c.scheme.length, c.id).toBeGreaterThan(0);
      expect(c.version, c.id).toBeGreaterThanOrEqual(1);
      expect(c.description.length, c.id).toBeGreaterThan(10);
    }
  });
  it('maps OSV ecosystem names, including suffixed ones, to the right scheme', () => {
    const expected: Record<string, string> = {
      npm: 'semver',
      'crates.io': 'semver',
      Go: 'semver',
      Hex: 'semver',
      SwiftURL: 'semver',
      Bitnami: 'semver',
      'GitHub Actions': 'semver',
      PyPI: 'pep440',
      Maven: 'maven',
      NuGet: 'nuget',
      RubyGems: 'rubygems',
      Packagist: 'packagist',
      Pub: 'pub',
      CRAN: 'cran',
      Hackage: 'hackage',
      Debian: 'debian',
      'Debian:12': 'debian',
      Ubuntu: 'debian',
      'Ubuntu:22.04:LTS': 'debian',
      'Ubuntu:Pro:18.04:LTS': 'debian',
      Alpine: 'alpine',
      'Alpine:v3.18': 'alpine',
      Wolfi: 'alpine',
      Chainguard: 'alpine',
      'Red Hat': 'rpm',
      'Red Hat:enterprise_linux:9::appstream': 'rpm',
      'Rocky Linux': 'rpm',
      'Rocky Linux:9': 'rpm',
      AlmaLinux: 'rpm',
      'AlmaLinux:8': 'rpm',
      openSUSE: 'rpm',
      'openSUSE:Leap 15.5': 'rpm',
      SUSE: 'rpm',
      'SUSE:Linux Enterprise Server 15 SP5': 'rpm',
      'Photon OS': 'rpm',
      'Photon OS:5.0': 'rpm',
      Mageia: 'rpm',
      'Mageia:9': 'rpm',
      openEuler: 'rpm',
      'openEuler:22.03-LTS-SP1': 'rpm',
      pypi: 'pep440',
      vendor: 'vendor',
    };
    for (const [eco, scheme] of Object.entries(expected))
      expect(comparatorFor(eco)?.scheme, eco).toBe(scheme);
    for (const c of Object.values(ECOSYSTEM_COMPARATORS)) expect(comparators).toContain(c);
  });
  it('reports ecosystems without a well-defined ordering explicitly', () => {
    for (const eco of ['Android', 'Linux', 'OSS-Fuzz', 'GIT', 'NoSuchEcosystem', '']) {
      expect(comparatorFor(eco), eco).toBeNull();
      expect(unsupportedReason(eco), eco).toBeTruthy();
      expect(() => compareVersions(eco, '1', '2'), eco).toThrow(UnsupportedEcosystemError);
    }
    expect(unsupportedReason('npm')).toBeUndefined();
  });
  it('compareVersions compares and throws a clear error on invalid versions', () => {
    expect(compareVersions('Debian:11', '1.0~rc1', '1.0')).toBeLessThan(0);
    expect(compareVersions('PyPI', '1.0.post1', '1.0')).toBeGreaterThan(0);
    expect(compareVersions('Maven', '1.0.0', '1')).toBe(0);
    expect(() => compareVersions('npm', 'not-a-version', '1.0.0')).toThrow(InvalidVersionError);
    expect(() => compareVersions('npm', 'not-a-version', '1.0.0')).toThrow(
      'semver: "not-a-version" is not a valid version',
    );
  });
});
