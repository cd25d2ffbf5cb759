/**
 * The demo fleet's application evidence, read by the installed-application collectors directly
 * (independent of the scan pipeline): each host bundle yields the 3CX facts the demo relies on.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectors } from '../src/collectors/index.js';
import type { AppObservation } from '../src/core/observation.js';
import type { Collector } from '../src/core/plugin.js';
import { fileRef, repoRoot } from './fixtures.js';

const APP_COLLECTORS = new Set([
  'collectors/windows-reg',
  'collectors/windows-uninstall-json',
  'collectors/osquery-programs',
  'collectors/osquery-apps',
  'collectors/macos-info-plist',
  'collectors/dpkg-status',
  'collectors/rpm-qa',
]);
const fleet = path.join(repoRoot, 'demo', 'fleet');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

async function hostApps(
  host: string,
): Promise<{ apps: Omit<AppObservation, 'host' | 'tenant'>[]; issues: number }> {
  const root = path.join(fleet, host);
  const apps: Omit<AppObservation, 'host' | 'tenant'>[] = [];
  let issues = 0;
  for (const file of walk(root)) {
    if (file.endsWith('chainhunt-host.json')) continue;
    const content = readFileSync(file);
    const ref = fileRef(file, content.length);
    const chosen: Collector[] = collectors.filter(
      (c) =>
        APP_COLLECTORS.has(c.id) && (c.matches(ref) || c.sniff?.(content.subarray(0, 4096), ref) === true),
    );
    for (const c of chosen) {
      const r = await c.collect({
        file: ref,
        content,
        host: { id: host, root, fromManifest: true },
        signal: new AbortController().signal,
      });
      issues += r.issues.length;
      for (const o of r.observations) if (o.kind === 'app') apps.push({ ...o, collectorId: c.id });
    }
  }
  return { apps, issues };
}

const threeCx = (apps: { name: string }[]) => apps.filter((a) => a.name.toLowerCase().includes('3cx'));

describe('demo fleet application evidence', () => {
  it('has a manifest for each of the five hosts', () => {
    const hosts = readdirSync(fleet).sort();
    expect(hosts).toEqual([
      'linux-build-04',
      'mac-design-02',
      'win-finance-01',
      'win-pbx-05',
      'win-sales-03',
    ]);
    for (const h of hosts) {
      const m = JSON.parse(readFileSync(path.join(fleet, h, 'chainhunt-host.json'), 'utf8'));
      expect(m).toMatchObject({
        schema: 'chainhunt-host/1',
        hostId: h,
        tenant: 'acme',
        collectedAt: '2023-03-30T10:00:00Z',
      });
    }
  });

  it('win-finance-01: per-user 3CX Desktop App 18.12.416 from a UTF-16LE .reg export', async () => {
    const { apps, issues } = await hostApps('win-finance-01');
    expect(issues).toBe(0);
    expect(threeCx(apps)).toMatchObject([
      {
        name: '3CX Desktop App',
        version: '18.12.416',
        publisher: '3CX Ltd',
        platform: 'windows',
        scope: 'user',
        installLocation: 'C:\\Users\\alice\\AppData\\Local\\Programs\\3CXDesktopApp\\',
        collectorId: 'collectors/windows-reg',
      },
    ]);
    expect(apps.length).toBeGreaterThanOrEqual(3);
  });

  it('mac-design-02: 3CX Desktop App 18.11.1213 from a binary Info.plist', async () => {
    const { apps, issues } = await hostApps('mac-design-02');
    expect(issues).toBe(0);
    expect(apps).toMatchObject([
      {
        name: '3CX Desktop App',
        version: '18.11.1213',
        bundleId: 'com.electron.3cx-desktop-app',
        platform: 'macos',
        scope: 'machine',
        installLocation: '/Applications/3CX Desktop App.app',
      },
    ]);
  });

  it('win-sales-03: machine-wide 18.12.422 from osquery programs', async () => {
    const { apps, issues } = await hostApps('win-sales-03');
    expect(issues).toBe(0);
    expect(threeCx(apps)).toMatchObject([
      {
        name: '3CX Desktop App',
        version: '18.12.422',
        scope: 'machine',
        collectorId: 'collectors/osquery-programs',
      },
    ]);
  });

  it('linux-build-04: ordinary Debian packages, nothing from 3CX', async () => {
    const { apps, issues } = await hostApps('linux-build-04');
    expect(issues).toBe(0);
    expect(apps.length).toBeGreaterThan(5);
    expect(threeCx(apps)).toEqual([]);
  });

  it('win-pbx-05: only the 3CX Phone System server, publisher "3CX"', async () => {
    const { apps, issues } = await hostApps('win-pbx-05');
    expect(issues).toBe(0);
    expect(threeCx(apps)).toMatchObject([
      { name: '3CX Phone System', version: '18.0.7.312', publisher: '3CX', scope: 'machine' },
    ]);
  });
});
