// Issue 13: `chainhunt serve` under load on loopback, on the embedded store and on PostgreSQL.
// For each store: a fresh data folder (and, for PostgreSQL, a throwaway server started with
// scripts/postgres-test.sh and stopped after), one tenant, an upload token and a read token made
// with `chainhunt admin`, the 3CX intel imported, then the built server started as a user would.
// Load: UPLOADS distinct host bundles (the demo fleet's five hosts, each copy with its own host id
// and collection time, so none is a duplicate) posted by UPLOAD_CONCURRENCY clients, while
// READ_CONCURRENCY clients read findings, cases, summary and jobs until every ingest job is done
// (at most LOAD_MS; the jobs left then get DRAIN_MS more, without readers). Any non-2xx answer,
// network error, failed job or job not done in the end counts as an error (target: 0).
// Reproduce: `npm run bench server` (bench/run.mjs runs this file). For diagnosis only:
// SERVER_BENCH_UPLOADS, _READERS, _STORES (embedded,postgres), _LOAD_MS, _NODE_ARGS (for the
// server, e.g. --cpu-prof) and _ENTRY (another script taking the `serve` arguments).
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { benchDir, peakRssMiB, repoRoot, writeResults } from '../lib.mjs';

const UPLOADS = Number(process.env.SERVER_BENCH_UPLOADS ?? 200);
const UPLOAD_CONCURRENCY = 8;
const READ_CONCURRENCY = Number(process.env.SERVER_BENCH_READERS ?? 8);
const STORES = (process.env.SERVER_BENCH_STORES ?? 'embedded,postgres').split(',');
const NODE_ARGS = (process.env.SERVER_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** Uploads and readers run at most this long; then the remaining jobs get DRAIN_MS, unread. */
const LOAD_MS = Number(process.env.SERVER_BENCH_LOAD_MS ?? 60_000);
const DRAIN_MS = 60_000;
// Any diagnostic setting writes bench/results/server-diag.* instead of the suite's figures.
const RESULT = Object.keys(process.env).some((k) => k.startsWith('SERVER_BENCH_')) ? 'server-diag' : 'server';
const TENANT = 'bench';
const readRoutePaths = ['findings?limit=100', 'cases?limit=100', 'summary', 'jobs?limit=100'];
const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
// Diagnostics only: another entry point taking the same `serve` arguments.
const serveEntry = process.env.SERVER_BENCH_ENTRY ?? cli;
const pgScript = path.join(repoRoot, 'scripts', 'postgres-test.sh');
const intelPack = path.join(repoRoot, 'intel', '3cx', '3cx.chainhunt.json');
const fleet = path.join(repoRoot, 'demo', 'fleet');
const HOSTS = readdirSync(fleet).sort();

/** A zip with stored members (the bundle's files, relative names). */
function makeZip(files) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of files) {
    const n = Buffer.from(name, 'utf8');
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    parts.push(local, n, data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

function filesOf(dir, base = dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) filesOf(p, base, out);
    else out.push([path.relative(base, p).split(path.sep).join('/'), readFileSync(p)]);
  }
  return out;
}

/** Bundle i: demo host i mod 5, host id `<host>-<i>`, collected i minutes after the demo's time. */
function bundles(n) {
  const templates = HOSTS.map((h) => ({ host: h, files: filesOf(path.join(fleet, h)) }));
  const base = Date.parse('2023-03-30T10:00:00Z');
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = templates[i % templates.length];
    const files = t.files.map(([name, data]) => {
      if (name !== 'chainhunt-host.json') return [name, data];
      const m = JSON.parse(data.toString('utf8'));
      const hostId = `${t.host}-${String(i).padStart(4, '0')}`;
      return [
        name,
        Buffer.from(
          JSON.stringify({
            ...m,
            hostId,
            hostname: hostId.toUpperCase(),
            collectedAt: new Date(base + i * 60_000).toISOString(),
          }),
        ),
      ];
    });
    out.push(makeZip(files));
  }
  return out;
}

