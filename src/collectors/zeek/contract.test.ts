import { readFileSync } from 'node:fs';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { sharedData } from '../../../test/fixtures.js';
import { zeekCollector } from './index.js';

runCollectorContract(zeekCollector, {
  // RITA proxy dataset: a plain Zeek TSV dns.log.
  validSample: {
    path: 'sensor/dns.log',
    content: readFileSync(sharedData('zeek', 'rita', 'proxy', 'dns.log')),
  },
  matchingPaths: [
    'sensor/conn.00:00:00-01:00:00.log.gz',
    'sensor/open_conn.log',
    'sensor/x509.log',
    'sensor/dns.json.gz',
  ],
  nonMatchingPaths: ['sensor/weird.log', 'sensor/conn-summary.00:00:00-01:00:00.log.gz', 'sensor/notes.txt'],
  randomRuns: 60,
});
