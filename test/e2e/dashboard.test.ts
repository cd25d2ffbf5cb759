/**
 * Issue #14 acceptance: the dashboard served by `chainhunt serve` on loopback with the demo fleet
 * and the 3CX intel, driven in the system Chromium. An analyst signs in, opens the 3CX advisory,
 * marks win-finance-01's case contained, uploads a fixed bundle and watches the case become
 * verified clean and the burn-down move. A viewer sees no action buttons (and the server refuses
 * anyway). axe-core finds no serious or critical violations on any page. No failed requests, no
 * console errors (the strict CSP would report an inline script or a foreign origin as one).
 * Screenshots go to test-artifacts/dashboard/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, runAxe, seriousViolations, type PageLog } from '../browser.js';
import { repoRoot } from '../fixtures.js';
import { admin, Api, demoBundle, startServer, tempDataDir, type RunningServer } from '../server.js';

const HOSTS = ['linux-build-04', 'mac-design-02', 'win-finance-01', 'win-pbx-05', 'win-sales-03'];
const T = 'acme';
const KEY = 'advisory:CVE-2023-29059';
const PW = { op: 'operator-password-1', ana: 'analyst-password-1', viewer: 'viewer-password-1' };
const shots = path.join(repoRoot, 'test-artifacts', 'dashboard');

/** win-finance-01 after the fix: 3CX 18.12.422, collected later, no Zeek logs. */
function fixedFinanceBundle(): Buffer {
  return demoBundle('win-finance-01', (files) => {
    const reg = 'registry/HKU-alice-Uninstall.reg';
    const text = (files[reg] ?? Buffer.alloc(0)).toString('utf16le');
    expect(text).toContain('"DisplayVersion"="18.12.416"');
    files[reg] = Buffer.from(text.replaceAll('18.12.416', '18.12.422'), 'utf16le');
    const m = JSON.parse((files['chainhunt-host.json'] ?? Buffer.alloc(0)).toString('utf8')) as Record<
      string,
      unknown
    >;
    files['chainhunt-host.json'] = Buffer.from(JSON.stringify({ ...m, collectedAt: '2023-04-20T09:00:00Z' }));
    for (const name of Object.keys(files)) if (name.startsWith('network/')) delete files[name];
  });
}

/** Builds dist/web when it is missing or older than a file under web/ (the server serves dist/web). */
function ensureDashboardBuilt(): void {
  const index = path.join(repoRoot, 'dist', 'web', 'index.html');
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs,
      ),
    );
  if (existsSync(index) && statSync(index).mtimeMs >= newest(path.join(repoRoot, 'web'))) return;
  const vite = path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`vite build failed: ${r.stderr}`);
}

/**
 * No failed request, console error or page error, and nothing fetched from another origin. The app
 * aborts its own in-flight requests when the user moves on (net::ERR_ABORTED): not failures.
 */
function clean(log: PageLog): void {
  expect(
    log.failedRequests.filter((r) => !r.endsWith(': net::ERR_ABORTED')),
    'failed requests',
  ).toEqual([]);
  expect(log.consoleErrors, 'console errors').toEqual([]);
  expect(log.pageErrors, 'page errors').toEqual([]);
  for (const r of log.requests) expect(r.startsWith(server.url) || r.startsWith('data:'), r).toBe(true);
}

/**
 * Polls until the value matches: the single-page app renders after a click or a keypress returns,
 * so a value read once may still be the previous page's (a loaded CI machine shows it).
 */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

/** Waits until the page shows its heading and nothing is loading any more. */
async function settled(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor();
  await page
    .getByText('Loading…')
    .first()
    .waitFor({ state: 'detached', timeout: 15_000 })
    .catch(() => undefined);
  await page.waitForLoadState('networkidle');
}

async function signIn(page: Page, user: string, password: string): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

let server: RunningServer;
let browser: Browser;

