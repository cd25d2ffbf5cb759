// Lockfile parsing: chainhunt's npm-lock and pnpm-lock collectors vs the snyk-nodejs-lockfile-parser
// npm package, on the same generated 50,000-package package-lock.json (v3) and pnpm-lock.yaml (v9).
// Each parser runs in its own child process (cold, one parse per process, repeated RUNS times), so
// peak RSS is that parser's alone. Reported: median wall and CPU time (user+system, less sensitive
// to a loaded machine) of the parse call, and median peak RSS
// (BENCH_LOCK_RUNS, default 3, but the peer runs pnpm once: it takes minutes there; BENCH_LOCK_N,
// default 50,000; BENCH_LOCK_ONLY=npm or pnpm to run one file).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResults } from '../lib.mjs';

const N = Number(process.env.BENCH_LOCK_N ?? 50_000);
const RUNS = Number(process.env.BENCH_LOCK_RUNS ?? 3);
// The peer needs minutes per pnpm parse at this size: it runs once there.
const runsFor = (who, kind) => (who !== 'chainhunt' && kind === 'pnpm' ? 1 : RUNS);
const self = fileURLToPath(import.meta.url);

/** Deterministic PRNG so every run benchmarks the same files. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** N packages: names (every 10th scoped), versions, and deps on later packages (a DAG). */
function model() {
  const r = rng(42);
  const pkgs = [];
  for (let i = 0; i < N; i++) {
    const name = i % 10 === 0 ? `@scope${i % 97}/pkg-${i}` : `pkg-${i}`;
    const version = `${1 + (i % 7)}.${i % 13}.${i % 5}`;
    pkgs.push({ name, version, deps: [], dev: false });
  }
  // A realistic shape: 300 direct dependencies; every other package is required by an earlier
  // one (so all are reachable), plus extra forward edges (shared dependencies).
  const DIRECT = 300;
  for (let i = DIRECT; i < N; i++) {
    const parent = Math.max(0, i - 1 - Math.floor(r() * 2000));
    pkgs[parent].deps.push(i);
  }
  for (let i = 0; i < N; i++) {
    const n = Math.floor(r() * 3);
    for (let k = 0; k < n; k++) {
      const j = i + 1 + Math.floor(r() * 2000);
      if (j < N && !pkgs[i].deps.includes(j)) pkgs[i].deps.push(j);
    }
  }
  const direct = [];
  for (let i = 0; i < DIRECT; i++) direct.push(i);
  const devFrom = Math.floor(direct.length * 0.8);
  return { pkgs, direct, devFrom };
}

function writeFiles(dir) {
  const { pkgs, direct, devFrom } = model();
  const manifest = { name: 'bench-root', version: '1.0.0', dependencies: {}, devDependencies: {} };
  direct.forEach((i, k) => {
    (k >= devFrom ? manifest.devDependencies : manifest.dependencies)[pkgs[i].name] = pkgs[i].version;
  });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  // devness: reachable only from dev roots
  const prod = new Uint8Array(N);
  const stack = direct.slice(0, devFrom);
  for (const i of stack) prod[i] = 1;
  while (stack.length) {
    const x = stack.pop();
    for (const d of pkgs[x].deps)
      if (!prod[d]) {
        prod[d] = 1;
        stack.push(d);
      }
  }
  // package-lock.json v3 (flat, as npm hoists when there are no conflicts)
  const packages = {
    '': {
      name: manifest.name,
      version: manifest.version,
      dependencies: manifest.dependencies,
      devDependencies: manifest.devDependencies,
    },
  };
  pkgs.forEach((p, i) => {
    const base = p.name.startsWith('@') ? p.name.split('/')[1] : p.name;
    const e = {
      version: p.version,
      resolved: `https://registry.npmjs.org/${p.name}/-/${base}-${p.version}.tgz`,
      integrity: `sha512-${Buffer.from(`${p.name}@${p.version}`).toString('base64')}==`,
    };
    if (!prod[i]) e.dev = true;
    if (p.deps.length)
      e.dependencies = Object.fromEntries(p.deps.map((d) => [pkgs[d].name, `^${pkgs[d].version}`]));
    packages[`node_modules/${p.name}`] = e;
  });
  writeFileSync(
    path.join(dir, 'package-lock.json'),
    JSON.stringify(
      { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages },
      null,
      2,
    ),
  );
  // pnpm-lock.yaml v9
  const q = (s) => (s.startsWith('@') ? `'${s}'` : s);
  const lines = [
    "lockfileVersion: '9.0'",
    '',
    'settings:',
    '  autoInstallPeers: true',
    '  excludeLinksFromLockfile: false',
    '',
    'importers:',
    '',
    '  .:',
  ];
  for (const [field, deps] of [
    ['dependencies', manifest.dependencies],
    ['devDependencies', manifest.devDependencies],
  ]) {
    lines.push(`    ${field}:`);
    for (const [n, v] of Object.entries(deps))
      lines.push(`      ${q(n)}:`, `        specifier: ${v}`, `        version: ${v}`);
  }
  lines.push('', 'packages:', '');
  for (const p of pkgs) {
    lines.push(
      `  ${q(`${p.name}@${p.version}`)}:`,
      `    resolution: {integrity: sha512-${Buffer.from(`${p.name}@${p.version}`).toString('base64')}==}`,
      '',
    );
  }
  lines.push('snapshots:', '');
  for (const p of pkgs) {
    if (!p.deps.length) {
      lines.push(`  ${q(`${p.name}@${p.version}`)}: {}`, '');
      continue;
    }
    lines.push(`  ${q(`${p.name}@${p.version}`)}:`, '    dependencies:');
    for (const d of p.deps) lines.push(`      ${q(pkgs[d].name)}: ${pkgs[d].version}`);
    lines.push('');
  }
  writeFileSync(path.join(dir, 'pnpm-lock.yaml'), lines.join('\n'));
}

