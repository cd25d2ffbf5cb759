import { readFileSync } from 'node:fs';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { sharedData } from '../../../test/fixtures.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { poetryLockCollector } from './index.js';

runCollectorContract(poetryLockCollector, {
  validSample: {
    path: 'app/poetry.lock',
    content: readFileSync(
      sharedData('lockfiles', 'osv-scalibr', 'python', 'poetrylock', 'testdata', 'two-packages.lock'),
    ),
  },
  nonMatchingPaths: ['app/pyproject.toml', 'app/poetry.lock.bak'],
  // package collectors sort by ecosystem, name, version (util/inventory.ts comparePackages)
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
});
