import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectorInput, sharedData } from '../../../test/fixtures.js';
import { fuzzParser } from '../../../test/npm-fuzz.js';
import type { Observed } from '../../core/observation.js';
import { npmLockCollector } from './index.js';
import { parseNpmLock } from './parse.js';

const dir = (): string => sharedData('lockfiles', 'osv-scalibr', 'javascript', 'packagelockjson', 'testdata');
const read = (f: string): Buffer => readFileSync(path.join(dir(), f));
const ids = (obs: Observed[]): string[] =>
  obs.map((o) => (o.kind === 'package' ? `${o.name}@${o.version}` : '')).sort();
const pkg = (obs: Observed[], id: string): Extract<Observed, { kind: 'package' }> | undefined =>
  obs.find(
    (o): o is Extract<Observed, { kind: 'package' }> =>
      o.kind === 'package' && `${o.name}@${o.version}` === id,
  );

describe('npm-lock collector', () => {
  it('matches lockfile names only', () => {
    expect(npmLockCollector.matches(collectorInput('a/package-lock.json', '').file)).toBe(true);
    expect(npmLockCollector.matches(collectorInput('a/npm-shrinkwrap.json', '').file)).toBe(true);
    expect(npmLockCollector.matches(collectorInput('a/node_modules/.package-lock.json', '').file)).toBe(true);
    expect(npmLockCollector.matches(collectorInput('a/package.json', '').file)).toBe(false);
  });

  it('reads v3 with alias, scope, dev, optional, git and line numbers', () => {
    const lock = JSON.stringify(
      {
        lockfileVersion: 3,
        packages: {
          '': { dependencies: { alias: 'npm:@s/real@^1', g: 'github:u/g' }, devDependencies: { d: '1' } },
          'node_modules/alias': {
            name: '@s/real',
            version: '1.2.3',
            resolved: 'https://registry.npmjs.org/@s/real/-/real-1.2.3.tgz',
          },
          'node_modules/d': { version: '1.0.0', dev: true, dependencies: { o: '1' } },
          'node_modules/o': { version: '2.0.0', dev: true, optional: true },
          'node_modules/g': { version: '0.1.0', resolved: 'git+ssh://git@github.com/u/g.git#abc123' },
        },
      },
      null,
      2,
    );
    const res = parseNpmLock(Buffer.from(lock), 'package-lock.json');
    expect(res.issues).toEqual([]);
    expect(ids(res.observations)).toEqual(['@s/real@1.2.3', 'd@1.0.0', 'g@0.1.0', 'o@2.0.0']);
    const real = pkg(res.observations, '@s/real@1.2.3')!;
    expect(real.purl).toBe('pkg:npm/%40s/real@1.2.3');
    expect(real.direct).toBe(true);
    expect(real.locations[0]!.line).toBe(
      lock.split('\n').findIndex((l) => l.includes('"node_modules/alias"')) + 1,
    );
    expect(pkg(res.observations, 'd@1.0.0')).toMatchObject({ dev: true, direct: true });
    expect(pkg(res.observations, 'o@2.0.0')).toMatchObject({ dev: true, optional: true, direct: false });
    expect(pkg(res.observations, 'g@0.1.0')!.purl).toBe(
      'pkg:npm/g@0.1.0?vcs_url=git%2Bssh%3A%2F%2Fgit%40github.com%2Fu%2Fg.git%23abc123',
    );
  });

  it('reads v1 nested dependencies and aliases', () => {
    const lock = {
      lockfileVersion: 1,
      dependencies: { a: { version: 'npm:b@1.0.0', dependencies: { c: { version: '2.0.0', dev: true } } } },
    };
    const res = parseNpmLock(Buffer.from(JSON.stringify(lock, null, 2)), 'package-lock.json');
    expect(ids(res.observations)).toEqual(['b@1.0.0', 'c@2.0.0']);
    expect(pkg(res.observations, 'c@2.0.0')!.dev).toBe(true);
    expect(pkg(res.observations, 'b@1.0.0')!.locations[0]!.line).toBe(4);
  });

  it('turns bad input into issues', () => {
    expect(parseNpmLock(Buffer.from(''), 'p').issues[0]!.code).toBe('empty');
    expect(parseNpmLock(Buffer.from('{'), 'p').issues[0]!.code).toBe('parse-error');
    expect(parseNpmLock(Buffer.from('null'), 'p').issues[0]!.code).toBe('invalid-value');
    expect(parseNpmLock(Buffer.from('{"lockfileVersion":9,"packages":{}}'), 'p').issues[0]!.code).toBe(
      'unsupported',
    );
    const bad = parseNpmLock(
      Buffer.from(
        '{"lockfileVersion":3,"packages":{"node_modules/x":{},"node_modules/__proto__":{"version":"1.0.0"}}}',
      ),
      'p',
    );
    expect(bad.issues.map((i) => i.code)).toEqual(['invalid-value', 'invalid-value']);
  });

  describe('osv-scalibr fixtures', () => {
    it('parses every fixture, with a clear issue for the broken ones', () => {
      const files = readdirSync(dir(), { recursive: true })
        .map(String)
        .filter((f) => statSync(path.join(dir(), f)).isFile());
      expect(files.length).toBeGreaterThan(20);
      for (const f of files) {
        const res = parseNpmLock(read(f), f);
        if (f.startsWith('null'))
          expect(
            res.issues.map((i) => i.code),
            f,
          ).toEqual(['invalid-value']);
        else if (f.startsWith('empty')) expect(res.observations, f).toEqual([]);
        else if (f.includes('commits.v2'))
          expect(
            res.issues.map((i) => i.message),
            f,
          ).toEqual(['packages["node_modules/raven-js"]: missing version']);
        else expect(res.issues, f).toEqual([]);
      }
    });
    it('reads names and versions (representative set)', () => {
      expect(ids(parseNpmLock(read('one-package.v1.json'), 'x').observations)).toEqual(['wrappy@1.0.2']);
      expect(ids(parseNpmLock(read('one-package.v2.json'), 'x').observations)).toEqual(['wrappy@1.0.2']);
      expect(ids(parseNpmLock(read('scoped-packages.v2.json'), 'x').observations)).toEqual([
        '@babel/code-frame@7.0.0',
        'wrappy@1.0.2',
      ]);
      expect(ids(parseNpmLock(read('alias.v2.json'), 'x').observations)).toEqual([
        '@babel/code-frame@7.0.0',
        'string-width@4.2.0',
        'string-width@5.1.2',
      ]);
      expect(ids(parseNpmLock(read('nested-dependencies.v1.json'), 'x').observations)).toEqual([
        'postcss-calc@7.0.1',
        'postcss@6.0.23',
        'postcss@7.0.16',
        'supports-color@5.5.0',
        'supports-color@6.1.0',
      ]);
      const opt = parseNpmLock(read('optional-package.v1.json'), 'x').observations;
      expect(pkg(opt, 'supports-color@5.5.0')!.optional).toBe(true);
      expect(pkg(opt, 'wrappy@1.0.2')).toMatchObject({ dev: true, optional: true });
      const groups = parseNpmLock(read('same-package-different-groups.v2.json'), 'x').observations;
      expect(pkg(groups, 'eslint@1.2.3')!.dev).toBe(true);
      expect(pkg(groups, 'ajv@5.5.2')!.dev).toBeUndefined();
    });
  });

  describe('cyclonedx-node-npm demos: the BOM components equal what package-lock.json resolves to', () => {
    const root = (): string => sharedData('sbom', 'cyclonedx-node-npm');
    it('checks every demo that ships a package-lock.json', () => {
      const demos = readdirSync(root()).filter((d) => {
        try {
          return statSync(path.join(root(), d, 'package-lock.json')).isFile();
        } catch {
          return false;
        }
      });
      expect(demos.length).toBeGreaterThan(0);
      for (const d of demos) {
        const ours = parseNpmLock(
          readFileSync(path.join(root(), d, 'package-lock.json')),
          'package-lock.json',
        );
        expect(ours.issues).toEqual([]);
        const purls = ours.observations.map((o) => (o.kind === 'package' ? o.purl : '')).sort();
        for (const bom of readdirSync(path.join(root(), d)).filter((f) => f.startsWith('bom.'))) {
          const doc = JSON.parse(readFileSync(path.join(root(), d, bom), 'utf8')) as {
            components: { purl: string }[];
          };
          const theirs = doc.components.map((c) => c.purl).sort();
          expect(purls, `${d}/${bom}`).toEqual(theirs);
        }
      }
    });
  });

  it('survives 10,000 mutated inputs', { timeout: 120_000 }, () => {
    const seeds = [
      'alias.v2.json',
      'commits.v1.json',
      'files.v2.json',
      'nested-dependencies.v1.json',
      'bundled-dependencies.v3.json',
    ].map(read);
    const r = fuzzParser((b) => parseNpmLock(b, 'package-lock.json'), seeds);
    expect(r.withIssues).toBeGreaterThan(0);
    expect(r.withPackages).toBeGreaterThan(0);
  });
});
