import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { squidCollector } from './index.js';

// Lines in the Squid native layout (Squid wiki LogFormat page); documentation addresses.
const SAMPLE = [
  '1680000000.123    180 10.0.0.5 TCP_MISS/200 4110 GET http://www.example.com/a - HIER_DIRECT/192.0.2.10 text/html',
  '1680000001.456     90 10.0.0.6 TCP_MISS/200 512 GET http://www.example.org/b?x=1 - HIER_DIRECT/192.0.2.11 text/plain',
  '1680000060.500  60012 10.0.0.5 TCP_TUNNEL/200 9231 CONNECT www.example.net:443 - HIER_DIRECT/192.0.2.12 -',
  '',
].join('\n');

runCollectorContract(squidCollector, {
  validSample: { path: 'proxy/squid/access.log', content: Buffer.from(SAMPLE) },
  matchingPaths: ['var/log/squid/access.log.1', 'var/log/squid/access.log.2.gz'],
  nonMatchingPaths: ['var/log/nginx/access.log', 'var/log/squid/cache.log'],
  randomRuns: 60,
});
