// EVTX reading throughput over the shared EVTX corpus (../shared/data/evtx, every file of
// evtx_index.json), side by side with Debian's `evtxexport` (libevtx-utils, C) on the same files.
// chainhunt renders every record to evtx_dump JSON text (mode `jsonl`); evtxexport renders XML
// (`-f xml`) to a pipe. Both are timed end to end (open, parse, render). Rows:
//   - chainhunt, 1 thread (in-process) and 2 worker threads (EvtxPool), cold first pass and warm;
//   - evtxexport, one process per file, sequential and 2 at a time (both cores).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedData, timeIt, peakRssMiB, writeResults } from '../lib.mjs';
import { EvtxPool } from '../../dist/logs/evtx/index.js';

const root = path.join(sharedData, 'evtx');
const index = JSON.parse(readFileSync(path.join(root, 'evtx_index.json'), 'utf8'));
const files = index.map((e) => path.join(root, e.path));
const totalBytes = index.reduce((n, e) => n + e.size, 0);
const expectedRecords = index.reduce((n, e) => n + e.records, 0);
const MB = totalBytes / 1e6;

function row(tool, threads, pass, ms, records) {
  return {
    tool,
    threads,
    pass,
    files: files.length,
    MB: Math.round(MB * 10) / 10,
    records,
    ms: Math.round(ms),
    'MB/s': Math.round((MB / (ms / 1000)) * 10) / 10,
    'records/s': Math.round(records / (ms / 1000)),
  };
}

async function runChainhunt(pool) {
  let records = 0;
  let outChars = 0;
  for await (const b of pool.read(files, { mode: 'jsonl' })) {
    records += b.records;
    outChars += b.lines.length;
  }
  return { records, outChars };
}

function evtxexportOne(file) {
  return new Promise((resolve) => {
    const p = spawn('evtxexport', ['-f', 'xml', file], { stdio: ['ignore', 'pipe', 'ignore'] });
    let events = 0;
    let tail = '';
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (s) => {
      const t = tail + s;
      events += t.split('<Event xmlns').length - 1;
      tail = t.slice(-16);
    });
    p.on('close', () => resolve(events));
    p.on('error', () => resolve(0));
  });
}

async function runEvtxexport(parallel) {
  let next = 0;
  let records = 0;
  const lane = async () => {
    while (next < files.length) {
      const n = await evtxexportOne(files[next++]);
      records += n;
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return { records };
}

const rows = [];
const have = spawnSync('evtxexport', ['-V'], { encoding: 'utf8' });
const peerVersion = have.error ? null : (have.stdout || '').trim().split('\n')[0];

for (const threads of [1, 2]) {
  const pool = new EvtxPool(threads === 1 ? 0 : threads);
  const cold = await timeIt(() => runChainhunt(pool));
  rows.push(row('chainhunt', threads, 'cold', cold.ms, cold.value.records));
  const warm = [];
  for (let i = 0; i < 3; i++) warm.push(await timeIt(() => runChainhunt(pool)));
  warm.sort((a, b) => a.ms - b.ms);
  rows.push(row('chainhunt', threads, 'warm (median of 3)', warm[1].ms, warm[1].value.records));
  await pool.close();
}

// The largest file alone, so per-process start-up does not dominate the peer's numbers.
const largest = index.reduce((a, e) => (e.size > a.size ? e : a));
const largestPath = path.join(root, largest.path);
const largestMB = largest.size / 1e6;
{
  const pool = new EvtxPool(0);
  const runs = [];
  for (let i = 0; i < 5; i++) {
    runs.push(
      await timeIt(async () => {
        let n = 0;
        for await (const b of pool.read([largestPath], { mode: 'jsonl' })) n += b.records;
        return n;
      }),
    );
  }
  runs.sort((a, b) => a.ms - b.ms);
  const r = runs[2];
  rows.push({
    ...row('chainhunt (largest file)', 1, 'median of 5', r.ms, r.value),
    files: 1,
    MB: Math.round(largestMB * 10) / 10,
    'MB/s': Math.round((largestMB / (r.ms / 1000)) * 10) / 10,
  });
  await pool.close();
}
if (peerVersion) {
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(await timeIt(() => evtxexportOne(largestPath)));
  runs.sort((a, b) => a.ms - b.ms);
  const r = runs[2];
  rows.push({
    ...row('evtxexport -f xml (largest file)', 1, 'median of 5', r.ms, r.value),
    files: 1,
    MB: Math.round(largestMB * 10) / 10,
    'MB/s': Math.round((largestMB / (r.ms / 1000)) * 10) / 10,
  });
}

if (peerVersion) {
  for (const parallel of [1, 2]) {
    const r = await timeIt(() => runEvtxexport(parallel));
    rows.push(row('evtxexport -f xml', parallel, 'one process per file', r.ms, r.value.records));
  }
}

writeResults('evtx', rows, {
  corpus: '../shared/data/evtx (evtx_index.json)',
  expectedRecords,
  peer: peerVersion ?? 'evtxexport missing: apt-get install libevtx-utils',
  peakRssMiB: peakRssMiB(),
  notes:
    'chainhunt renders evtx_dump JSON Lines (mode jsonl); evtxexport renders XML to a pipe. ' +
    'threads=2 for chainhunt is EvtxPool with 2 worker threads; for evtxexport two processes at a time. ' +
    `"largest file" rows: ${largest.path} (${largest.records} records) alone, in-process for chainhunt.`,
});
for (const r of rows) {
  if (r.files === files.length && r.records !== expectedRecords) {
    console.error(`bench evtx: ${r.tool} read ${r.records} records, expected ${expectedRecords}`);
  }
}
if (!peerVersion) {
  console.error(
    'bench evtx: evtxexport not found; install Debian libevtx-utils (apt-get install -y libevtx-utils)',
  );
  process.exit(1);
}
