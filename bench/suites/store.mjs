// Issue 11: ingest rate through the real collectors (a generated Zeek conn.log), and hunt latency
// for 50,000 indicators against 5 million stored network events (generated in DuckDB).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { peakRssMiB, repoRoot, timeIt, writeResults } from '../lib.mjs';

const { EvidenceStore } = await import('../../dist/store/store.js');
const { hunt } = await import('../../dist/store/hunt.js');
const { searchEvidence } = await import('../../dist/store/search.js');
const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const root = mkdtempSync(path.join(tmpdir(), 'ch-bench-store-'));

// 1. Ingest: 200,000 Zeek conn records in one host bundle.
const N = 200_000;
const ev = path.join(root, 'ev', 'host-1');
mkdirSync(ev, { recursive: true });
writeFileSync(
  path.join(ev, 'chainhunt-host.json'),
  JSON.stringify({ schema: 'chainhunt-host/1', hostId: 'host-1' }),
);
const lines = [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  '#path\tconn',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring',
];
for (let i = 0; i < N; i++)
  lines.push(
    `${1700000000 + i}.000000\tC${i}\t10.0.${(i >> 8) & 255}.${i & 255}\t${40000 + (i % 20000)}\t93.184.${(i >> 4) & 255}.${i & 15}\t443\ttcp\tssl\t1.0\t100\t200\tSF`,
  );
writeFileSync(path.join(ev, 'conn.log'), `${lines.join('\n')}\n`);
const store1 = path.join(root, 'store1');
const ing = await timeIt(() =>
  spawnSync(
    process.execPath,
    [cli, 'ingest', path.join(root, 'ev'), '--store', store1, '--format', 'json', '-q'],
    { encoding: 'utf8' },
  ),
);
if (ing.value.status !== 0) throw new Error(`ingest failed: ${ing.value.stderr}`);
const ingested = JSON.parse(ing.value.stdout).bundles.reduce((n, b) => n + b.observations, 0);

// 2. Hunt: 5,000,000 stored contacts over 1,000 hosts and 200,000 domains; 50,000 indicators (1,000 hit).
const store2 = path.join(root, 'store2');
const s = await EvidenceStore.open(store2, { write: true });
const gen = await timeIt(async () => {
  await s.conn.run(`INSERT INTO obs_contact
    SELECT 'bench', '', 'h' || (i % 1000), '2024-01-01T00:00:00Z', '10.0.0.' || (i % 250), '198.51.100.' || (i % 250),
           'www.d' || (i % 200000) || '.com', 'd' || (i % 200000) || '.com', NULL,
           '{"kind":"net-contact","host":"h' || (i % 1000) || '","collectorId":"bench","source":{"file":"bench"},"time":"2024-01-01T00:00:00Z","src":"10.0.0.' || (i % 250) || '","dst":"198.51.100.' || (i % 250) || '","fqdn":"www.d' || (i % 200000) || '.com","logType":"bench"}'
    FROM range(5000000) t(i)`);
  await s.conn.run(
    `INSERT INTO bundles SELECT 'b' || i, 'bench', '', 'h' || i, NULL, NULL, 'bench', NULL, '2024-01-01T00:00:00Z', 0, 5000, '{"net-contact":5000}' FROM range(1000) t(i)`,
  );
});
const indicators = [];
for (let k = 0; k < 50_000; k++) {
  // 1,000 of the domains exist in the store; the rest do not.
  const d = k < 1000 ? `d${k * 7}.com` : `miss${k}.example.org`;
  indicators.push({ type: 'domain', value: d, source: 'bench' });
}
const intel = { sources: [{ id: 'bench', name: 'bench' }], advisories: [], indicators, rules: [] };
const runs = [];
let found = 0;
for (let r = 0; r < 3; r++) {
  const t = await timeIt(() => hunt(s, intel, {}));
  runs.push(t.ms);
  found = t.value.findings.length;
}
// 3. Ad-hoc search (no intel) over the same 5,000,000 contacts: one domain, one address.
const searches = [];
for (const [label, q] of [
  ['search one domain (and subdomains)', { kind: 'domain', name: 'd7.com' }],
  ['search one address (first 1,000 hits)', { kind: 'ip', address: '198.51.100.7' }],
]) {
  const times = [];
  let hits = 0;
  for (let r = 0; r < 3; r++) {
    const t = await timeIt(() => searchEvidence(s, q, [''], 1000));
    times.push(t.ms);
    hits = t.value.hits.length;
  }
  searches.push({
    step: `${label} in 5,000,000 contacts (best of 3)`,
    items: hits,
    ms: Math.round(Math.min(...times)),
    per_s: '',
  });
}
await s.close();
rmSync(root, { recursive: true, force: true });
writeResults(
  'store',
  [
    {
      step: 'ingest 200,000 Zeek conn records (CLI, incl. start-up)',
      items: ingested,
      ms: Math.round(ing.ms),
      per_s: Math.round((ingested / ing.ms) * 1000),
    },
    {
      step: 'generate 5,000,000 stored contacts (DuckDB)',
      items: 5_000_000,
      ms: Math.round(gen.ms),
      per_s: Math.round(5e9 / gen.ms),
    },
    { step: 'hunt 50,000 domain indicators (first)', items: found, ms: Math.round(runs[0]), per_s: '' },
    {
      step: 'hunt 50,000 domain indicators (best of 3)',
      items: found,
      ms: Math.round(Math.min(...runs)),
      per_s: '',
    },
    ...searches,
  ],
  { target: { huntMs: 1000 }, peakRssMiB: peakRssMiB() },
);
