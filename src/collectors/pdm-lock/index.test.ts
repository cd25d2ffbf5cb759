import { readFileSync } from 'node:fs';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { sharedData } from '../../../test/fixtures.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { pdmLockCollector } from './index.js';

runCollectorContract(pdmLockCollector, {
  validSample: {
    path: 'app/pdm.lock',
    content: readFileSync(
      sharedData('lockfiles', 'osv-scalibr', 'python', 'pdmlock', 'testdata', 'two-packages.toml'),
    ),
  },
  nonMatchingPaths: ['app/pdm.toml'],
  // package collectors sort by ecosystem, name, version (util/inventory.ts comparePackages)
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
});
