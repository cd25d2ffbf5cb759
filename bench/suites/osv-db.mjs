// Issue 6: import time for the shared OSV tree, open time of the database, and matching 100,000
// packages against it. Targets: open under 200 ms, match under 1 s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { peakRssMiB, repoRoot, sharedData, timeIt, writeResults } from '../lib.mjs';

const { openDb } = await import('../../dist/intel-db/db.js');
const { preparePackageMatcher } = await import('../../dist/matchers/package-osv/index.js');

const db = mkdtempSync(path.join(tmpdir(), 'ch-bench-db-'));
const osvTree = path.join(sharedData, 'malicious-packages', 'ossf-osv');
const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');

const imp = await timeIt(() =>
  spawnSync(process.execPath, [cli, 'intel', 'import', osvTree, '--db', db, '--format', 'json'], {
    encoding: 'utf8',
  }),
);
if (imp.value.status !== 0) throw new Error(`import failed: ${imp.value.stderr}`);
const imported = JSON.parse(imp.value.stdout).imports[0];

// Open: best of 5 (cold first run included in the figures as `open_first_ms`).
const opens = [];
let opened;
for (let i = 0; i < 5; i++) {
  const t = await timeIt(() => openDb(db));
  opens.push(t.ms);
  opened = t.value;
}
const prep = await timeIt(() => preparePackageMatcher(opened.intel.advisories));
const pm = prep.value;

// 100,000 package observations: every 20th is a known-malicious name at an affected version.
const advisories = opened.intel.advisories.filter((a) => !a.withdrawn && a.packages?.[0]?.versions?.length);
const obs = [];
for (let i = 0; i < 100_000; i++) {
  const a = advisories[i % advisories.length];
  const p = a.packages[0].package;
  const hit = i % 20 === 0;
  obs.push({
    kind: 'package',
    host: `h${i % 500}`,
    collectorId: 'bench',
    source: { file: 'bench' },
    ecosystem: p.ecosystem === 'PyPI' ? 'PyPI' : 'npm',
    name: hit ? p.name : `bench-clean-${i}`,
    version: hit ? a.packages[0].versions[0] : '1.0.0',
    locations: [{ file: 'bench' }],
  });
}
const m = await timeIt(() => {
  let n = 0;
  for (const o of obs) n += pm.match(o).length;
  return n;
});
rmSync(db, { recursive: true, force: true });
writeResults(
  'osv-db',
  [
    { step: 'import shared OSV tree (CLI, incl. start-up)', records: imported.added, ms: Math.round(imp.ms) },
    { step: 'open database (first)', records: opened.intel.advisories.length, ms: Math.round(opens[0]) },
    {
      step: 'open database (best of 5)',
      records: opened.intel.advisories.length,
      ms: Math.round(Math.min(...opens)),
    },
    { step: 'build package index', records: opened.intel.advisories.length, ms: Math.round(prep.ms) },
    { step: 'match 100,000 packages', records: m.value, ms: Math.round(m.ms) },
  ],
  { targets: { openMs: 200, match100kMs: 1000 }, peakRssMiB: peakRssMiB() },
);
