import { readFileSync } from 'node:fs';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { sharedData } from '../../../test/fixtures.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { pylockTomlCollector } from './index.js';

runCollectorContract(pylockTomlCollector, {
  validSample: {
    path: 'app/pylock.toml',
    content: readFileSync(
      sharedData('lockfiles', 'osv-scalibr', 'python', 'pylock', 'testdata', 'example.toml'),
    ),
  },
  nonMatchingPaths: ['app/pyproject.toml'],
  // package collectors sort by ecosystem, name, version (util/inventory.ts comparePackages)
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
});
