import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import type { PackageObservation } from '../../core/observation.js';
import { pipfileLockCollector } from './index.js';
import { parsePipfileLock } from './parse.js';

const fx = (f: string) => sharedData('lockfiles', 'osv-scalibr', 'python', 'pipfilelock', 'testdata', f);
const run = (f: string) => parsePipfileLock(readFileSync(fx(f)), f);
const pk = (r: ReturnType<typeof run>) => r.observations as PackageObservation[];

describe('pipfile-lock', () => {
  it('claims Pipfile.lock', () => {
    expect(pipfileLockCollector.matches(fileRef('x/Pipfile.lock'))).toBe(true);
    expect(pipfileLockCollector.matches(fileRef('x/Pipfile'))).toBe(false);
  });

  it('reads default as runtime and develop as dev; a package in both is runtime', () => {
    const r = pk(run('multiple-packages.json'));
    const key = r.map((o) => `${o.name}@${o.version}${o.dev ? ' dev' : ''}`).sort();
    expect(key).toEqual(['itsdangerous@2.1.2', 'markupsafe@2.1.1', 'pluggy@1.0.0 dev', 'pluggy@1.0.1']);
    const its = r.find((o) => o.name === 'itsdangerous')!;
    expect(its.locations).toHaveLength(2);
  });

  it('reads one dev package and minified files', () => {
    expect(pk(run('one-package-dev.json'))).toMatchObject([
      { name: 'markupsafe', version: '2.1.1', dev: true, purl: 'pkg:pypi/markupsafe@2.1.1' },
    ]);
    expect(pk(run('minified.json')).map((o) => o.name)).toEqual(['markupsafe']);
    expect(run('empty.json')).toEqual({ observations: [], issues: [] });
  });

  it('reports git entries without a version instead of guessing', () => {
    const r = run('no-version.json');
    expect(r.observations).toEqual([]);
    expect(r.issues.map((i) => i.code)).toEqual(['unsupported', 'unsupported']);
    expect(r.issues[0]!.message).toContain('markupsafe');
    expect(r.issues[1]!.message).toContain('itsdangerous');
  });

  it('reports non-JSON and non-object input', () => {
    expect(parsePipfileLock(Buffer.from('{"default":'), 'Pipfile.lock').issues[0]!.code).toBe('parse-error');
    expect(parsePipfileLock(Buffer.from('[1]'), 'Pipfile.lock').issues[0]!.code).toBe('invalid-value');
    const r = parsePipfileLock(Buffer.from('{"default":{"a":{"version":">=1"}}}'), 'Pipfile.lock');
    expect(r.issues[0]).toMatchObject({ code: 'invalid-value' });
  });
});
