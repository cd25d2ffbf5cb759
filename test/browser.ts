/**
 * Browser-test harness shared by the HTML report and dashboard e2e tests: the system Chromium
 * (Debian package, installed by scripts/setup-system.sh; never downloaded), page watchers for
 * failed requests and console errors, and axe-core run inside the page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** The Chromium binary (override with CHAINHUNT_CHROMIUM for a non-Debian machine). */
export const chromiumPath = process.env['CHAINHUNT_CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags: headless, no sandbox (containers), and no background traffic of Chromium's own. */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches the system Chromium (Playwright gives each launch a fresh temporary profile). Throws a
 * clear error when the binary is missing instead of letting Playwright try to download one.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(
      `Chromium not found at ${chromiumPath}: install it with \`bash scripts/setup-system.sh\` ` +
        '(Debian package "chromium", listed in scripts/apt-packages.txt), or set CHAINHUNT_CHROMIUM',
    );
  return chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs] });
}

/** What a page did, recorded from the moment {@link watchPage} was called. */
export interface PageLog {
  /** Every URL requested. */
  requests: string[];
  /** Requests that failed or answered with HTTP 4xx/5xx: `url: reason`. */
  failedRequests: string[];
  /** `console.error` messages (CSP violations and failed loads show up here too). */
  consoleErrors: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
}

/** Starts recording requests, failures and errors of a page. */
export function watchPage(page: Page): PageLog {
  const log: PageLog = { requests: [], failedRequests: [], consoleErrors: [], pageErrors: [] };
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('requestfailed', (r) =>
    log.failedRequests.push(`${r.url()}: ${r.failure()?.errorText ?? 'failed'}`),
  );
  page.on('response', (r) => {
    if (r.status() >= 400) log.failedRequests.push(`${r.url()}: HTTP ${r.status()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') log.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => log.pageErrors.push(e.message));
  return log;
}

/** A new page in a new context; `bypassCSP` lets {@link runAxe} inject its script into CSP-locked pages. */
export async function newPage(
  browser: Browser,
  options: { bypassCSP?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; log: PageLog }> {
  const context = await browser.newContext({ bypassCSP: options.bypassCSP ?? false });
  const page = await context.newPage();
  return { context, page, log: watchPage(page) };
}

/** One axe-core rule violation, trimmed to what a failing test should print. */
export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

let axeSource: string | undefined;

/**
 * Injects axe-core (read from node_modules, nothing fetched) into the page and runs it over the
 * whole document. The page's CSP must allow the inline script: open pages that have a strict CSP
 * with `newPage(browser, { bypassCSP: true })`.
 */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const blocked = await page
    .addScriptTag({ content: axeSource })
    .then(() => undefined)
    .catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
  const loaded = await page.evaluate(
    () => typeof (globalThis as unknown as { axe?: unknown }).axe === 'object',
  );
  if (!loaded)
    throw new Error(
      `axe-core did not load (${blocked ?? 'no axe global'}): a page CSP that blocks inline scripts needs newPage(browser, { bypassCSP: true })`,
    );
  return page.evaluate(async () => {
    interface AxeResult {
      violations: {
        id: string;
        impact: AxeViolation['impact'];
        help: string;
        nodes: { target: unknown[]; failureSummary?: string }[];
      }[];
    }
    const axe = (globalThis as unknown as { axe: { run: () => Promise<AxeResult> } }).axe;
    const r = await axe.run();
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => {
        const node: { target: string[]; failureSummary?: string } = { target: n.target.map(String) };
        if (n.failureSummary !== undefined) node.failureSummary = n.failureSummary;
        return node;
      }),
    }));
  });
}

/** Violations of impact serious or critical (the ones tests fail on). */
export function seriousViolations(violations: readonly AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
