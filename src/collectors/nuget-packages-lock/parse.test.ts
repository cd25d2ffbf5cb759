import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import type { PackageObservation } from '../../core/observation.js';
import { nugetPackagesLockCollector } from './index.js';
import { parseNugetPackagesLock } from './parse.js';

const fx = (...f: string[]) =>
  sharedData('lockfiles', 'osv-scalibr', 'dotnet', 'packageslockjson', 'testdata', ...f);

describe('nuget-packages-lock', () => {
  it('claims packages.lock.json', () => {
    expect(nugetPackagesLockCollector.matches(fileRef('src/App/packages.lock.json'))).toBe(true);
    expect(nugetPackagesLockCollector.matches(fileRef('src/App/package-lock.json'))).toBe(false);
  });

  it('reads direct and transitive packages', () => {
    const r = parseNugetPackagesLock(readFileSync(fx('valid', 'packages.lock.json')), 'packages.lock.json');
    const pk = r.observations as PackageObservation[];
    expect(pk).toHaveLength(8);
    expect(pk.find((o) => o.name === 'Core.Dep')).toMatchObject({
      ecosystem: 'NuGet',
      version: '1.24.0',
      direct: true,
      purl: 'pkg:nuget/Core.Dep@1.24.0',
      locations: [{ line: 5 }],
    });
    expect(pk.find((o) => o.name === 'Some.Dep.Three')).toMatchObject({ version: '1.0.2', direct: false });
  });

  it('merges frameworks and skips Project entries', () => {
    const text = JSON.stringify(
      {
        version: 2,
        dependencies: {
          'net6.0': { A: { type: 'Direct', resolved: '1.0.0' }, Lib: { type: 'Project' } },
          'net8.0': {
            A: { type: 'Direct', resolved: '1.0.0' },
            B: { type: 'CentralTransitive', resolved: '2.0.0' },
          },
        },
      },
      null,
      2,
    );
    const pk = parseNugetPackagesLock(Buffer.from(text), 'packages.lock.json')
      .observations as PackageObservation[];
    expect(pk.map((o) => `${o.name}@${o.version}`)).toEqual(['A@1.0.0', 'B@2.0.0']);
    expect(pk[0]!.locations).toHaveLength(2);
  });

  it('reports invalid content', () => {
    expect(parseNugetPackagesLock(readFileSync(fx('invalid', 'invalid')), 'invalid').issues[0]!.code).toBe(
      'parse-error',
    );
    expect(parseNugetPackagesLock(Buffer.from('{"version":1}'), 'x').issues[0]!.code).toBe('invalid-value');
  });
});
