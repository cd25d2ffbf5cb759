/**
 * collectors/Collect-Windows.ps1 cannot run here: its output format is tested from a recorded
 * sample bundle (collectors/__fixtures__/windows-sample), and the script itself statically.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJson } from '../cli.js';
import { repoRoot } from '../fixtures.js';
import { validatorFor } from '../schema.js';

const sample = path.join(repoRoot, 'collectors', '__fixtures__', 'windows-sample');
const script = readFileSync(path.join(repoRoot, 'collectors', 'Collect-Windows.ps1'), 'utf8');

interface Report {
  hosts: { id: string; os?: string; tenant?: string }[];
  findings: {
    host: string;
    tenant?: string;
    severity: string;
    advisory?: { id: string };
    subject: { type: string; name?: string; version?: string; platform?: string; scope?: string };
    evidence: { found?: { user?: string } }[];
  }[];
  issues: unknown[];
}

describe('Collect-Windows.ps1 output (recorded sample)', () => {
  it('has a valid manifest and a PowerShell 5.1 UTF-16LE uninstall export per user hive', () => {
    const manifest = JSON.parse(readFileSync(path.join(sample, 'chainhunt-host.json'), 'utf8')) as unknown;
    expect(validatorFor('schemas/host-manifest.schema.json')(manifest)).toEqual([]);
    const exports = readdirSync(path.join(sample, 'registry'));
    expect(exports).toHaveLength(1);
    expect(exports[0]).toMatch(/^uninstall-hku-S-1-5-21-[\d-]+\.json$/);
    const raw = readFileSync(path.join(sample, 'registry', exports[0]!));
    expect([...raw.subarray(0, 2)]).toEqual([0xff, 0xfe]); // UTF-16LE BOM
    const text = raw.subarray(2).toString('utf16le');
    expect(text).toContain('"PSPath":  "Microsoft.PowerShell.Core\\\\Registry::HKEY_USERS\\\\S-1-5-21-');
    const entries = JSON.parse(text) as { DisplayName: string; DisplayVersion: string }[];
    expect(entries.map((e) => [e.DisplayName, e.DisplayVersion])).toEqual([['3CX Desktop App', '18.12.416']]);
  });

  it('chainhunt scan reports CVE-2023-29059 for the host, per-user scope', () => {
    const { code, doc } = runJson<Report>(['scan', sample, '--format', 'json']);
    expect(code).toBe(0);
    expect(doc.issues).toEqual([]);
    expect(doc.hosts).toMatchObject([{ id: 'win-sample-07', os: 'windows', tenant: 'acme' }]);
    const hits = doc.findings.filter((f) => f.advisory?.id === 'CVE-2023-29059');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      host: 'win-sample-07',
      tenant: 'acme',
      severity: 'critical',
      subject: {
        type: 'app',
        name: '3CX Desktop App',
        version: '18.12.416',
        platform: 'windows',
        scope: 'user',
      },
    });
    expect(hits[0]!.evidence[0]?.found?.user).toBe('S-1-5-21-1004336348-1177238915-682003330-1001');
  });
});

describe('Collect-Windows.ps1 (static)', () => {
  const code = script.replace(/<#[\s\S]*?#>/g, '').replace(/#.*$/gm, '');

  it('never evaluates strings', () => {
    expect(code).not.toMatch(/Invoke-Expression/i);
    expect(code).not.toMatch(/\biex\b/i);
    expect(code).not.toMatch(/\[ScriptBlock\]::Create/i);
  });

  it('addresses paths literally', () => {
    expect(code).toMatch(/-LiteralPath/);
    // Every Get-ItemProperty / Get-ChildItem / Test-Path / Get-FileHash / Get-Content / Remove-Item uses -LiteralPath.
    for (const m of code.matchAll(
      /\b(Get-ItemProperty|Get-ChildItem|Test-Path|Get-FileHash|Get-Content|Remove-Item)\b[^\n]*/g,
    )) {
      expect(m[0], m[0]).toContain('-LiteralPath');
    }
  });

  it('collects what the bundle layout promises', () => {
    for (const s of [
      'chainhunt-host/1',
      'HKEY_LOCAL_MACHINE\\$uninstall',
      'WOW6432Node',
      'Registry::HKEY_USERS',
      'ConvertTo-Json -InputObject $entries -Depth 3',
      "'hashes.csv'",
      'SHA256',
      'wevtutil.exe epl',
      'Microsoft-Windows-Sysmon/Operational',
      "'Security'",
      'Microsoft-Windows-PowerShell/Operational',
      'Get-DnsClientCache',
    ]) {
      expect(code).toContain(s);
    }
  });

  it('reads the upload token from a file, never from a parameter value', () => {
    expect(code).toMatch(/\$token = \(Get-Content -LiteralPath \$TokenFile -Raw\)/);
    expect(code).not.toMatch(/\[string\]\$Token\b\s*=/);
  });
});
