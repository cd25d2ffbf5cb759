import { readFileSync } from 'node:fs';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { sharedData } from '../../../test/fixtures.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { gemfileLockCollector } from './index.js';

runCollectorContract(gemfileLockCollector, {
  validSample: {
    path: 'app/Gemfile.lock',
    content: readFileSync(
      sharedData('lockfiles', 'osv-scalibr', 'ruby', 'gemfilelock', 'testdata', 'multiple-gems.lock'),
    ),
  },
  nonMatchingPaths: ['app/Gemfile'],
  // package collectors sort by ecosystem, name, version (util/inventory.ts comparePackages)
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
});
