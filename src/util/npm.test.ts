import { PackageURL } from 'packageurl-js';
import { describe, expect, it } from 'vitest';
import { classifySpec, isValidNpmName, jsonKeyLines, npmPurl, parseNpmAlias, reachability } from './npm.js';
import type { NpmGraph } from './npm.js';

describe('npm helpers', () => {
  it('npmPurl equals packageurl-js output (fast path and fallback)', () => {
    const names = ['lodash', 'JSONStream', '@babel/core', '@Scope/X', 'a~b', 'a_b.c', "x'y", 'a(b)'];
    const versions = [
      '1.0.0',
      '1.0.0-rc.1+build.5',
      'github:u/r#abc',
      'file:../x',
      '1.0.0 || 2',
      '0.0.0-use.local',
    ];
    for (const n of names) {
      for (const v of versions) {
        const [ns, base] = n.startsWith('@') ? (n.split('/') as [string, string]) : [undefined, n];
        expect(npmPurl(n, v), `${n}@${v}`).toBe(
          new PackageURL('npm', ns, base, v, undefined, undefined).toString(),
        );
      }
    }
    expect(npmPurl('@scope/name', '1.0.0')).toBe('pkg:npm/%40scope/name@1.0.0');
    expect(npmPurl('a', '1.0.0', { vcs_url: 'git+https://x/y.git#1' })).toBe(
      'pkg:npm/a@1.0.0?vcs_url=git%2Bhttps%3A%2F%2Fx%2Fy.git%231',
    );
  });

  it('validates npm names', () => {
    for (const ok of ['a', '@s/a', 'JSONStream', 'a.b-c_d~e', '@types/node'])
      expect(isValidNpmName(ok), ok).toBe(true);
    for (const bad of ['', '.a', '_a', 'a b', '@s', '@/a', '@s/', 'a/b', '@s/a/b', 'x'.repeat(215), 'é'])
      expect(isValidNpmName(bad), bad).toBe(false);
  });

  it('classifies specs', () => {
    expect(classifySpec('^1.2.3')).toBe('registry');
    expect(classifySpec('npm:x@1')).toBe('registry');
    expect(classifySpec('git+ssh://git@github.com/a/b.git#x')).toBe('git');
    expect(classifySpec('github:a/b')).toBe('git');
    expect(classifySpec('a/b#v1')).toBe('git');
    expect(classifySpec('git@github.com:a/b.git')).toBe('git');
    expect(classifySpec('https://github.com/a/b')).toBe('git');
    expect(classifySpec('https://example.com/x-1.0.0.tgz')).toBe('tarball');
    expect(classifySpec('file:../x')).toBe('file');
    expect(classifySpec('link:../x')).toBe('link');
    expect(classifySpec('workspace:*')).toBe('workspace');
    expect(parseNpmAlias('npm:@s/x@^1')).toEqual({ name: '@s/x', range: '^1' });
    expect(parseNpmAlias('^1')).toBeUndefined();
  });

  it('computes direct / dev / optional by reachability', () => {
    const node = (key: string, deps: NpmGraph['importers'] extends Map<string, infer E> ? E : never) => ({
      key,
      name: key,
      version: '1',
      source: 'registry' as const,
      deps,
    });
    const g: NpmGraph = {
      nodes: new Map([
        [
          'a',
          node('a', [
            { to: 'c', type: 'prod' },
            { to: 'o', type: 'optional' },
          ]),
        ],
        [
          'd',
          node('d', [
            { to: 'c', type: 'prod' },
            { to: 'x', type: 'dev' },
          ]),
        ],
        ['c', node('c', [])],
        ['o', node('o', [])],
        ['x', node('x', [])],
        ['u', node('u', [])],
      ]),
      importers: new Map([
        [
          '.',
          [
            { to: 'a', type: 'prod' },
            { to: 'd', type: 'dev' },
          ],
        ],
      ]),
    };
    const r = reachability(g);
    expect(r.get('a')).toEqual({ direct: true, dev: false, optional: false });
    expect(r.get('d')).toEqual({ direct: true, dev: true, optional: false });
    expect(r.get('c')).toEqual({ direct: false, dev: false, optional: false });
    expect(r.get('o')).toEqual({ direct: false, dev: false, optional: true });
    expect(r.has('x')).toBe(false); // dev dependency of a dependency: not installed
    expect(r.has('u')).toBe(false);
  });

  it('finds lines of object keys in pretty-printed JSON', () => {
    const text =
      '{\n  "packages": {\n    "node_modules/a": {\n      "x": 1\n    },\n    "node_modules/\\u0062": [\n    ]\n  }\n}';
    const m = jsonKeyLines(text, (k) => k.startsWith('node_modules/'));
    expect([...m]).toEqual([
      ['node_modules/a', 3],
      ['node_modules/b', 6],
    ]);
  });
});
