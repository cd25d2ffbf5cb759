/**
 * `chainhunt scan -o report.html` on the demo fleet, opened from a file:// URL in the system
 * Chromium: nothing fetched, no console errors, the per-host view, no serious axe-core violations.
 * Needs `npm run build` (dist/) and /usr/bin/chromium (scripts/setup-system.sh).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileReport } from '../../src/reporters/html/__fixtures__/reports.js';
import { renderHtml } from '../../src/reporters/html/document.js';
import { launchBrowser, newPage, runAxe, seriousViolations } from '../browser.js';
import { runCli } from '../cli.js';
import { repoRoot } from '../fixtures.js';

const DEMO_HOSTS = ['linux-build-04', 'mac-design-02', 'win-finance-01', 'win-pbx-05', 'win-sales-03'];
const artifacts = path.join(repoRoot, 'test-artifacts');

let tmp: string;
let reportPath: string;
let browser: Browser;

function scanTo(file: string, extra: string[] = []): void {
  const r = runCli(['scan', 'demo/fleet', '--intel', 'demo/intel', '-o', file, ...extra], { cwd: repoRoot });
  if (r.code !== 0) throw new Error(`scan failed (exit ${r.code}): ${r.stderr.slice(0, 2000)}`);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'chainhunt-html-'));
  reportPath = path.join(tmp, 'report.html');
  scanTo(reportPath); // format inferred from the .html extension
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The section of a host, found by its heading. */
function hostSection(page: Page, id: string): ReturnType<Page['locator']> {
  return page.locator('section.host', { has: page.locator('h3', { hasText: id }) });
}

describe('scan --format html on the demo fleet', () => {
  it('writes one HTML document, byte-identical across runs apart from generatedAt', () => {
    const second = path.join(tmp, 'second.out');
    scanTo(second, ['--format', 'html']);
    const a = readFileSync(reportPath, 'utf8');
    const b = readFileSync(second, 'utf8');
    const generatedAt = (doc: string): string => /<time datetime="([^"]+)">/.exec(doc)?.[1] ?? 'missing';
    expect(a.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(a.match(/<time datetime="/g)).toHaveLength(1);
    expect(b.replaceAll(generatedAt(b), 'TIME')).toBe(a.replaceAll(generatedAt(a), 'TIME'));
  });

  it('opens offline from file:// with no request but itself, no failed request and no console error', async () => {
    const { context, page, log } = await newPage(browser);
    try {
      const url = pathToFileURL(reportPath).href;
      await page.goto(url, { waitUntil: 'load' });
      expect(log.requests).toEqual([url]);
      expect(log.failedRequests).toEqual([]);
      expect(log.consoleErrors).toEqual([]);
      expect(log.pageErrors).toEqual([]);

      // Per-host sections for the five demo hosts, in order.
      const heads = await page.locator('section.host h3').allTextContents();
      expect(heads.map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(
        DEMO_HOSTS.map(
          (id) => `acme / ${id} ${id === 'mac-design-02' || id === 'win-finance-01' ? 'critical' : 'clean'}`,
        ),
      );
      // The critical 3CX app findings are visible under the two affected hosts.
      for (const id of ['win-finance-01', 'mac-design-02']) {
        const card = hostSection(page, id).locator('article.finding', {
          has: page.locator('h4', { hasText: /3CX Desktop App .* CVE-2023-29059/ }),
        });
        expect(await card.count(), id).toBe(1);
        expect(await card.isVisible(), id).toBe(true);
        expect(await card.locator('h4 .badge').textContent()).toBe('critical');
        expect(await card.textContent()).toContain('18.12.422');
      }
      expect(await hostSection(page, 'win-pbx-05').locator('article.finding').count()).toBe(0);

      // The charts are there with their accessible names.
      expect(await page.locator('svg[role="img"] > title').allTextContents()).toEqual([
        'Findings by severity',
        'Per-host exposure',
      ]);

      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, 'html-report.png'), fullPage: true });

      // The skip link is the first thing keyboard focus reaches, and it is shown when focused.
      await page.keyboard.press('Tab');
      // Polled: a keypress returns before the page has acted on it (a loaded CI machine shows it).
      const focused = (): Promise<string> =>
        page.evaluate(() => {
          const el = (globalThis as unknown as { document: { activeElement: { className: string } | null } })
            .document.activeElement;
          return el?.className ?? '';
        });
      const poll = { timeout: 15_000, interval: 100 };
      await expect.poll(focused, poll).toBe('skip');
      await expect.poll(() => page.locator('a.skip').isVisible(), poll).toBe(true);
      await page.keyboard.press('Enter');
      await expect.poll(() => Promise.resolve(page.url()), poll).toBe(`${url}#main`);

      // The CSP is in force: an injected inline script does not run.
      await page.addScriptTag({ content: 'globalThis.__injected = 1' }).catch(() => undefined);
      expect(await page.evaluate(() => (globalThis as { __injected?: number }).__injected)).toBeUndefined();
    } finally {
      await context.close();
    }
  });

  it('has no serious or critical axe-core violations', async () => {
    const { context, page } = await newPage(browser, { bypassCSP: true });
    try {
      await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });
      const violations = await runAxe(page);
      expect(seriousViolations(violations), JSON.stringify(violations, null, 2)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('HTML report with hostile strings, in a browser', () => {
  it('runs no script, shows no image and raises no dialog', async () => {
    const file = path.join(tmp, 'hostile.html');
    writeFileSync(file, renderHtml(hostileReport()));
    const { context, page, log } = await newPage(browser);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      const url = pathToFileURL(file).href;
      await page.goto(url, { waitUntil: 'load' });
      const counts = await page.evaluate(() => {
        const doc = (
          globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
        ).document;
        return {
          scripts: doc.querySelectorAll('script').length,
          images: doc.querySelectorAll('img').length,
          handlers: doc.querySelectorAll('[onerror],[onload],[onclick]').length,
          jsLinks: doc.querySelectorAll('a[href^="javascript:" i]').length,
          hosts: doc.querySelectorAll('section.host').length,
        };
      });
      expect(counts).toEqual({ scripts: 0, images: 0, handlers: 0, jsLinks: 0, hosts: 2 });
      expect(await page.locator('section.host h3').first().textContent()).toContain(
        '<script>alert(1)</script>',
      );
      expect(dialogs).toEqual([]);
      expect(log.requests).toEqual([url]);
      expect(log.consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('browser harness', () => {
  it('records failed requests and console errors, and axe-core finds serious violations', async () => {
    const { context, page, log } = await newPage(browser);
    try {
      const missing = pathToFileURL(path.join(tmp, 'missing.png')).href;
      await page.setContent(`<html><body><img src="${missing}"><button></button></body></html>`, {
        waitUntil: 'load',
      });
      expect(log.failedRequests.some((r) => r.startsWith(missing))).toBe(true);
      expect(log.consoleErrors.length).toBeGreaterThan(0);
      const ids = seriousViolations(await runAxe(page)).map((v) => v.id);
      expect(ids).toEqual(expect.arrayContaining(['image-alt', 'button-name']));
    } finally {
      await context.close();
    }
  });
});
