import { readFileSync } from 'node:fs';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { sharedData } from '../../../test/fixtures.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { composerLockCollector } from './index.js';

runCollectorContract(composerLockCollector, {
  validSample: {
    path: 'app/composer.lock',
    content: readFileSync(
      sharedData('lockfiles', 'osv-scalibr', 'php', 'composerlock', 'testdata', 'two-packages.json'),
    ),
  },
  nonMatchingPaths: ['app/composer.json'],
  // package collectors sort by ecosystem, name, version (util/inventory.ts comparePackages)
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
});
