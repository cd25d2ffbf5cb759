import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTar, makeZip } from '../../test/archives.js';
import type { IntelBundle } from '../core/intel.js';
import type { Collector } from '../core/plugin.js';
import type { Observed } from '../core/observation.js';
import { issue } from '../core/issue.js';
import { fileHashMatcher } from '../matchers/file-hash/index.js';
import { vendorAppMatcher } from '../matchers/vendor-app/index.js';
import { buildReport } from './report.js';
import { runScan } from './runner.js';

/** A toy collector: each line `name;version;platform` of an `apps.txt` is an application. */
const toyApps: Collector = {
  id: 'collectors/toy-apps',
  version: 1,
  description: 'test',
  matches: (f) => f.lowerName === 'apps.txt',
  collect({ file, content }) {
    const observations: Observed[] = [];
    const issues = [];
    const lines = content.toString('utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!.trim();
      if (!l) continue;
      const [name, version, platform] = l.split(';');
      if (!name || !version || (platform !== 'windows' && platform !== 'macos')) {
        issues.push(issue('parse-error', 'bad line', { file: file.path, line: i + 1 }));
        continue;
      }
      observations.push({
        kind: 'app' as const,
        name,
        version,
        platform: platform,
        scope: 'user' as const,
        source: { file: file.path, line: i + 1 },
      });
    }
    return { observations, issues };
  },
};

const throwing: Collector = {
  id: 'collectors/throws',
  version: 1,
  description: 'test',
  matches: (f) => f.lowerName === 'boom.txt',
  collect() {
    throw new Error('kaboom');
  },
};

const intel: IntelBundle = {
  sources: [{ id: 'test', name: 'test' }],
  advisories: [
    {
      id: 'ADV-1',
      aliases: ['CVE-0000-0001'],
      source: 'test',
      kind: 'vendor-app',
      summary: 'trojanized',
      severity: 'critical',
      references: [],
      remediation: 'upgrade',
      affected: [
        { product: { names: ['Acme App'] }, platform: 'windows', versions: ['1.2.3'], fixed: ['1.2.4'] },
      ],
    },
  ],
  indicators: [
    {
      type: 'sha256',
      value: '7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed',
      source: 'test',
      description: 'the word one',
    },
  ],
  rules: [],
};

function fleet(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ch-run-'));
  const put = (rel: string, content: string | Buffer): void => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  };
  put(
    'h1/chainhunt-host.json',
    JSON.stringify({ schema: 'chainhunt-host/1', hostId: 'host-1', tenant: 't1', os: 'windows' }),
  );
  put('h1/apps.txt', 'Acme App;1.2.3;windows\nAcme App;1.2.3;macos\ngarbage\n');
  put(
    'h1/nested/h2/chainhunt-host.json',
    JSON.stringify({ schema: 'chainhunt-host/1', hostId: 'host-2', tenant: 't1' }),
  );
  put('h1/nested/h2/apps.txt', 'Acme App;1.2.4;windows\n');
  put('h1/nested/h2/one.txt', 'one');
  put(
    'bundle.zip',
    makeZip({
      'chainhunt-host.json': JSON.stringify({ schema: 'chainhunt-host/1', hostId: 'host-3' }),
      'x/apps.txt': 'Acme App;1.2.3;windows\n',
    }),
  );
  put('loose/boom.txt', 'x');
  put('bad/chainhunt-host.json', '{"schema":"nope"}');
  return root;
}

describe('runScan', () => {
  it('assigns files to the nearest manifest, matches, and reports bad input as issues', async () => {
    const root = fleet();
    const out = await runScan({
      paths: [root],
      intel,
      collectors: [toyApps, throwing],
      matchers: [vendorAppMatcher, fileHashMatcher],
    });
    const hosts = out.hosts.map((h) => `${h.host.tenant ?? '-'}/${h.host.id}`).sort();
    expect(hosts).toEqual(['-/host-3', `-/${path.basename(root)}`, 't1/host-1', 't1/host-2'].sort());
    const found = out.findings.map(
      (f) => `${f.host}:${f.kind}:${f.advisory?.id ?? f.indicator?.value.slice(0, 8)}`,
    );
    // sorted by tenant, then host
    expect(found).toEqual(['host-3:app:ADV-1', 'host-1:app:ADV-1', 'host-2:file:7692c3ad']);
    const app = out.findings[1]!;
    expect(app.subject).toMatchObject({
      type: 'app',
      name: 'Acme App',
      version: '1.2.3',
      platform: 'windows',
    });
    expect(app.fixedVersions).toEqual(['1.2.4']);
    expect(app.remediation).toBe('upgrade');
    expect(app.tenant).toBe('t1');
    expect(app.evidence[0]!.location).toEqual({ file: `${root}/h1/apps.txt`, line: 1 });
    const codes = out.issues.map((i) => `${i.code}:${i.pluginId}`);
    expect(codes).toContain('parse-error:collectors/toy-apps');
    expect(codes).toContain('internal-error:collectors/throws');
    expect(codes).toContain('invalid-value:scan/manifest');
    const status = Object.fromEntries(out.plugins.map((p) => [p.id, p.status]));
    expect(status['collectors/toy-apps']).toBe('partial');
    expect(status['collectors/throws']).toBe('failed');
  });

  it('is deterministic apart from the timestamp', async () => {
    const root = fleet();
    const a = buildReport(await runScan({ paths: [root], intel, collectors: [toyApps] }), new Date(0));
    const b = buildReport(await runScan({ paths: [root], intel, collectors: [toyApps] }), new Date(0));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('reads a fleet archive (.tar.gz) holding several host bundles', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ch-run-'));
    const m = (id: string): string => JSON.stringify({ schema: 'chainhunt-host/1', hostId: id });
    writeFileSync(
      path.join(root, 'fleet.tar.gz'),
      await makeTar({
        'fleet/a/chainhunt-host.json': m('alpha'),
        'fleet/a/apps.txt': 'Acme App;1.2.3;windows\n',
        'fleet/b/chainhunt-host.json': m('bravo'),
        'fleet/b/apps.txt': 'Acme App;1.2.4;windows\n',
      }),
    );
    const out = await runScan({ paths: [path.join(root, 'fleet.tar.gz')], intel, collectors: [toyApps] });
    expect(out.hosts.map((h) => h.host.id).sort()).toEqual(['alpha', 'bravo']);
    expect(out.findings.map((f) => f.host)).toEqual(['alpha']);
  });

  it('names a manifest-less path after its base name', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ch-run-'));
    mkdirSync(path.join(root, 'laptop-7'));
    writeFileSync(path.join(root, 'laptop-7', 'apps.txt'), 'Acme App;1.2.3;windows\n');
    const out = await runScan({ paths: [path.join(root, 'laptop-7')], intel, collectors: [toyApps] });
    expect(out.hosts.map((h) => h.host.id)).toEqual(['laptop-7']);
    expect(out.findings.map((f) => f.host)).toEqual(['laptop-7']);
  });
});
