import { readFileSync } from 'node:fs';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { sharedData } from '../../../test/fixtures.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { nugetPackagesLockCollector } from './index.js';

runCollectorContract(nugetPackagesLockCollector, {
  validSample: {
    path: 'app/packages.lock.json',
    content: readFileSync(
      sharedData(
        'lockfiles',
        'osv-scalibr',
        'dotnet',
        'packageslockjson',
        'testdata',
        'valid',
        'packages.lock.json',
      ),
    ),
  },
  nonMatchingPaths: ['app/package-lock.json', 'app/packages.config'],
  // package collectors sort by ecosystem, name, version (util/inventory.ts comparePackages)
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
});
