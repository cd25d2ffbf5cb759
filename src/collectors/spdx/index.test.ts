import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { spdxCollector } from './index.js';

runCollectorContract(spdxCollector, {
  validSample: {
    path: 'sbom/npm-app.spdx.json',
    content: readFileSync(
      path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'npm-app.spdx.json'),
    ),
  },
  nonMatchingPaths: ['app/x.json', 'app/spdx.txt'],
  matchingPaths: ['a/x.spdx', 'a/x.spdx.yaml', 'a/x.spdx.yml'],
  // package collectors sort by ecosystem, name, version (util/inventory.ts comparePackages)
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
});
