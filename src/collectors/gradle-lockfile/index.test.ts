import { readFileSync } from 'node:fs';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { sharedData } from '../../../test/fixtures.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { gradleLockfileCollector } from './index.js';

runCollectorContract(gradleLockfileCollector, {
  validSample: {
    path: 'app/gradle.lockfile',
    content: readFileSync(
      sharedData('lockfiles', 'osv-scalibr', 'java', 'gradlelockfile', 'testdata', '5-pkg'),
    ),
  },
  nonMatchingPaths: ['app/build.gradle', 'app/x.lockfile'],
  // package collectors sort by ecosystem, name, version (util/inventory.ts comparePackages)
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
});