describe('dashboard (chainhunt serve + system Chromium)', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    ensureDashboardBuilt();
    const data = tempDataDir();
    admin(data, ['tenant-create', T, '--name', 'Acme Corp']);
    admin(data, ['tenant-create', 'globex', '--name', 'Globex']);
    admin(data, ['user-create', 'op', '--password', PW.op, '--operator']);
    admin(data, ['user-create', 'ana', '--password', PW.ana, '--tenant', T, '--role', 'analyst']);
    admin(data, ['user-create', 'viewer', '--password', PW.viewer, '--tenant', T, '--role', 'viewer']);
    server = await startServer(data);
    const op = new Api(server.url);
    expect(await op.login('op', PW.op)).toBe(200);
    for (const h of HOSTS) {
      const r = await op.post(`/api/v1/tenants/${T}/bundles?name=${h}.zip`, demoBundle(h), {
        'content-type': 'application/zip',
      });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
    }
    await op.settle(T);
    const pack = readFileSync(path.join(repoRoot, 'intel', '3cx', '3cx.chainhunt.json'));
    const imp = await op.post(`/api/v1/tenants/${T}/intel?name=3cx.chainhunt.json`, pack);
    expect(imp.status, JSON.stringify(imp.body)).toBe(201);
    const jobs = await op.settle(T);
    expect(jobs.filter((j) => j.state === 'failed')).toEqual([]);
    const cases = await op.get<{ items: { host: string; state: string }[] }>(
      `/api/v1/tenants/${T}/cases?key=${encodeURIComponent(KEY)}`,
    );
    expect(cases.body.items.find((c) => c.host === 'win-finance-01')?.state).toBe('open');
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("an operator pastes an advisory, reviews the draft, publishes it and watches the retro-hunt's findings arrive", async () => {
    const { context, page, log } = await newPage(browser);
    try {
      await signIn(page, 'op', PW.op);
      await page.getByRole('link', { name: 'Acme Corp', exact: true }).click();
      await page
        .getByRole('navigation', { name: 'Tenant pages' })
        .getByRole('link', { name: 'Intel' })
        .click();
      await settled(page);
      // The imported 3CX pack is listed as a source.
      await page.getByRole('rowheader', { name: '3cx.chainhunt.json' }).waitFor();
      await page.getByLabel('Title (optional)').fill('Look-alike update domain');
      await page
        .getByLabel('Advisory text', { exact: true })
        .fill(
          'The compromised installer beacons to its command-and-control server at update.akamaicontainer[.]com. ' +
            'Investigate any host that contacted it.',
        );
      await page.getByRole('button', { name: 'Extract draft' }).click();
      const card = page.locator('article', { hasText: 'Look-alike update domain' });
      await card.getByText('update.akamaicontainer.com').first().waitFor();
      await page.screenshot({ path: path.join(shots, '08-intel-draft.png'), fullPage: true });
      await card.getByRole('button', { name: 'Publish and retro-hunt' }).click();
      const hunt = page.getByRole('region', { name: 'Retro-hunt' });
      await hunt.locator('[data-job-state="done"]').waitFor({ timeout: 60_000 });
      await hunt
        .getByRole('listitem')
        .filter({ hasText: 'update.akamaicontainer.com' })
        .first()
        .waitFor({ timeout: 15_000 });
      await eventually(() => card.count()).toBe(0);
      await page.screenshot({ path: path.join(shots, '09-intel-retro-hunt.png'), fullPage: true });
      await hunt.getByRole('link', { name: /new finding/ }).click();
      await settled(page);
      await eventually(() => page.getByLabel('New since the latest hunt only').isChecked()).toBe(true);
      await eventually(() => page.locator('main tbody tr').count()).toBeGreaterThan(0);
      clean(log);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('an analyst contains the 3CX case, uploads a fixed bundle and sees it verified clean', async () => {
    const { context, page, log } = await newPage(browser);
    try {
      await signIn(page, 'ana', PW.ana);
      await settled(page);
      await eventually(() => page.locator('h1').textContent()).toBe('Overview across tenants');
      // The analyst sees only their tenant.
      const tenants = page.locator('table', { has: page.locator('caption', { hasText: /^Tenants$/ }) });
      await eventually(() => tenants.locator('tbody tr').count()).toBe(1);
      // Advisories across tenants: the 3CX advisory, affecting Acme, linking to its impact page.
      const across = page.locator(`tr[data-key="${KEY}"]`);
      await eventually(() => across.locator('td').nth(1).textContent()).toBe('1');
      expect(await across.getByRole('link').allTextContents()).toEqual(['Acme Corp']);
      expect(await across.getByRole('link').getAttribute('href')).toBe(
        `/t/${T}/impact?key=${encodeURIComponent(KEY)}`,
      );
      await page.screenshot({ path: path.join(shots, '01-overview.png'), fullPage: true });

      await page.getByRole('link', { name: 'Acme Corp', exact: true }).click();
      await settled(page);
      await eventually(() => page.getByTestId('clean-status').textContent()).toMatch(
        /^No: \d+ of \d+ host\(s\) affected/,
      );
      await page.screenshot({ path: path.join(shots, '02-tenant.png'), fullPage: true });

      const row = page.locator('tbody tr', { hasText: 'CVE-2023-29059 (advisory)' });
      await row.getByRole('link').first().click();
      await settled(page);
      await eventually(() => Promise.resolve(page.url())).toContain(
        `/t/${T}/impact?key=${encodeURIComponent(KEY)}`,
      );
      const latest = page.getByTestId('burndown-latest');
      await eventually(() => latest.textContent()).toMatch(/affected [1-9]/);
      const before = (await latest.textContent()) ?? '';
      expect(before).toContain('verified clean 0');
      await page.screenshot({ path: path.join(shots, '03-impact-before.png'), fullPage: true });

      const fin = page.locator('tr[data-host="win-finance-01"]');
      await fin.getByLabel('New state for win-finance-01').selectOption('contained');
      await fin.getByLabel('Reason for win-finance-01').fill('Isolated from the network by the SOC');
      await fin.getByRole('button', { name: 'Apply' }).click();
      await fin.getByText('Contained', { exact: true }).first().waitFor();
      await eventually(() => latest.textContent()).toContain('contained 1');

      await page.getByLabel('Host bundle (zip or tar.gz)').setInputFiles({
        name: 'win-finance-01-fixed.zip',
        mimeType: 'application/zip',
        buffer: fixedFinanceBundle(),
      });
      await page.getByRole('button', { name: 'Upload bundle' }).click();
      await page.locator('[data-job-state="done"]').waitFor({ timeout: 60_000 });
      await fin.getByText('Verified clean', { exact: true }).waitFor({ timeout: 30_000 });
      await eventually(() => latest.textContent()).toContain('verified clean 1');
      expect(await latest.textContent()).not.toBe(before);
      await page.screenshot({ path: path.join(shots, '04-impact-verified.png'), fullPage: true });

      // The case history keeps the reason.
      await fin.getByRole('link', { name: 'Case history for win-finance-01' }).click();
      await settled(page);
      await page.getByText('Isolated from the network by the SOC').waitFor();
      await page.screenshot({ path: path.join(shots, '05-case.png'), fullPage: true });

      // Every tab renders (audit is for admins only: no tab for an analyst).
      for (const [tab, heading] of [
        ['Findings', 'Findings'],
        ['Remediation', 'Remediation'],
        ['Hosts', 'Hosts'],
        ['Intel', 'Intel'],
        ['Jobs', 'Jobs'],
      ] as const) {
        await page.getByRole('navigation', { name: 'Tenant pages' }).getByRole('link', { name: tab }).click();
        await settled(page);
        await eventually(() => page.locator('h1').textContent()).toBe(heading);
        await page.screenshot({ path: path.join(shots, `06-${tab.toLowerCase()}.png`), fullPage: true });
      }
      expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
      await page
        .getByRole('navigation', { name: 'Tenant pages' })
        .getByRole('link', { name: 'Hosts' })
        .click();
      await page.getByRole('link', { name: 'win-finance-01' }).click();
      await settled(page);
      // The timeline joins the bundles, the evidence findings and the case changes.
      for (const t of ['bundle', 'finding', 'case'])
        await eventually(() => page.locator('ol.timeline .badge', { hasText: t }).count()).toBeGreaterThan(0);
      await page.screenshot({ path: path.join(shots, '07-host-timeline.png'), fullPage: true });

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      clean(log);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('an analyst searches the evidence for an application and follows a hit to the host', async () => {
    const { context, page, log } = await newPage(browser);
    try {
      await signIn(page, 'ana', PW.ana);
      await page.getByRole('link', { name: 'Search evidence', exact: true }).click();
      await settled(page);
      await eventually(() => page.locator('h1').textContent()).toBe('Search evidence');
      const form = page.getByRole('form', { name: 'Search evidence' });
      await form.getByLabel('Search for').selectOption('app');
      await form.getByLabel('Value').fill('3CX Desktop');
      await form.getByLabel(/^Version/).fill('18.12.416');
      await form.getByRole('button', { name: 'Search' }).click();
      await settled(page);
      // The search is in the URL, and only the analyst's tenant is searched.
      await eventually(() => Promise.resolve(page.url())).toContain(
        '/search?app=3CX+Desktop&version=18.12.416',
      );
      await eventually(() => page.getByTestId('search-summary').textContent()).toMatch(
        /hit\(s\) in 1 tenant\(s\)/,
      );
      const row = page.locator('tr[data-host="win-finance-01"]').first();
      await row.waitFor();
      expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
      expect(await page.locator('tr[data-host="mac-design-02"]').count()).toBe(0);
      await page.screenshot({ path: path.join(shots, '12-search.png'), fullPage: true });
      await row.getByRole('link', { name: 'win-finance-01' }).click();
      await settled(page);
      await eventually(() => page.locator('h1').textContent()).toBe('Host win-finance-01');
      // Back returns to the same search.
      await page.goBack();
      await settled(page);
      await eventually(() => page.getByLabel('Value').inputValue()).toBe('3CX Desktop');
      clean(log);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('a tenant admin gives a role, creates and revokes a token and adds a webhook; secrets show once', async () => {
    const { context, page, log } = await newPage(browser);
    try {
      await signIn(page, 'op', PW.op);
      await page.getByRole('link', { name: 'Acme Corp', exact: true }).click();
      await settled(page);
      await page
        .getByRole('navigation', { name: 'Tenant pages' })
        .getByRole('link', { name: 'Settings' })
        .click();
      await settled(page);
      await eventually(() => page.locator('h1').textContent()).toBe('Settings');

      // A new person with a role, who can then sign in.
      const people = page.getByRole('form', { name: 'Give a person a role' });
      await people.getByLabel('User name').fill('newcomer');
      await people.getByLabel(/^Password/).fill('newcomer-password-1');
      await people.getByLabel('Role').selectOption('viewer');
      await people.getByRole('button', { name: 'Give role' }).click();
      await page.getByText('newcomer is a viewer of acme.').waitFor();
      await page.getByRole('cell', { name: 'newcomer', exact: true }).waitFor();
      expect(await new Api(server.url).login('newcomer', 'newcomer-password-1')).toBe(200);

      // A read token: shown once, works, and stops working once revoked.
      const tokens = page.getByRole('form', { name: 'Create an API token' });
      await tokens.getByLabel('Token name').fill('reporting');
      await tokens.getByLabel('Purpose').selectOption('read');
      await tokens.getByRole('button', { name: 'Create token' }).click();
      const shown = page.getByLabel('Token reporting', { exact: true });
      await shown.waitFor();
      const token = await shown.inputValue();
      expect(token.length).toBeGreaterThan(40);
      const reader = new Api(server.url, token);
      expect((await reader.get(`/api/v1/tenants/${T}/findings`)).status).toBe(200);
      await page.screenshot({ path: path.join(shots, '11-settings-token.png'), fullPage: true });
      await page.getByRole('button', { name: 'Revoke token reporting' }).click();
      await eventually(() => page.locator('tr[data-token="reporting"] td').nth(4).textContent()).toBe(
        'revoked',
      );
      expect((await reader.get(`/api/v1/tenants/${T}/findings`)).status).toBe(401);

      // A webhook: the signing secret is shown once; removing it empties the list.
      const hooks = page.getByRole('form', { name: 'Add a webhook' });
      await hooks.getByLabel('Receiver URL').fill('https://soc.example/hooks/chainhunt');
      await hooks.getByLabel('case.state_changed').uncheck();
      await hooks.getByRole('button', { name: 'Add webhook' }).click();
      const secret = page.getByLabel('Signing secret for https://soc.example/hooks/chainhunt', {
        exact: true,
      });
      await secret.waitFor();
      expect((await secret.inputValue()).length).toBeGreaterThan(20);
      await page.getByRole('cell', { name: 'finding.new_critical', exact: true }).waitFor();
      const op = new Api(server.url);
      expect(await op.login('op', PW.op)).toBe(200);
      const listed = await op.get<{ items: { url: string; events: string[] }[] }>(
        `/api/v1/tenants/${T}/webhooks`,
      );
      expect(listed.body.items).toEqual([
        expect.objectContaining({
          url: 'https://soc.example/hooks/chainhunt',
          events: ['finding.new_critical'],
        }),
      ]);
      await page.getByRole('button', { name: 'Remove webhook https://soc.example/hooks/chainhunt' }).click();
      await eventually(() => page.getByRole('button', { name: /^Remove webhook/ }).count()).toBe(0);

      // Nothing secret survives a reload.
      await page.reload();
      await settled(page);
      await page.getByRole('cell', { name: 'reporting', exact: true }).waitFor();
      expect(await page.locator('input.secret').count()).toBe(0);
      clean(log);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('a viewer sees no action buttons, and the server refuses a viewer anyway', async () => {
    const { context, page, log } = await newPage(browser);
    try {
      await signIn(page, 'viewer', PW.viewer);
      await page.goto(`${server.url}/t/${T}/impact?key=${encodeURIComponent(KEY)}`);
      await settled(page);
      await page.getByTestId('burndown-latest').waitFor();
      // Controls that change something (paging, filters and the timeline's view toggles do not).
      const actions = async (): Promise<string[]> =>
        page
          .locator(
            'main button, main select, main input[type="file"], main input[type="checkbox"]:not([id^="tl-"])',
          )
          .evaluateAll((els: { closest: (s: string) => unknown; outerHTML: string }[]): string[] =>
            els
              .filter(
                (e) => !e.closest('nav[aria-label="Pages"]') && !e.closest('form[aria-label^="Filter"]'),
              )
              .map((e) => e.outerHTML.slice(0, 120)),
          );
      expect(await actions()).toEqual([]);
      await page.screenshot({ path: path.join(shots, '10-viewer-impact.png'), fullPage: true });
      for (const p of ['findings', 'cases', 'hosts', 'hosts/win-finance-01', 'intel', 'jobs']) {
        await page.goto(`${server.url}/t/${T}/${p}`);
        await settled(page);
        expect(await actions(), p).toEqual([]);
      }
      clean(log);
      const viewer = new Api(server.url);
      expect(await viewer.login('viewer', PW.viewer)).toBe(200);
      const cases = await viewer.get<{ items: { id: string }[] }>(`/api/v1/tenants/${T}/cases`);
      const id = cases.body.items[0]?.id ?? '';
      const r = await viewer.post(`/api/v1/tenants/${T}/cases/${id}/transition`, {
        to: 'contained',
        reason: 'x',
      });
      expect(r.status).toBe(403);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('works from the keyboard: sign in, skip to content, follow a tab, focus on the new heading', async () => {
    const { context, page, log } = await newPage(browser);
    try {
      await page.goto(`${server.url}/`);
      await page.getByLabel('User name').waitFor();
      // Runs in the page (the test's tsconfig has no DOM types: a minimal shape is declared).
      interface El {
        tagName: string;
        id: string;
        textContent: string | null;
      }
      const focused = (): Promise<string> =>
        page.evaluate(() => {
          const e = (globalThis as unknown as { document: { activeElement: El | null } }).document
            .activeElement;
          return e ? `${e.tagName.toLowerCase()}#${e.id}:${(e.textContent ?? '').trim().slice(0, 40)}` : '';
        });
      // The page heading has focus first; Tab goes to the user name, then the password.
      await page.keyboard.press('Tab');
      await eventually(focused).toMatch(/^input#login-user/);
      await page.keyboard.type('viewer');
      await page.keyboard.press('Tab');
      await eventually(focused).toMatch(/^input#login-password/);
      await page.keyboard.type(PW.viewer);
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await settled(page);
      // The new page's heading takes focus (announced by screen readers).
      await eventually(focused).toBe('h1#page-title:Overview across tenants');
      // The skip link is the first control of the document and lands on the content.
      const first = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { querySelector: (s: string) => El | null } })
          .document;
        return d.querySelector('a[href], button, input, select, textarea')?.textContent ?? '';
      });
      expect(first).toBe('Skip to content');
      await page.getByRole('link', { name: 'Skip to content' }).focus();
      await page.keyboard.press('Enter');
      await eventually(focused).toMatch(/^main#main/);
      // A tenant link, then a tab, followed with Enter only.
      await page.getByRole('link', { name: 'Acme Corp', exact: true }).focus();
      await page.keyboard.press('Enter');
      await settled(page);
      await page
        .getByRole('navigation', { name: 'Tenant pages' })
        .getByRole('link', { name: 'Hosts' })
        .focus();
      await page.keyboard.press('Enter');
      await settled(page);
      await eventually(focused).toBe('h1#page-title:Hosts');
      await eventually(() => Promise.resolve(page.url())).toBe(`${server.url}/t/${T}/hosts`);
      clean(log);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('axe-core finds no serious or critical violations on any page', async () => {
    // bypassCSP lets axe-core's script in; the CSP itself is exercised by the tests above.
    const { context, page } = await newPage(browser, { bypassCSP: true });
    try {
      await page.goto(`${server.url}/`);
      await page.getByLabel('User name').waitFor();
      const report: Record<string, unknown[]> = {};
      report['login'] = seriousViolations(await runAxe(page));
      await page.getByLabel('User name').fill('op');
      await page.getByLabel('Password').fill(PW.op);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      const op = new Api(server.url);
      expect(await op.login('op', PW.op)).toBe(200);
      const c = await op.get<{ items: { id: string }[] }>(`/api/v1/tenants/${T}/cases?limit=1`);
      const pages = [
        '/',
        `/t/${T}`,
        `/t/${T}/impact?key=${encodeURIComponent(KEY)}`,
        `/t/${T}/findings`,
        `/t/${T}/cases`,
        `/t/${T}/cases/${c.body.items[0]?.id ?? ''}`,
        `/t/${T}/hosts`,
        `/t/${T}/hosts/win-finance-01`,
        `/t/${T}/intel`,
        `/t/${T}/jobs`,
        `/t/${T}/audit`,
        `/t/${T}/settings`,
        `/search?app=3cx`,
        '/no/such/page',
      ];
      for (const p of pages) {
        await page.goto(`${server.url}${p}`);
        await settled(page);
        report[p] = seriousViolations(await runAxe(page));
      }
      await page.screenshot({ path: path.join(shots, '20-audit-operator.png'), fullPage: true });
      for (const [p, v] of Object.entries(report)) expect(v, p).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
