import { describe, expect, it } from 'vitest';
import { collectorInput } from '../../../test/fixtures.js';
import { fuzzParser } from '../../../test/npm-fuzz.js';
import { nodeModulesCollector } from './index.js';
import { installedFolderName, parseInstalledPackage } from './parse.js';

describe('node-modules', () => {
  it('matches only package.json directly inside a package folder', () => {
    const m = (p: string): boolean => nodeModulesCollector.matches(collectorInput(p, '').file);
    expect(m('app/node_modules/lodash/package.json')).toBe(true);
    expect(m('app/node_modules/@babel/core/package.json')).toBe(true);
    expect(m('app/node_modules/a/node_modules/b/package.json')).toBe(true);
    expect(m('app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/package.json')).toBe(true);
    expect(m('app/package.json')).toBe(false);
    expect(m('app/node_modules/lodash/lib/package.json')).toBe(false);
    expect(m('app/node_modules/@babel/package.json')).toBe(false);
    expect(m('app/node_modules/@babel/core/test/package.json')).toBe(false);
    expect(m('app/node_modules/.bin/package.json')).toBe(false);
    expect(installedFolderName('C:\\app\\node_modules\\@s\\x\\package.json')).toBe('@s/x');
  });

  it('reads name and version from package.json (alias folders keep the real name)', () => {
    const res = parseInstalledPackage(
      Buffer.from('{"name":"strip-ansi","version":"6.0.1"}'),
      'node_modules/old/package.json',
    );
    expect(res.observations).toEqual([
      expect.objectContaining({
        kind: 'package',
        ecosystem: 'npm',
        name: 'strip-ansi',
        version: '6.0.1',
        purl: 'pkg:npm/strip-ansi@6.0.1',
      }),
    ]);
    const scoped = parseInstalledPackage(
      Buffer.from('{"version":"7.0.0"}'),
      'node_modules/@babel/core/package.json',
    );
    expect(scoped.observations[0]).toMatchObject({
      name: '@babel/core',
      purl: 'pkg:npm/%40babel/core@7.0.0',
    });
  });

  it('turns bad input into issues', () => {
    expect(parseInstalledPackage(Buffer.from('{'), 'node_modules/a/package.json').issues[0]!.code).toBe(
      'parse-error',
    );
    expect(
      parseInstalledPackage(Buffer.from('{"name":"a"}'), 'node_modules/a/package.json').issues[0]!.message,
    ).toContain('missing version');
    expect(
      parseInstalledPackage(Buffer.from('{"name":"a b","version":"1"}'), 'node_modules/a/package.json')
        .issues[0]!.code,
    ).toBe('invalid-value');
  });

  it('survives 10,000 mutated inputs', { timeout: 120_000 }, () => {
    const seeds = [
      Buffer.from(
        JSON.stringify(
          {
            name: '@s/x',
            version: '1.0.0-beta.1',
            dependencies: { a: '^1' },
            _resolved: 'git+https://x/y.git#abc',
          },
          null,
          2,
        ),
      ),
    ];
    const r = fuzzParser((b) => parseInstalledPackage(b, 'node_modules/@s/x/package.json'), seeds);
    expect(r.withIssues).toBeGreaterThan(0);
    expect(r.withPackages).toBeGreaterThan(0);
  });
});
