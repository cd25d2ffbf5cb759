import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/fixtures.js';
import { fuzzParser } from '../../../test/npm-fuzz.js';
import type { Observed } from '../../core/observation.js';
import { parseYarnLock } from './parse.js';

const dir = (): string => sharedData('lockfiles', 'osv-scalibr', 'javascript', 'yarnlock', 'testdata');
const read = (f: string): Buffer => readFileSync(path.join(dir(), f));
type Pkg = Extract<Observed, { kind: 'package' }>;
const ids = (obs: Observed[]): string[] =>
  obs.map((o) => (o.kind === 'package' ? `${o.name}@${o.version}` : '')).sort();
const pkg = (obs: Observed[], id: string): Pkg | undefined =>
  obs.find((o): o is Pkg => o.kind === 'package' && `${o.name}@${o.version}` === id);

describe('yarn-lock', () => {
  it('reads Yarn 1 with aliases, git and a manifest for dev / direct', () => {
    const lock = [
      '# yarn lockfile v1',
      '',
      '"alias@npm:real@^1.0.0":',
      '  version "1.2.0"',
      '  resolved "https://registry.yarnpkg.com/real/-/real-1.2.0.tgz#abc"',
      '  dependencies:',
      '    dep "^2"',
      '',
      'dep@^2, dep@^2.1:',
      '  version "2.1.0"',
      '',
      '"g@git+https://github.com/u/g.git#v1":',
      '  version "0.0.1"',
      '  resolved "git+https://github.com/u/g.git#0123abc"',
    ].join('\n');
    const manifest = {
      dependencies: { alias: 'npm:real@^1.0.0' },
      devDependencies: { g: 'git+https://github.com/u/g.git#v1' },
    };
    const res = parseYarnLock(Buffer.from(lock), 'yarn.lock', { manifest });
    expect(res.issues).toEqual([]);
    expect(ids(res.observations)).toEqual(['dep@2.1.0', 'g@0.0.1', 'real@1.2.0']);
    expect(pkg(res.observations, 'real@1.2.0')).toMatchObject({
      direct: true,
      locations: [{ line: 3 }],
      purl: 'pkg:npm/real@1.2.0',
    });
    expect(pkg(res.observations, 'dep@2.1.0')).toMatchObject({ direct: false });
    expect(pkg(res.observations, 'g@0.0.1')).toMatchObject({ direct: true, dev: true });
    expect(pkg(res.observations, 'g@0.0.1')!.purl).toContain('vcs_url=');
    // without the manifest: no direct / dev claims
    const bare = parseYarnLock(Buffer.from(lock), 'yarn.lock');
    expect(pkg(bare.observations, 'g@0.0.1')!.dev).toBeUndefined();
    expect(pkg(bare.observations, 'g@0.0.1')!.direct).toBeUndefined();
  });

  it('reads Berry with workspace, patch and npm alias protocols', () => {
    const lock = [
      '__metadata:',
      '  version: 8',
      '',
      '"lodash@npm:^4.17.21, lodash@npm:~4.17.0":',
      '  version: 4.17.21',
      '  resolution: "lodash@npm:4.17.21"',
      '',
      '"lodash@patch:lodash@npm%3A4.17.21#./p.patch::locator=app%40workspace%3A.":',
      '  version: 4.17.21',
      '  resolution: "lodash@patch:lodash@npm%3A4.17.21#./p.patch::version=4.17.21&hash=1&locator=app%40workspace%3A."',
      '',
      '"old@npm:strip-ansi@^6":',
      '  version: 6.0.1',
      '  resolution: "strip-ansi@npm:6.0.1"',
      '',
      '"app@workspace:.":',
      '  version: 0.0.0-use.local',
      '  resolution: "app@workspace:."',
      '  dependencies:',
      '    lodash: "patch:lodash@npm%3A4.17.21#./p.patch"',
      '    old: "npm:strip-ansi@^6"',
    ].join('\n');
    const res = parseYarnLock(Buffer.from(lock), 'yarn.lock');
    expect(res.issues).toEqual([]);
    expect(ids(res.observations)).toEqual(['lodash@4.17.21', 'strip-ansi@6.0.1']);
    expect(pkg(res.observations, 'strip-ansi@6.0.1')).toMatchObject({ direct: true });
    expect(pkg(res.observations, 'lodash@4.17.21')!.locations.map((l) => l.line)).toEqual([4, 8]);
  });

  it('turns bad input into issues', () => {
    expect(parseYarnLock(Buffer.from(''), 'y').issues[0]!.code).toBe('empty');
    expect(parseYarnLock(Buffer.from('garbage line\n'), 'y').issues[0]!.code).toBe('parse-error');
    expect(parseYarnLock(Buffer.from('a@1:\n  resolved "x"\n'), 'y').issues[0]!.message).toContain(
      'missing version',
    );
  });

  describe('osv-scalibr fixtures', () => {
    it('parses every fixture', () => {
      const files = readdirSync(dir());
      expect(files.length).toBeGreaterThan(15);
      for (const f of files) {
        const res = parseYarnLock(read(f), f);
        expect(res.issues, f).toEqual([]);
      }
    });
    it('reads names and versions (representative set)', () => {
      expect(ids(parseYarnLock(read('two-packages.v1.lock'), 'x').observations)).toEqual([
        'concat-map@0.0.1',
        'concat-stream@1.6.2',
      ]);
      expect(ids(parseYarnLock(read('one-package.v2.lock'), 'x').observations)).toEqual([
        'balanced-match@1.0.2',
      ]);
      expect(ids(parseYarnLock(read('scoped-packages.v1.lock'), 'x').observations)).toEqual([
        '@babel/code-frame@7.12.11',
        '@babel/compat-data@7.14.0',
      ]);
      expect(ids(parseYarnLock(read('multiple-versions.v2.lock'), 'x').observations)).toEqual([
        'debug@2.6.9',
        'debug@3.2.7',
        'debug@4.3.3',
      ]);
      expect(ids(parseYarnLock(read('with-aliases.v2.lock'), 'x').observations)).toEqual([
        '@babel/helper-validator-identifier@7.22.20',
        'ansi-regex@5.0.1',
        'ansi-regex@6.0.1',
      ]);
      expect(ids(parseYarnLock(read('with-build-string.v1.lock'), 'x').observations)).toEqual([
        'domino@2.1.6+git',
        'tslib@2.6.2',
      ]);
      // a descriptor without a range (`balanced-match:`) still names the package
      expect(ids(parseYarnLock(read('no-version.v1.lock'), 'x').observations)).toEqual([
        'balanced-match@1.0.2',
      ]);
      expect(ids(parseYarnLock(read('metadata-only.v2.lock'), 'x').observations)).toEqual([]);
      expect(ids(parseYarnLock(read('empty.v1.lock'), 'x').observations)).toEqual([]);
    });
  });

  it('survives 10,000 mutated inputs', { timeout: 120_000 }, () => {
    const seeds = [
      'commits.v1.lock',
      'commits.v2.lock',
      'with-aliases.v1.lock',
      'with-quotes.v2.lock',
      'files.v1.lock',
    ].map(read);
    const r = fuzzParser((b) => parseYarnLock(b, 'yarn.lock'), seeds);
    expect(r.withIssues).toBeGreaterThan(0);
    expect(r.withPackages).toBeGreaterThan(0);
  });
});