function adminCmd(data, databaseUrl, args) {
  const out = execFileSync(
    process.execPath,
    [cli, 'admin', '--data', data, ...(databaseUrl ? ['--database-url', databaseUrl] : []), ...args],
    { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  try {
    return JSON.parse(out);
  } catch {
    return {};
  }
}

function startServer(data, databaseUrl) {
  const proc = spawn(
    process.execPath,
    [
      ...NODE_ARGS,
      serveEntry,
      'serve',
      '--port',
      '0',
      '--data',
      data,
      ...(databaseUrl ? ['--database-url', databaseUrl] : []),
    ],
    { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 60_000);
    proc.stderr.on('data', (d) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m && timer) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          pid: proc.pid,
          stderr: () => stderr,
          stop: async () => {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${stderr}`));
    });
  });
}

/** Peak RSS (VmHWM) and CPU seconds (user + system) of a process, from /proc. */
function procStats(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
  return { peakRssMiB: Math.round((hwm / 1024) * 10) / 10, cpuS: Math.round((ticks / 100) * 10) / 10 };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)] * 10) / 10;
}

function summarize(ms) {
  const s = [...ms].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: percentile(s, 100),
  };
}

/** One request, timed; errors (non-2xx or network) are recorded with the answer's message. */
async function timed(stats, errors, cls, url, init, expect) {
  const t0 = performance.now();
  let status = 0;
  let body = '';
  try {
    const r = await fetch(url, init);
    status = r.status;
    body = await r.text();
  } catch (err) {
    body = `network error: ${err?.cause?.message ?? err?.message ?? String(err)}`;
  }
  const ms = performance.now() - t0;
  (stats[cls] ??= []).push(ms);
  const ok = expect ? status === expect : status >= 200 && status < 300;
  if (!ok)
    errors.push({ route: cls, url: url.replace(/^http:\/\/[^/]+/, ''), status, message: body.slice(0, 300) });
  return { ok, status, body };
}

async function runStore(store) {
  const data = mkdtempSync(path.join(tmpdir(), `ch-bench-server-${store}-`));
  let databaseUrl;
  let pgDir;
  if (store === 'postgres') {
    pgDir = path.join(tmpdir(), `chainhunt-pg-bench-${process.pid}`);
    databaseUrl = execFileSync('bash', [pgScript, 'start', '--dir', pgDir, '--owner', String(process.pid)], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop();
  }
  let server;
  try {
    adminCmd(data, databaseUrl, ['tenant-create', TENANT, '--name', 'Bench']);
    const upTok = adminCmd(data, databaseUrl, [
      'token-create',
      '--tenant',
      TENANT,
      '--purpose',
      'upload',
      '--name',
      'collectors',
    ]).token;
    const readTok = adminCmd(data, databaseUrl, [
      'token-create',
      '--tenant',
      TENANT,
      '--purpose',
      'read',
      '--name',
      'readers',
    ]).token;
    adminCmd(data, databaseUrl, ['intel-import', intelPack]);
    const payloads = bundles(UPLOADS);
    const payloadBytes = payloads.reduce((n, b) => n + b.length, 0);
    server = await startServer(data, databaseUrl);
    const base = `${server.url}/api/v1/tenants/${TENANT}`;
    const readH = { authorization: `Bearer ${readTok}` };
    const upH = { authorization: `Bearer ${upTok}`, 'content-type': 'application/zip' };

    const getJson = (url) => fetch(url, { headers: readH }).then((r) => r.json());
    const countJobs = async (state) => (await getJson(`${base}/jobs?state=${state}&limit=1`)).total;
    const jobsLeft = async () => (await countJobs('queued')) + (await countJobs('running'));
    // The retro-hunt queued by the import runs first; start the load once it is done.
    while ((await jobsLeft()) > 0) await new Promise((r) => setTimeout(r, 100));
    const doneBefore = await countJobs('done');
    const cpuBefore = procStats(server.pid).cpuS;

    const stats = {};
    const bytes = {};
    const errors = [];
    const t0 = performance.now();
    const loadEnd = t0 + LOAD_MS;
    let next = 0;
    let accepted = 0;
    const uploader = async () => {
      while (next < payloads.length && performance.now() < loadEnd) {
        const i = next++;
        const r = await timed(
          stats,
          errors,
          'upload',
          `${base}/bundles?name=host-${i}.zip`,
          { method: 'POST', headers: upH, body: payloads[i] },
          202,
        );
        if (r.ok) accepted++;
      }
    };
    const readRoutes = readRoutePaths.map((p) => [p.split(/[/?]/)[0], `${base}/${p}`]);
    let reading = true;
    let reads = 0;
    const reader = async (k) => {
      for (let j = k; reading && performance.now() < loadEnd; j++) {
        const [cls, url] = readRoutes[j % readRoutes.length];
        const r = await timed(stats, errors, cls, url, { headers: readH });
        (bytes[cls] ??= []).push(r.body.length);
        reads++;
      }
    };
    const readers = Array.from({ length: READ_CONCURRENCY }, (_, k) => reader(k));
    await Promise.all(Array.from({ length: UPLOAD_CONCURRENCY }, uploader));
    const uploadsEnd = performance.now();
    // Readers run until every ingest job is done, or for LOAD_MS at most.
    let left = await jobsLeft();
    while (left > 0 && performance.now() < loadEnd) {
      await new Promise((r) => setTimeout(r, 50));
      left = await jobsLeft();
    }
    reading = false;
    await Promise.all(readers);
    const readEnd = performance.now();
    const doneUnderLoad = (await countJobs('done')) - doneBefore;
    // Then, without readers, the rest of the jobs (bounded too): all must succeed.
    while (left > 0 && performance.now() < t0 + LOAD_MS + DRAIN_MS) {
      await new Promise((r) => setTimeout(r, 50));
      left = await jobsLeft();
    }
    const jobsEnd = performance.now();
    const after = procStats(server.pid);
    // PostgreSQL logs every failed statement: serialization failures and deadlocks (retried by the
    // server, so not errors to the client) and anything else.
    let pgLog = null;
    if (pgDir) {
      const log = readFileSync(path.join(pgDir, 'server.log'), 'utf8');
      const errs = log.split('\n').filter((l) => /\bERROR:/.test(l));
      const serialization = errs.filter((l) => /could not serialize access/.test(l)).length;
      const deadlocks = errs.filter((l) => /deadlock detected/.test(l)).length;
      pgLog = {
        serialization,
        deadlocks,
        other: errs.length - serialization - deadlocks,
        samples: [...new Set(errs.map((l) => l.replace(/^.*?ERROR:\s*/, '')))].slice(0, 10),
      };
    }

    const failed = await getJson(`${base}/jobs?state=failed&limit=20`);
    for (const j of failed.items)
      errors.push({ route: 'job', url: `job ${j.id}`, status: 'failed', message: j.error });
    if (left > 0)
      errors.push({
        route: 'job',
        url: '',
        status: 'timeout',
        message: `${left} jobs not done after ${(LOAD_MS + DRAIN_MS) / 1000} s`,
      });
    const all = await getJson(`${base}/jobs?limit=1000`);
    const ingests = all.items
      .filter((j) => j.type === 'ingest' && j.startedAt && j.finishedAt)
      .sort((x, y) => x.startedAt.localeCompare(y.startedAt));
    const dur = ingests.map((j) => Date.parse(j.finishedAt) - Date.parse(j.startedAt));
    const q = Math.max(1, Math.floor(dur.length / 4));
    const jobMs = {
      all: summarize(dur),
      firstQuarter: summarize(dur.slice(0, q)),
      lastQuarter: summarize(dur.slice(-q)),
    };
    const hosts = await getJson(`${base}/hosts?limit=1000`);
    const cases = await getJson(`${base}/cases?limit=1`);
    const findings = await getJson(`${base}/findings?limit=1`);
    const uploadS = (uploadsEnd - t0) / 1000;
    const e2eS = (jobsEnd - t0) / 1000;
    const lat = Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, summarize(v)]));
    const avgBytes = Object.fromEntries(
      Object.entries(bytes).map(([k, v]) => [k, Math.round(v.reduce((x, y) => x + y, 0) / v.length)]),
    );
    return {
      store,
      uploads: payloads.length,
      payloadBytes,
      accepted,
      uploadsPerS: Math.round((accepted / uploadS) * 10) / 10,
      uploadPhaseS: Math.round(uploadS * 10) / 10,
      loadS: Math.round(((readEnd - t0) / 1000) * 10) / 10,
      doneUnderLoad,
      allDone: left === 0,
      e2eS: Math.round(e2eS * 10) / 10,
      bundlesPerS: Math.round((accepted / e2eS) * 10) / 10,
      reads,
      readsPerS: Math.round((reads / ((readEnd - t0) / 1000)) * 10) / 10,
      readBytesAvg: avgBytes,
      latency: lat,
      jobMs,
      errors,
      hosts: (hosts.items ?? []).length,
      cases: cases.total,
      findings: findings.total,
      pgLog,
      serverPeakRssMiB: after.peakRssMiB,
      serverCpuS: Math.round((after.cpuS - cpuBefore) * 10) / 10,
      serverStderr: server.stderr().slice(-4000),
    };
  } finally {
    await server?.stop();
    rmSync(data, { recursive: true, force: true });
    if (pgDir) execFileSync('bash', [pgScript, 'stop', '--dir', pgDir]);
  }
}

const load0 = loadavg();
const results = [];
for (const store of STORES) {
  console.log(`server bench: ${store} store, ${UPLOADS} uploads`);
  const r = await runStore(store);
  console.log(
    `  ${r.accepted}/${r.uploads} accepted at ${r.uploadsPerS}/s; ${r.doneUnderLoad} ingested under load; ` +
      `all ingested: ${r.allDone ? `${r.e2eS} s` : 'no'}; ${r.readsPerS} reads/s; ${r.errors.length} errors`,
  );
  for (const e of r.errors.slice(0, 20)) console.log(`  error: ${e.route} ${e.url} ${e.status} ${e.message}`);
  results.push(r);
}
const load1 = loadavg();

const fmt = (l) => (l ? `${l.p50} / ${l.p95} / ${l.p99}` : '');
const rows = [];
const line = (metric, f) => rows.push({ metric, ...Object.fromEntries(results.map((r) => [r.store, f(r)])) });
line('uploads accepted (202)', (r) => `${r.accepted} / ${r.uploads}`);
line('uploads/s accepted (upload phase)', (r) => `${r.uploadsPerS} (${r.uploadPhaseS} s)`);
line('ingest jobs done while reading', (r) => `${r.doneUnderLoad} in ${r.loadS} s`);
line('all ingest jobs done after (s)', (r) =>
  r.allDone ? r.e2eS : `not within ${(LOAD_MS + DRAIN_MS) / 1000}`,
);
line('end-to-end bundles/s', (r) => (r.allDone ? r.bundlesPerS : ''));
line('read requests/s (count)', (r) => `${r.readsPerS} (${r.reads})`);
line('upload latency p50 / p95 / p99 (ms)', (r) => fmt(r.latency.upload));
for (const cls of ['findings', 'cases', 'summary', 'jobs'])
  line(
    `GET ${cls} p50 / p95 / p99 (ms), avg bytes`,
    (r) => `${fmt(r.latency[cls])}, ${r.readBytesAvg[cls] ?? ''}`,
  );
line('ingest job run p50: all / first / last quarter (ms)', (r) =>
  [r.jobMs.all.p50, r.jobMs.firstQuarter.p50, r.jobMs.lastQuarter.p50].join(' / '),
);
line('errors (target 0)', (r) => r.errors.length);
line('PostgreSQL log: serialization failures / deadlocks / other errors', (r) =>
  r.pgLog ? `${r.pgLog.serialization} / ${r.pgLog.deadlocks} / ${r.pgLog.other}` : 'n/a',
);
line('hosts / cases / findings after', (r) => `${r.hosts} / ${r.cases} / ${r.findings}`);
line('server CPU during the run (s)', (r) => r.serverCpuS);
line('server peak RSS (MiB, VmHWM)', (r) => r.serverPeakRssMiB);

const load = {
  uploads: UPLOADS,
  uploadConcurrency: UPLOAD_CONCURRENCY,
  readConcurrency: READ_CONCURRENCY,
  readRoutes: readRoutePaths,
  loadMs: LOAD_MS,
  drainMs: DRAIN_MS,
  bundles: `the demo fleet's ${HOSTS.length} hosts in turn, each copy with its own hostId and collectedAt (stored zip)`,
  intel: 'intel/3cx/3cx.chainhunt.json (chainhunt admin intel-import before start)',
};
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), loopback; load average ${load0
  .map((x) => x.toFixed(1))
  .join(' ')} at start, ${load1.map((x) => x.toFixed(1)).join(' ')} at end`;
writeResults(RESULT, rows, {
  command: 'npm run bench server',
  machine,
  load,
  peer: 'none: no comparable open-source server ingests chainhunt host bundles',
  peakRssMiB: peakRssMiB(),
  stores: results.map(({ serverStderr: _e, ...r }) => r),
});
const mdPath = path.join(benchDir, 'results', `${RESULT}.md`);
const errorLines = results.flatMap((r) =>
  r.errors.slice(0, 20).map((e) => `- ${r.store}: ${e.route} ${e.url} → ${e.status}: ${e.message}`),
);
appendFileSync(
  mdPath,
  [
    '',
    '## How it was run',
    '',
    `Reproduce: \`npm run bench server\` (builds, then runs bench/suites/server.mjs).`,
    '',
    `- Machine: ${machine}.`,
    `- Per store: a fresh data folder; PostgreSQL 15 started by scripts/postgres-test.sh (fsync off) and stopped after. One tenant, an upload token and a read token (\`chainhunt admin\`), the 3CX intel imported; then \`node dist/cli/main.js serve --port 0 --data DIR [--database-url URL]\`, and the load starts once the import's retro-hunt is done.`,
    `- Load: ${UPLOADS} uploads (${load.bundles}, ${Math.round(results[0].payloadBytes / results[0].uploads / 1024)} KiB on average) by ${UPLOAD_CONCURRENCY} concurrent clients, each expecting 202; meanwhile ${READ_CONCURRENCY} clients read ${readRoutePaths.join(', ')} in turn, back to back, until every ingest job is done or ${LOAD_MS / 1000} s have passed. Jobs still left then get ${DRAIN_MS / 1000} s more without readers. Node's fetch (undici, keep-alive), Bearer tokens.`,
    '- Errors: any answer other than the expected 2xx, any network error, any failed job, any job not done in the end.',
    '- Ingest job run time: startedAt to finishedAt of each job (one job at a time: the evidence store takes one writer). The first quarter ran under the read load; when the jobs outlast it, the last quarter ran after the readers stopped.',
    '- Durability differs: the throwaway PostgreSQL runs with fsync and synchronous_commit off; the embedded store syncs its write-ahead log on every commit.',
    '- Server CPU and peak RSS from /proc/<pid>/stat and VmHWM of the server process; the bench process and PostgreSQL are not included.',
    '- Peer tool: none (no open-source server ingests these bundles).',
    '',
    errorLines.length ? '## Errors\n\n' + errorLines.join('\n') + '\n' : '## Errors\n\nNone.\n',
  ].join('\n'),
);
if (results.some((r) => r.errors.length > 0)) {
  for (const r of results)
    if (r.errors.length) console.log(`${r.store} server stderr (tail):\n${r.serverStderr}`);
  process.exitCode = 1;
}
