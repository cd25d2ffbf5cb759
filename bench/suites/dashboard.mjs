// Issue 14: each dashboard page's first render on loopback with 10,000 findings loaded (2,000
// hosts, 20 advisories, ~6,000 cases with 60 days of history), in the system Chromium.
// "First render" = from navigation start (a full page load: HTML, the app bundle, its API calls)
// until the page shows its data (its marker element present, nothing left "Loading…"), read from
// performance.now() in the page. Cold = the first visit in a fresh browser context (empty cache);
// warm = median of 5 later visits (hashed assets cached as immutable).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, writeResults } from '../lib.mjs';

const HOSTS = 2000;
const FINDINGS_PER_HOST = 5;
const KEYS = 20;
const DAYS = 60;
const TENANT = 'bench';
const PASSWORD = 'bench-operator-password';
const chromiumPath = process.env.CHAINHUNT_CHROMIUM ?? '/usr/bin/chromium';

if (!existsSync(path.join(repoRoot, 'dist', 'web', 'index.html'))) {
  const r = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
    ],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('vite build failed');
}

const { StateStore } = await import('../../dist/server/state/store.js');
const { chromium } = await import('playwright-core');
const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const root = mkdtempSync(path.join(tmpdir(), 'ch-bench-dashboard-'));
// DASHBOARD_BENCH_DATA=<dir> keeps (and reuses) the seeded data folder between runs.
const reuse = process.env.DASHBOARD_BENCH_DATA;
const data = reuse ?? path.join(root, 'data');
const seeded = reuse !== undefined && existsSync(path.join(reuse, 'state.duckdb'));

// 1. State: hosts, findings, cases and their history, written straight into the embedded store.
const t0 = Date.now();
let cases = 0;
if (!seeded) {
  const state = await StateStore.open({ dataDir: data });
  const day0 = Date.parse('2026-01-01T00:00:00Z');
  const iso = (ms) => new Date(ms).toISOString();
  const SEV = ['critical', 'high', 'medium', 'low'];
  const STATES = ['open', 'contained', 'remediated', 'verified_clean', 'false_positive'];
  await state.tx(async (q) => {
    await state.createTenant({ id: TENANT, name: 'Bench Corp', createdAt: iso(day0) }, q);
    for (let h = 0; h < HOSTS; h++) {
      const host = `host-${String(h).padStart(5, '0')}`;
      await state.recordBundle(
        {
          tenant: TENANT,
          host,
          bundleId: `b-${h}`,
          ingestId: `i-${h}`,
          collectedAt: iso(day0 + (h % DAYS) * 86_400_000),
          ingestedAt: iso(day0 + (h % DAYS) * 86_400_000),
          kinds: { app: 40, network: 300 },
          uploadId: null,
          hostname: host.toUpperCase(),
          os: h % 3 === 0 ? 'linux' : h % 3 === 1 ? 'windows' : 'macos',
        },
        q,
      );
      const list = [];
      const keys = new Set();
      for (let i = 0; i < FINDINGS_PER_HOST; i++) {
        const k = (h * 7 + i * (i % 2 ? 3 : 1)) % KEYS;
        keys.add(k);
        const at = iso(day0 + ((h + i) % DAYS) * 86_400_000);
        list.push({
          id: `f-${h}-${i}`,
          host,
          kind: i % 2 ? 'network' : 'app',
          severity: SEV[k % SEV.length],
          title: `Finding ${i} of advisory ${k} on ${host}`,
          caseKey: `advisory:CVE-2026-${String(1000 + k)}`,
          firstSeen: at,
          lastSeen: at,
          finding: {
            subject: { host, time: at, name: `app-${k}`, version: '1.0.0' },
            evidence: [{ path: `C:/x/${i}` }],
          },
        });
      }
      await state.upsertFindings(TENANT, list, q);
      for (const k of keys) {
        const opened = day0 + ((h + k) % (DAYS / 2)) * 86_400_000;
        const final = STATES[(h + k) % STATES.length];
        const id = `c-${h}-${k}`;
        await state.insertCase(
          {
            id,
            tenant: TENANT,
            host,
            key: `advisory:CVE-2026-${String(1000 + k)}`,
            title: `CVE-2026-${String(1000 + k)}: Bench App ${k}`,
            severity: SEV[k % SEV.length],
            kind: 'app',
            state: final,
            openedAt: iso(opened),
            updatedAt: iso(opened + 10 * 86_400_000),
            containedAt: null,
            remediatedAt: null,
            verifiedAt: final === 'verified_clean' ? iso(opened + 10 * 86_400_000) : null,
            lastEvidenceAt: iso(opened),
            lastBundleId: `b-${h}`,
            detail: {},
          },
          q,
        );
        await state.addCaseEvent(
          {
            caseId: id,
            tenant: TENANT,
            at: iso(opened),
            actor: 'system',
            from: null,
            to: 'open',
            reason: 'found',
            evidence: null,
          },
          q,
        );
        if (final !== 'open')
          await state.addCaseEvent(
            {
              caseId: id,
              tenant: TENANT,
              at: iso(opened + 10 * 86_400_000),
              actor: 'user:bench',
              from: 'open',
              to: final,
              reason: 'bench',
              evidence: null,
            },
            q,
          );
        cases++;
      }
    }
  });
  await state.close();
  const admin = spawnSync(
    process.execPath,
    [cli, 'admin', '--data', data, 'user-create', 'op', '--password', PASSWORD, '--operator'],
    { encoding: 'utf8' },
  );
  if (admin.status !== 0) throw new Error(`admin failed: ${admin.stderr}`);
}
const seedMs = Date.now() - t0;
console.log(`seeded in ${seedMs} ms`);

