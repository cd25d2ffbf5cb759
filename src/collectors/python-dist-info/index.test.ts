import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import type { Observed } from '../../core/observation.js';
import { comparePackages, type PackageObserved } from '../../util/inventory.js';
import { pythonDistInfoCollector } from './index.js';

const metadata =
  'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nSummary: Python HTTP for Humans.\nRequires-Dist: idna <4,>=2.5\n\nLong description.\n';

runCollectorContract(pythonDistInfoCollector, {
  validSample: { path: 'site-packages/requests-2.31.0.dist-info/METADATA', content: Buffer.from(metadata) },
  matchingPaths: ['site-packages/requests.egg-info/PKG-INFO'],
  nonMatchingPaths: ['project/METADATA', 'site-packages/requests-2.31.0.dist-info/RECORD'],
  compare: (a: Observed, b: Observed) => comparePackages(a as PackageObserved, b as PackageObserved),
  skip: [
    {
      reason: 'a METADATA file describes one package; cutting the body in half keeps its header',
      tests: ['truncated'],
    },
  ],
});
