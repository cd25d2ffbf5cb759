import { readFileSync } from 'node:fs';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { sharedData } from '../../../test/fixtures.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { goModCollector } from './index.js';

runCollectorContract(goModCollector, {
  validSample: {
    path: 'app/go.mod',
    content: readFileSync(
      sharedData('lockfiles', 'osv-scalibr', 'golang', 'gomod', 'testdata', 'indirect-packages.mod'),
    ),
  },
  nonMatchingPaths: ['app/go.sum', 'app/go.work'],
  // package collectors sort by ecosystem, name, version (util/inventory.ts comparePackages)
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
});
