// File evidence at disk speed, side by side in one run over the same tree (every regular file of
// /usr/bin, page cache warmed first; override with CHAINHUNT_BENCH_TREE):
//   - hashing: chainhunt scan without matching (sha256 + sha1 + md5 per file, hashing thread pool
//     and main thread only) vs `sha256sum` run as 2 processes over halves of the file list;
//   - YARA: chainhunt scan with the 3CX rule file, then the whole signature-base yara/ folder, as
//     intel (compile included; yara-x via @litko/yara-x on the hashing threads, decision 0010) vs
//     Debian `yara -p 2` with the same rule files and the same file list (`--scan-list`), LOKI
//     external variables defined (`-d`), no symlink following. The matches of both are recorded
//     and compared (results JSON `yara.<set>.sameMatches`).
//   - "yara-x alone": the engine's ceiling on this machine, not a chainhunt path: 2 threads that
//     compile the same rules and read + scan the same files, without hashing, findings or issues.
// Every row is the fastest of CHAINHUNT_BENCH_REPEAT runs (default 3; the machine may be shared);
// peak memory is the largest seen.
// Peak memory: this process's max RSS (chainhunt rows run in child processes so each is separate)
// and GNU time's %M for the peers.
import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedData, writeResults } from '../lib.mjs';

const self = fileURLToPath(import.meta.url);
const TREE = process.env.CHAINHUNT_BENCH_TREE ?? '/usr/bin';
const RULES = path.join(sharedData, 'signature-base', 'yara');
const THREECX = path.join(RULES, 'gen_mal_3cx_compromise_mar23.yar');

