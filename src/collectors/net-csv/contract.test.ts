import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { netCsvCollector } from './index.js';

const SAMPLE = [
  'timestamp,client_ip,query,qtype',
  '2023-03-29T10:00:00Z,10.0.0.5,www.example.com,A',
  '2023-03-29T10:00:05Z,10.0.0.6,mail.example.org,MX',
  '2023-03-29T10:00:09Z,10.0.0.7,example.net,AAAA',
  '',
].join('\n');

runCollectorContract(netCsvCollector, {
  validSample: { path: 'logs/corp-dns.csv', content: Buffer.from(SAMPLE) },
  matchingPaths: ['logs/dns-2024.jsonl', 'logs/proxy.csv', 'export/dnslogs/2015-01-16/a.csv.gz'],
  nonMatchingPaths: ['logs/sales.csv', 'logs/notes.txt'],
  randomRuns: 60,
});
