import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/fixtures.js';
import { fuzzParser } from '../../../test/npm-fuzz.js';
import type { Observed } from '../../core/observation.js';
import { parsePnpmLock } from './parse.js';
import { parseYamlLite } from './yaml-lite.js';

const dir = (): string => sharedData('lockfiles', 'osv-scalibr', 'javascript', 'pnpmlock', 'testdata');
const read = (f: string): Buffer => readFileSync(path.join(dir(), f));
type Pkg = Extract<Observed, { kind: 'package' }>;
const ids = (obs: Observed[]): string[] =>
  obs.map((o) => (o.kind === 'package' ? `${o.name}@${o.version}` : '')).sort();
const pkg = (obs: Observed[], id: string): Pkg | undefined =>
  obs.find((o): o is Pkg => o.kind === 'package' && `${o.name}@${o.version}` === id);

describe('pnpm-lock', () => {
  it('reads v9 importers and snapshots, computing dev and optional', () => {
    const y = [
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      "      '@s/a':",
      '        specifier: ^1',
      '        version: 1.0.0(react@18.0.0)',
      '    devDependencies:',
      '      d:',
      '        specifier: ^2',
      '        version: 2.0.0',
      'packages:',
      "  '@s/a@1.0.0':",
      '    resolution: {integrity: sha512-x}',
      '  d@2.0.0:',
      '    resolution: {integrity: sha512-y}',
      '  o@3.0.0:',
      '    resolution: {integrity: sha512-z}',
      'snapshots:',
      "  '@s/a@1.0.0(react@18.0.0)':",
      '    optionalDependencies:',
      '      o: 3.0.0',
      '  d@2.0.0: {}',
      '  o@3.0.0:',
      '    optional: true',
    ].join('\n');
    const res = parsePnpmLock(Buffer.from(y), 'pnpm-lock.yaml');
    expect(res.issues).toEqual([]);
    expect(ids(res.observations)).toEqual(['@s/a@1.0.0', 'd@2.0.0', 'o@3.0.0']);
    expect(pkg(res.observations, '@s/a@1.0.0')).toMatchObject({
      direct: true,
      purl: 'pkg:npm/%40s/a@1.0.0',
      locations: [{ line: 20 }],
    });
    expect(pkg(res.observations, 'd@2.0.0')).toMatchObject({ direct: true, dev: true });
    expect(pkg(res.observations, 'o@3.0.0')).toMatchObject({ direct: false, optional: true });
  });

  it('agrees with the full YAML parser on every fixture it accepts', async () => {
    const { parse } = await import('yaml');
    for (const f of readdirSync(dir())) {
      const lite = parseYamlLite(read(f).toString('utf8'));
      if (!lite) continue;
      let full: unknown;
      try {
        full = parse(read(f).toString('utf8'), { schema: 'failsafe' });
      } catch {
        continue;
      }
      expect(JSON.parse(JSON.stringify(lite.value)), f).toEqual(JSON.parse(JSON.stringify(full ?? {})));
    }
  });

  it('turns bad input into issues', () => {
    expect(parsePnpmLock(Buffer.from(''), 'p').issues[0]!.code).toBe('empty');
    expect(parsePnpmLock(Buffer.from('a: b\n  c: d'), 'p').issues[0]!.code).toBe('parse-error');
    expect(parsePnpmLock(Buffer.from("lockfileVersion: '3.0'\n"), 'p').issues[0]!.code).toBe('unsupported');
  });

  describe('osv-scalibr fixtures', () => {
    it('parses every fixture, with a clear issue for the broken ones', () => {
      const files = readdirSync(dir());
      expect(files.length).toBeGreaterThan(20);
      for (const f of files) {
        const res = parsePnpmLock(read(f), f);
        const codes = res.issues.map((i) => i.code);
        if (f === 'not-yaml.txt') expect(codes, f).toEqual(['invalid-value']);
        else if (f === 'empty.yaml') expect(codes, f).toEqual(['empty']);
        else if (f === 'invalid-path.yaml') expect(codes, f).toEqual(['invalid-value']);
        else expect(res.issues, f).toEqual([]);
      }
    });
    it('reads names and versions (representative set)', () => {
      expect(ids(parsePnpmLock(read('one-package.yaml'), 'x').observations)).toEqual(['acorn@8.7.0']);
      expect(ids(parsePnpmLock(read('one-package-v6-lockfile.yaml'), 'x').observations)).toEqual([
        'acorn@8.7.0',
      ]);
      expect(ids(parsePnpmLock(read('one-package.v9.yaml'), 'x').observations)).toEqual(['acorn@8.11.3']);
      expect(ids(parsePnpmLock(read('scoped-packages.v9.yaml'), 'x').observations)).toEqual([
        '@typescript-eslint/types@5.62.0',
      ]);
      expect(ids(parsePnpmLock(read('multiple-versions.v9.yaml'), 'x').observations)).toEqual([
        'uuid@8.0.0',
        'uuid@8.3.2',
        'xmlbuilder@11.0.1',
      ]);
      expect(ids(parsePnpmLock(read('peer-dependencies-v6.yaml'), 'x').observations)).toEqual([
        'js-tokens@4.0.0',
        'loose-envify@1.4.0',
        'react-dom@18.2.0',
        'react@18.2.0',
        'scheduler@0.23.0',
      ]);
      const mixed = parsePnpmLock(read('mixed-groups.v6.yaml'), 'x').observations;
      expect(pkg(mixed, 'is-number@7.0.0')!.dev).toBe(true);
      expect(pkg(mixed, 'uuid@8.0.0')!.optional).toBe(true);
      expect(pkg(mixed, 'ansi-regex@5.0.0')!.dev).toBeUndefined();
      expect(pkg(parsePnpmLock(read('one-package-dev.v9.yaml'), 'x').observations, 'acorn@8.11.3')!.dev).toBe(
        true,
      );
      const tar = pkg(parsePnpmLock(read('tarball.yaml'), 'x').observations, '@my-org/my-package@3.2.3')!;
      expect(tar.purl).toContain('download_url=');
    });
  });

  it('survives 10,000 mutated inputs', { timeout: 120_000 }, () => {
    const seeds = [
      'mixed-groups.v6.yaml',
      'one-package-dev.v9.yaml',
      'tarball.yaml',
      'scoped-packages.yaml',
    ].map(read);
    const r = fuzzParser((b) => parsePnpmLock(b, 'pnpm-lock.yaml'), seeds);
    expect(r.withIssues).toBeGreaterThan(0);
    expect(r.withPackages).toBeGreaterThan(0);
  });
});
