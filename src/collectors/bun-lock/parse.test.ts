import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectorInput, sharedData } from '../../../test/fixtures.js';
import { fuzzParser } from '../../../test/npm-fuzz.js';
import type { Observed } from '../../core/observation.js';
import { bunLockCollector } from './index.js';
import { parseBunLock, stripJsonc } from './parse.js';

const dir = (): string => sharedData('lockfiles', 'osv-scalibr', 'javascript', 'bunlock', 'testdata');
const read = (f: string): Buffer => readFileSync(path.join(dir(), f));
type Pkg = Extract<Observed, { kind: 'package' }>;
const ids = (obs: Observed[]): string[] =>
  obs.map((o) => (o.kind === 'package' ? `${o.name}@${o.version}` : '')).sort();
const pkg = (obs: Observed[], id: string): Pkg | undefined =>
  obs.find((o): o is Pkg => o.kind === 'package' && `${o.name}@${o.version}` === id);

describe('bun-lock', () => {
  it('strips JSONC comments and trailing commas, not inside strings', () => {
    const t = '{\n  // c\n  "a": "x // y, }", /* z\n */ "b": [1, 2,],\n}';
    expect(JSON.parse(stripJsonc(t))).toEqual({ a: 'x // y, }', b: [1, 2] });
    expect(stripJsonc(t).split('\n').length).toBe(t.split('\n').length);
  });

  it('reports bun.lockb as unsupported', () => {
    const res = bunLockCollector.collect(collectorInput('x/bun.lockb', Buffer.from([0x23, 0x21])));
    expect(res.issues[0]!.code).toBe('unsupported');
  });

  it('reads workspaces, nested keys and dev flags', () => {
    const res = parseBunLock(read('nested-dependencies.json5'), 'bun.lock');
    expect(res.issues).toEqual([]);
    expect(ids(res.observations)).toEqual([
      'ansi-styles@4.3.0',
      'chalk@4.1.2',
      'color-convert@2.0.1',
      'color-name@1.1.4',
      'has-flag@2.0.0',
      'has-flag@3.0.0',
      'has-flag@4.0.0',
      'supports-color@5.5.0',
      'supports-color@7.2.0',
    ]);
    expect(pkg(res.observations, 'chalk@4.1.2')).toMatchObject({ direct: true, dev: true });
    expect(pkg(res.observations, 'supports-color@5.5.0')).toMatchObject({ direct: true });
    expect(pkg(res.observations, 'supports-color@5.5.0')!.dev).toBeUndefined();
  });

  describe('osv-scalibr fixtures', () => {
    it('parses every fixture, with a clear issue for the broken ones', () => {
      for (const f of readdirSync(dir())) {
        const res = parseBunLock(read(f), f);
        const codes = res.issues.map((i) => i.code);
        if (f === 'not-json.txt') expect(codes, f).toEqual(['parse-error']);
        else if (f === 'bad-tuple.json5') expect(codes, f).toEqual(['invalid-value', 'invalid-value']);
        else expect(res.issues, f).toEqual([]);
      }
    });
    it('reads names and versions (representative set)', () => {
      expect(ids(parseBunLock(read('one-package.json5'), 'x').observations)).toEqual(['wrappy@1.0.2']);
      expect(ids(parseBunLock(read('bad-tuple.json5'), 'x').observations)).toEqual(['wrappy@1.0.2']);
      expect(ids(parseBunLock(read('alias.json5'), 'x').observations)).toEqual([
        'has-flag@3.0.0',
        'has-flag@4.0.0',
        'supports-color@6.1.0',
        'supports-color@7.2.0',
      ]);
      expect(ids(parseBunLock(read('scoped-packages.json5'), 'x').observations)).toEqual([
        '@typescript-eslint/types@5.62.0',
      ]);
      expect(ids(parseBunLock(read('no-packages.json5'), 'x').observations)).toEqual([]);
      const commits = parseBunLock(read('commits.json5'), 'x').observations;
      const git = pkg(commits, 'raven-js@github:getsentry/raven-js#91ef2d4')!;
      expect(git.purl).toContain('vcs_url=');
      expect(git.dev).toBe(true);
      expect(pkg(parseBunLock(read('files.json5'), 'x').observations, 'etag@file:deps/etag')).toMatchObject({
        dev: true,
      });
    });
  });

  it('survives 10,000 mutated inputs', { timeout: 120_000 }, () => {
    const seeds = [
      'alias.json5',
      'commits.json5',
      'nested-dependencies.json5',
      'files.json5',
      'scoped-packages-mixed.json5',
    ].map(read);
    const r = fuzzParser((b) => parseBunLock(b, 'bun.lock'), seeds);
    expect(r.withIssues).toBeGreaterThan(0);
    expect(r.withPackages).toBeGreaterThan(0);
  });
});
