import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import type { PackageObservation } from '../../core/observation.js';
import { goModCollector } from './index.js';
import { parseGoMod } from './parse.js';

const fx = (f: string) => sharedData('lockfiles', 'osv-scalibr', 'golang', 'gomod', 'testdata', f);
const run = (f: string) => parseGoMod(readFileSync(fx(f)), f);
const pk = (r: ReturnType<typeof run>) => r.observations as PackageObservation[];
const nv = (r: ReturnType<typeof run>) =>
  pk(r)
    .map((o) => `${o.name}@${o.version}`)
    .sort();

describe('go-mod', () => {
  it('claims go.mod only', () => {
    expect(goModCollector.matches(fileRef('m/go.mod'))).toBe(true);
    expect(goModCollector.matches(fileRef('m/go.sum'))).toBe(false);
  });

  it('reads require blocks and single lines; // indirect is transitive', () => {
    const r = pk(run('indirect-packages.mod'));
    const by = (n: string) => r.find((o) => o.name === n)!;
    expect(r).toHaveLength(5);
    expect(by('github.com/BurntSushi/toml')).toMatchObject({
      version: 'v1.0.0',
      direct: true,
      purl: 'pkg:golang/github.com/BurntSushi/toml@v1.0.0',
    });
    expect(by('golang.org/x/sys')).toMatchObject({
      version: 'v0.0.0-20210630005230-0f9fa26af87c',
      direct: false,
    });
    expect(by('github.com/mattn/go-isatty').locations[0]!.line).toBe(12);
    expect(nv(run('indirect-1.23.mod'))).toEqual([
      'github.com/sirupsen/logrus@v1.9.3',
      'golang.org/x/sys@v0.0.0-20220715151400-c0bba94af5f8',
    ]);
  });

  it('applies replace directives: exact version, path-wide, and local (reported)', () => {
    expect(nv(run('replace-one.mod'))).toEqual(['example.com/fork/net@v1.4.5']);
    expect(nv(run('replace-mixed.mod'))).toEqual(['example.com/fork/net@v1.4.5', 'golang.org/x/net@v0.5.6']);
    expect(nv(run('replace-different.mod'))).toEqual([
      'example.com/fork/foe@v1.4.2',
      'example.com/fork/foe@v1.4.5',
    ]);
    const local = run('replace-local.mod');
    expect(nv(local)).toEqual(['github.com/BurntSushi/toml@v1.0.0']);
    expect(local.issues[0]).toMatchObject({ code: 'unsupported', line: 7 });
    expect(local.issues[0]!.message).toContain('./fork/net');
    const pathWide = parseGoMod(
      Buffer.from('require a.b/c v1.0.0\nreplace a.b/c => x.y/c v2.0.0\n'),
      'go.mod',
    );
    expect(nv(pathWide)).toEqual(['x.y/c@v2.0.0']);
  });

  it('reports the toolchain as the Go standard library', () => {
    for (const f of ['toolchain.mod', 'toolchain-with-suffix.mod']) {
      const std = pk(run(f)).find((o) => o.name === 'stdlib');
      expect(std).toMatchObject({ ecosystem: 'Go', version: '1.23.6', locations: [{ line: 5 }] });
    }
    // "go 1.16" is a language version, not a toolchain: no stdlib package
    expect(pk(run('indirect-1.16.mod')).some((o) => o.name === 'stdlib')).toBe(false);
  });

  it('reports non-go.mod content and empty files', () => {
    const r = run('not-go-mod.mod');
    expect(r.observations).toEqual([]);
    expect(r.issues[0]).toMatchObject({ code: 'parse-error', line: 1 });
    expect(run('empty.mod').issues[0]!.code).toBe('empty');
    const open = parseGoMod(Buffer.from('require (\n  a.b/c v1.0.0\n'), 'go.mod');
    expect(nv(open)).toEqual(['a.b/c@v1.0.0']);
    expect(open.issues[0]!.code).toBe('truncated');
  });

  it('caps the number of issues for a long non-go.mod file', () => {
    const r = parseGoMod(Buffer.from('bogus line\n'.repeat(1000)), 'go.mod');
    expect(r.issues.length).toBeLessThanOrEqual(201);
    expect(r.issues.at(-1)!.code).toBe('limit-exceeded');
  });
});