// 2. Server on loopback.
const proc = spawn(process.execPath, [cli, 'serve', '--port', '0', '--data', data], {
  cwd: repoRoot,
  stdio: ['ignore', 'ignore', 'pipe'],
});
const url = await new Promise((resolve, reject) => {
  let err = '';
  const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 60_000);
  proc.stderr.on('data', (d) => {
    err += d.toString();
    const m = /listening on (http:\/\/[^\s]+)/.exec(err);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  });
  proc.once('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
});

// 3. Pages, each with the element that shows its data.
const key = encodeURIComponent('advisory:CVE-2026-1000');
const pages = [
  ['overview', '/', 'main tbody tr'],
  ['tenant status', `/t/${TENANT}`, '[data-testid="clean-status"]'],
  ['advisory impact + burn-down', `/t/${TENANT}/impact?key=${key}`, 'main tr[data-host]'],
  ['findings', `/t/${TENANT}/findings`, 'main tbody tr'],
  ['remediation (cases)', `/t/${TENANT}/cases`, 'main tbody tr'],
  ['case', `/t/${TENANT}/cases/c-0-0`, 'main dl.kv'],
  ['hosts', `/t/${TENANT}/hosts`, 'main tbody tr'],
  ['host timeline', `/t/${TENANT}/hosts/host-00000`, 'ol.timeline li'],
  ['intel', `/t/${TENANT}/intel`, 'main h2'],
  ['jobs', `/t/${TENANT}/jobs`, 'main table'],
  ['audit log', `/t/${TENANT}/audit`, 'main table'],
  ['settings', `/t/${TENANT}/settings`, 'main section:last-of-type table'],
];

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

/** A fresh context (empty cache) holding a session made through the API, as after signing in. */
async function signedInContext() {
  const r = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'op', password: PASSWORD }),
  });
  const sid = /chainhunt_session=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1];
  if (!r.ok || !sid) throw new Error(`login failed: ${r.status}`);
  const context = await browser.newContext();
  await context.addCookies([{ name: 'chainhunt_session', value: sid, url }]);
  const { user } = await r.json();
  await context.addInitScript((u) => localStorage.setItem('chainhunt.user', u), JSON.stringify(user));
  return { context, page: await context.newPage() };
}

async function renderMs(page, p, selector) {
  await page.goto(`${url}${p}`, { waitUntil: 'commit' });
  await page.waitForFunction(
    (sel) => document.querySelector(sel) !== null && !document.body.textContent.includes('Loading…'),
    selector,
    { timeout: 30_000, polling: 'raf' },
  );
  return page.evaluate(() => {
    const now = performance.now();
    const api = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/'));
    const done = Math.max(0, ...api.map((e) => e.responseEnd));
    return { total: now, api: Math.max(0, ...api.map((e) => e.duration)), after: now - done };
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
try {
  for (const [name, p, selector] of pages) {
    console.log(`page ${name}`);
    const fresh = await signedInContext();
    const cold = await renderMs(fresh.page, p, selector);
    const warm = [];
    for (let i = 0; i < 5; i++) warm.push(await renderMs(fresh.page, p, selector));
    await fresh.context.close();
    const totals = warm.map((w) => w.total);
    rows.push({
      page: name,
      'cold first render (ms)': Math.round(cold.total),
      'warm median (ms)': Math.round(median(totals)),
      'warm max (ms)': Math.round(Math.max(...totals)),
      'slowest API call, warm median (ms)': Math.round(median(warm.map((w) => w.api))),
      'render after data, warm median (ms)': Math.round(median(warm.map((w) => w.after))),
      'under 1 s': Math.max(cold.total, ...totals) < 1000 ? 'yes' : 'NO',
    });
  }
} finally {
  await browser.close();
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
  rmSync(root, { recursive: true, force: true });
}

writeResults('dashboard', rows, {
  data: {
    hosts: HOSTS,
    findings: HOSTS * FINDINGS_PER_HOST,
    cases,
    advisories: KEYS,
    historyDays: DAYS,
    seedMs,
  },
  loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
  seedReused: seeded,
  note:
    'first render = navigation start to data shown (performance.now() in the page); loopback; system Chromium headless; ' +
    'slowest API call = the longest /api/v1 request of the load; render after data = from the last API response to the data on screen',
});
