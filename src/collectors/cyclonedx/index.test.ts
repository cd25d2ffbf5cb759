import { readFileSync } from 'node:fs';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { sharedData } from '../../../test/fixtures.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { cyclonedxCollector } from './index.js';

runCollectorContract(cyclonedxCollector, {
  validSample: {
    path: 'sbom/bom.1.6.flat.json',
    content: readFileSync(sharedData('sbom', 'cyclonedx-node-npm', 'package-integrity', 'bom.1.6.flat.json')),
  },
  nonMatchingPaths: ['app/package.json', 'app/bom.txt'],
  matchingPaths: ['app/bom.json', 'app/bom.xml', 'app/x.cdx.json', 'app/x.cdx.xml'],
  validSampleSniffOnly: true,
  // package collectors sort by ecosystem, name, version (util/inventory.ts comparePackages)
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
});
