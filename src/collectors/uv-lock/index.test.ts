import { readFileSync } from 'node:fs';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { sharedData } from '../../../test/fixtures.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { uvLockCollector } from './index.js';

runCollectorContract(uvLockCollector, {
  validSample: {
    path: 'app/uv.lock',
    content: readFileSync(
      sharedData('lockfiles', 'osv-scalibr', 'python', 'uvlock', 'testdata', 'two-packages.lock'),
    ),
  },
  nonMatchingPaths: ['app/uv.toml'],
  // package collectors sort by ecosystem, name, version (util/inventory.ts comparePackages)
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
});