// Child mode "--engine <3cx|all>": yara-x alone (read + scan on 2 threads, no hashing).
if (process.argv[2] === '--engine') {
  const { Worker } = await import('node:worker_threads');
  const scanner = new URL('../../dist/matchers/yara/thread-scanner.js', import.meta.url).href;
  const rulePaths = process.argv[3] === '3cx' ? [THREECX] : null;
  const { parseYaraFile } = await import('../../dist/intel/yara/parse.js');
  const list = (
    rulePaths ??
    readdirSync(RULES)
      .filter((f) => /\.yara?$/.test(f))
      .sort()
      .map((f) => path.join(RULES, f))
  ).flatMap((f) => parseYaraFile(readFileSync(f), f).rules);
  const files = readdirSync(TREE)
    .map((f) => path.join(TREE, f))
    .filter((p) => lstatSync(p).isFile())
    .sort();
  const next = new Int32Array(new SharedArrayBuffer(4));
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { readFileSync } = require('node:fs');
    import(workerData.scanner).then(({ createYaraScanner }) => {
      const s = createYaraScanner({ rules: workerData.rules, maxMatchesPerPattern: 64 });
      parentPort.postMessage('ready');
      let n = 0;
      for (let i; (i = Atomics.add(workerData.next, 0, 1)) < workerData.files.length; ) {
        const r = s.scan(readFileSync(workerData.files[i]), workerData.files[i]);
        n += r.matches ? r.matches.length : 0;
      }
      parentPort.postMessage(n);
    });`;
  const t0 = process.hrtime.bigint();
  const counts = await Promise.all(
    [0, 1].map(
      () =>
        new Promise((resolve, reject) => {
          const w = new Worker(code, { eval: true, workerData: { scanner, rules: list, files, next } });
          w.on('message', (m) => m !== 'ready' && resolve(m));
          w.on('error', reject);
        }),
    ),
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(
    JSON.stringify({
      ms,
      findings: counts.reduce((a, b) => a + b, 0),
      peakMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
  process.exit(0);
}

// Child mode: run one chainhunt scan and print {ms, files, findings, peakMiB} as JSON.
if (process.argv[2] === '--child') {
  const { runScan } = await import('../../dist/scan/runner.js');
  const mode = process.argv[3];
  const t0 = process.hrtime.bigint();
  const out = await runScan(
    mode.startsWith('yara')
      ? { paths: [TREE], intelPaths: [mode === 'yara-3cx' ? THREECX : RULES], defaultIntel: false }
      : { paths: [TREE], match: false, hashThreads: mode === 'hash-main' ? 0 : undefined },
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const yara = out.findings.filter((f) => f.kind === 'yara');
  process.stdout.write(
    JSON.stringify({
      ms,
      findings: yara.length,
      matches: yara.map((f) => `${f.rule.title} ${path.basename(f.subject.path)}`),
      peakMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
  process.exit(0);
}

const files = readdirSync(TREE)
  .map((f) => path.join(TREE, f))
  .filter((p) => lstatSync(p).isFile())
  .sort();
const bytes = files.reduce((n, p) => n + lstatSync(p).size, 0);
const MiB = bytes / (1 << 20);
for (const p of files) readFileSync(p); // warm the page cache for every tool alike

const ruleFiles = readdirSync(RULES)
  .filter((f) => /\.yara?$/.test(f))
  .sort()
  .map((f) => path.join(RULES, f));
const tmp = mkdtempSync(path.join(tmpdir(), 'chainhunt-bench-files-'));
const list = path.join(tmp, 'files.txt');
writeFileSync(list, files.join('\n') + '\n');

const REPEAT = Math.max(1, Number(process.env.CHAINHUNT_BENCH_REPEAT ?? 3));

/** The fastest of REPEAT runs of fn() → {ms, peakMiB, ...}; peak memory is the largest seen. */
async function best(fn) {
  let out = null;
  let peak = 0;
  for (let i = 0; i < REPEAT; i++) {
    const r = await fn();
    peak = Math.max(peak, Number(r.peakMiB) || 0);
    if (!out || r.ms < out.ms) out = r;
  }
  return { ...out, peakMiB: peak || out.peakMiB };
}

function timed(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const peakKiB = Number(/(\d+)\s*$/.exec(r.stderr ?? '')?.[1] ?? 0);
  return { ms, stdout: r.stdout ?? '', status: r.status, peakMiB: Math.round(peakKiB / 1024) };
}

function chainhunt(mode, flag = '--child') {
  const r = spawnSync(process.execPath, [self, flag, mode], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`chainhunt ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const row = (task, tool, threads, ms, peakMiB, extra = {}) => ({
  task,
  tool,
  threads,
  files: files.length,
  MiB: Math.round(MiB),
  ms: Math.round(ms),
  'MiB/s': Math.round((MiB / (ms / 1000)) * 10) / 10,
  peakMiB,
  ...extra,
});

const rows = [];
// Hashing.
const half = Math.ceil(files.length / 2);
{
  // Two sha256sum processes over halves of the list, started together.
  const { spawn } = await import('node:child_process');
  const { ms } = await best(async () => {
    const t0 = process.hrtime.bigint();
    await Promise.all(
      [files.slice(0, half), files.slice(half)].map(
        (part) =>
          new Promise((resolve) => spawn('sha256sum', part, { stdio: 'ignore' }).on('close', resolve)),
      ),
    );
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  });
  rows.push(row('hash', 'sha256sum (sha256 only) x2 processes', 2, ms, ''));
}
const hp = await best(() => chainhunt('hash-pool'));
rows.push(row('hash', 'chainhunt scan (sha256+sha1+md5), thread pool', 2, hp.ms, hp.peakMiB));
const hm = await best(() => chainhunt('hash-main'));
rows.push(row('hash', 'chainhunt scan (sha256+sha1+md5), main thread', 1, hm.ms, hm.peakMiB));

// YARA: the 19 3CX rules (a targeted sweep; compile time negligible) and the whole signature-base.
const defs = ['filename', 'filepath', 'extension', 'filetype', 'owner'].flatMap((v) => ['-d', `${v}=`]);
const yaraVersion = spawnSync('yara', ['--version'], { encoding: 'utf8' }).stdout.trim();
const yaraRows = {};
for (const [label, rules, mode] of [
  ['3CX rules (19)', [THREECX], 'yara-3cx'],
  [`signature-base (${ruleFiles.length} files)`, ruleFiles, 'yara'],
]) {
  const y = await best(() => {
    const r = timed('yara', ['-w', '-N', '-p', '2', ...defs, ...rules, '--scan-list', list]);
    if (r.status !== 0) throw new Error(`yara failed with status ${r.status}`);
    return r;
  });
  // "rule path" lines → "rule basename", the shape of chainhunt's list.
  const yMatches = y.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => `${l.slice(0, l.indexOf(' '))} ${path.basename(l.slice(l.indexOf(' ') + 1))}`);
  const a = row(`yara: ${label}`, `yara ${yaraVersion} -p 2`, 2, y.ms, y.peakMiB, {
    matches: yMatches.length,
  });
  const cy = await best(() => chainhunt(mode));
  const b = row(
    `yara: ${label}`,
    'chainhunt scan (hash + yara-x on the read threads, incl. compile)',
    2,
    cy.ms,
    cy.peakMiB,
    { matches: cy.findings },
  );
  const ex = await best(() => chainhunt(mode === 'yara-3cx' ? '3cx' : 'all', '--engine'));
  const c = row(
    `yara: ${label}`,
    'yara-x alone: read + scan, no hashing (engine ceiling)',
    2,
    ex.ms,
    ex.peakMiB,
    {
      matches: ex.findings,
    },
  );
  rows.push(a, b, c);
  const yaraCli = yMatches.sort();
  const ours = cy.matches.sort();
  yaraRows[mode] = {
    ratio: Math.round((b['MiB/s'] / a['MiB/s']) * 100) / 100,
    engineRatio: Math.round((c['MiB/s'] / a['MiB/s']) * 100) / 100,
    sameMatches: JSON.stringify(yaraCli) === JSON.stringify(ours),
    yaraCli,
    chainhunt: ours,
  };
}
rmSync(tmp, { recursive: true, force: true });

const hashRatio = rows[1]['MiB/s'] / rows[0]['MiB/s'];
writeResults('files', rows, {
  tree: TREE,
  repeat: REPEAT,
  ruleFiles: ruleFiles.length,
  hashVsSha256sum: Math.round(hashRatio * 100) / 100,
  yara: yaraRows,
});
console.log(
  `hashing: ${Math.round(hashRatio * 100)}% of sha256sum x2; YARA 3CX: ${yaraRows['yara-3cx'].ratio}x, signature-base: ${yaraRows['yara'].ratio}x yara -p 2 (engine alone: ${yaraRows['yara-3cx'].engineRatio}x, ${yaraRows['yara'].engineRatio}x)`,
);
