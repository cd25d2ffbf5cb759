import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import type { PackageObservation } from '../../core/observation.js';
import { pdmLockCollector } from './index.js';
import { parsePdmLock } from './parse.js';

const fx = (f: string) => sharedData('lockfiles', 'osv-scalibr', 'python', 'pdmlock', 'testdata', f);
const run = (f: string) => parsePdmLock(readFileSync(fx(f)), f);
const pk = (r: ReturnType<typeof run>) => r.observations as PackageObservation[];

describe('pdm-lock', () => {
  it('claims pdm.lock', () => {
    expect(pdmLockCollector.matches(fileRef('p/pdm.lock'))).toBe(true);
  });

  it('reads packages with lines', () => {
    const r = pk(run('two-packages.toml'));
    expect(r.map((o) => `${o.name}@${o.version}`)).toEqual(['six@1.16.0', 'toml@0.10.2']);
    expect(r[0]!.locations[0]!.line).toBe(10);
    expect(pk(run('single-package.toml')).map((o) => o.name)).toEqual(['toml']);
    expect(pk(run('git-dependency.toml'))).toMatchObject([{ name: 'toml', version: '0.10.2' }]);
  });

  it('marks packages outside the default group as dev', () => {
    const r = pk(run('dev-dependency.toml'));
    expect(r.map((o) => `${o.name}${o.dev ? ' dev' : ''}`)).toEqual([
      'pyroute2 dev',
      'toml',
      'win-inet-pton dev',
    ]);
  });

  it('handles empty and broken files', () => {
    expect(run('empty.toml')).toEqual({ observations: [], issues: [] });
    expect(run('empty-file.toml').issues[0]!.code).toBe('empty');
    expect(run('not-toml.txt').issues[0]!.code).toBe('parse-error');
  });
});
