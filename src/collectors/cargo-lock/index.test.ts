import { readFileSync } from 'node:fs';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { sharedData } from '../../../test/fixtures.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { cargoLockCollector } from './index.js';

runCollectorContract(cargoLockCollector, {
  validSample: {
    path: 'app/Cargo.lock',
    content: readFileSync(
      sharedData('lockfiles', 'osv-scalibr', 'rust', 'cargolock', 'testdata', 'many-packages.lock'),
    ),
  },
  nonMatchingPaths: ['app/Cargo.toml'],
  // package collectors sort by ecosystem, name, version (util/inventory.ts comparePackages)
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
});