async function worker(who, kind, dir) {
  const lockName = kind === 'npm' ? 'package-lock.json' : 'pnpm-lock.yaml';
  const file = path.join(dir, lockName);
  let run;
  if (who === 'chainhunt') {
    const mod =
      kind === 'npm'
        ? await import('../../dist/collectors/npm-lock/parse.js')
        : await import('../../dist/collectors/pnpm-lock/parse.js');
    const parse = kind === 'npm' ? mod.parseNpmLock : mod.parsePnpmLock;
    run = async () => {
      const res = parse(readFileSync(file), file);
      return res.observations.filter((o) => !o.dev).length;
    };
  } else {
    const snyk = await import('snyk-nodejs-lockfile-parser');
    const lib = snyk.default ?? snyk;
    const opts = {
      includeDevDeps: false,
      includeOptionalDeps: true,
      strictOutOfSync: false,
      pruneCycles: true,
      pruneWithinTopLevelDeps: true,
      honorAliases: true,
    };
    run = async () => {
      const pkgJson = readFileSync(path.join(dir, 'package.json'), 'utf8');
      const lock = readFileSync(file, 'utf8');
      const g =
        kind === 'npm'
          ? await lib.parseNpmLockV2Project(pkgJson, lock, opts)
          : await lib.parsePnpmProject(pkgJson, lock, opts, lib.getPnpmLockfileVersion(lock));
      return g.getPkgs().length - 1;
    };
  }
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const count = await run();
  const cpu = process.cpuUsage(cpu0);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rss = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rss, count }));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chainhunt-bench-lock-'));
  try {
    writeFiles(dir);
    const rows = [];
    for (const kind of (process.env.BENCH_LOCK_ONLY ?? 'npm,pnpm').split(',')) {
      const res = {};
      for (const who of ['chainhunt', 'snyk-nodejs-lockfile-parser']) {
        const runs = [];
        for (let i = 0; i < runsFor(who, kind); i++) {
          const r = spawnSync(
            process.execPath,
            ['--max-old-space-size=4096', self, '--worker', who, kind, dir],
            { encoding: 'utf8', maxBuffer: 1 << 20 },
          );
          if (r.status !== 0) throw new Error(`${who} ${kind} failed: ${r.stderr}`);
          runs.push(JSON.parse(r.stdout));
        }
        res[who] = {
          ms: median(runs.map((x) => x.ms)),
          cpuMs: median(runs.map((x) => x.cpuMs)),
          rss: median(runs.map((x) => x.rss)),
          count: runs[0].count,
        };
      }
      const ours = res['chainhunt'];
      const peer = res['snyk-nodejs-lockfile-parser'];
      const file = kind === 'npm' ? 'package-lock.json' : 'pnpm-lock.yaml';
      for (const who of ['chainhunt', 'snyk-nodejs-lockfile-parser']) {
        rows.push({
          file,
          parser: who,
          packages: res[who].count,
          wall_ms: Math.round(res[who].ms),
          cpu_ms: Math.round(res[who].cpuMs),
          peak_rss_mib: Math.round(res[who].rss),
          speedup_wall: who === 'chainhunt' ? `${(peer.ms / ours.ms).toFixed(1)}x` : '1.0x',
          speedup_cpu: who === 'chainhunt' ? `${(peer.cpuMs / ours.cpuMs).toFixed(1)}x` : '1.0x',
        });
      }
      if (ours.count !== peer.count)
        console.warn(`warning: ${file}: chainhunt found ${ours.count} non-dev packages, peer ${peer.count}`);
    }
    const size = (f) => Math.round(readFileSync(path.join(dir, f)).length / 1024 / 1024);
    writeResults('lockfiles', rows, {
      packages: N,
      runs: RUNS,
      sizes_mib: { 'package-lock.json': size('package-lock.json'), 'pnpm-lock.yaml': size('pnpm-lock.yaml') },
      note: 'each parser in its own child process; median of runs; packages = non-dev packages reported (peer: includeDevDeps false)',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--worker') await worker(process.argv[3], process.argv[4], process.argv[5]);
else if (process.argv[2] === '--generate') writeFiles(process.argv[3]);
else await main();
