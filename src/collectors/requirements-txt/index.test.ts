import { readFileSync } from 'node:fs';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { sharedData } from '../../../test/fixtures.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { requirementsTxtCollector } from './index.js';

runCollectorContract(requirementsTxtCollector, {
  validSample: {
    path: 'app/requirements.txt',
    content: readFileSync(
      sharedData('lockfiles', 'osv-scalibr', 'python', 'requirements', 'testdata', 'extras.txt'),
    ),
  },
  nonMatchingPaths: ['app/README.txt', 'app/requirements.in'],
  // package collectors sort by ecosystem, name, version (util/inventory.ts comparePackages)
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
});
