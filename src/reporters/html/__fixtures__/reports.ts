/** Report fixtures for the HTML reporter's tests: a small fleet and one full of hostile strings. */
import type { Finding } from '../../../core/finding.js';
import type { Report } from '../../../core/report.js';

/** Markup, attribute breakouts, script URLs and control characters. */
export const HOSTILE = `<script>alert(1)</script>"><img src=x onerror=alert(2)>'\u0000\u0007`;

function finding(over: Partial<Finding> & Pick<Finding, 'id' | 'severity' | 'host' | 'title'>): Finding {
  return {
    kind: 'app',
    subject: { type: 'app', name: '3CX Desktop App', version: '18.12.416', platform: 'windows' },
    evidence: [
      {
        type: 'exact-version',
        searchedBy: { versions: ['18.12.416'] },
        found: { version: '18.12.416' },
        matcherId: 'matchers/vendor-app',
        confidence: 0.9,
        location: { file: 'ev/win-01/reg.reg', line: 12 },
      },
    ],
    ...over,
  };
}

/** Two tenants, three hosts (one clean), findings of several severities, one issue. */
export function sampleReport(): Report {
  return {
    schemaVersion: '1.0.0',
    tool: { name: 'chainhunt', version: '0.1.0' },
    generatedAt: '2026-01-01T00:00:00.000Z',
    hosts: [
      {
        id: 'win-01',
        hostname: 'WIN-01',
        os: 'windows',
        tenant: 'acme',
        root: 'ev/win-01',
        status: 'affected',
        highestSeverity: 'critical',
        findings: 3,
        observations: { file: 10, app: 3 },
      },
      { id: 'clean-02', tenant: 'acme', root: 'ev/clean-02', status: 'clean', findings: 0, observations: {} },
      {
        id: 'mac-03',
        os: 'macos',
        tenant: 'beta',
        root: 'ev/mac-03',
        status: 'affected',
        highestSeverity: 'medium',
        findings: 1,
        observations: { app: 1 },
      },
    ],
    findings: [
      finding({ id: 'f3', severity: 'low', host: 'win-01', tenant: 'acme', title: 'Low one' }),
      finding({
        id: 'f1',
        severity: 'critical',
        host: 'win-01',
        tenant: 'acme',
        title: '3CX Desktop App 18.12.416 is affected by CVE-2023-29059',
        advisory: { id: 'CVE-2023-29059', aliases: ['GHSA-x'], source: 'cve' },
        fixedVersions: ['18.12.422'],
        remediation: 'Uninstall, then install 18.12.422 or later.',
        references: ['https://www.3cx.com/blog/news/desktopapp-security-alert/'],
      }),
      finding({
        id: 'f2',
        kind: 'file',
        severity: 'high',
        host: 'win-01',
        tenant: 'acme',
        title: 'ffmpeg.dll: sha256 matches',
        subject: { type: 'file', path: 'C:\\Users\\a\\ffmpeg.dll', sha256: 'a'.repeat(64) },
        indicator: { type: 'sha256', value: 'a'.repeat(64), source: 'sophos', test: true },
      }),
      finding({ id: 'f4', severity: 'medium', host: 'mac-03', tenant: 'beta', title: 'Medium one' }),
    ],
    issues: [
      {
        code: 'parse-error',
        file: 'ev/x.reg',
        line: 3,
        message: 'bad value',
        pluginId: 'collectors/windows-reg',
      },
      { code: 'truncated', file: 'ev/a.exe', offset: 4096, message: 'PE section past end of file' },
    ],
    plugins: [
      {
        id: 'collectors/windows-reg',
        kind: 'collector',
        version: 1,
        status: 'partial',
        handled: 2,
        issues: 1,
      },
      { id: 'matchers/vendor-app', kind: 'matcher', version: 1, status: 'ok', handled: 4, issues: 0 },
    ],
    intel: {
      sources: [{ id: 'cve', name: 'CVE Program', url: 'https://www.cve.org/', license: 'CVE ToU' }],
      advisories: 1,
      indicators: 2,
      rules: 0,
    },
    advisories: [
      {
        id: 'CVE-2023-29059',
        aliases: ['GHSA-x'],
        source: 'cve',
        summary: '3CX DesktopApp through 18.12.416 has embedded malicious code.',
        severity: 'critical',
        references: ['https://nvd.nist.gov/vuln/detail/CVE-2023-29059'],
        remediation: 'Update to 18.12.422.',
      },
    ],
  };
}

/** A report whose every string field a reporter prints is {@link HOSTILE}. */
export function hostileReport(): Report {
  const x = HOSTILE;
  return {
    schemaVersion: x,
    tool: { name: x, version: x },
    generatedAt: x,
    hosts: [
      {
        id: x,
        hostname: x,
        tenant: x,
        collectedAt: x,
        root: x,
        status: 'affected',
        findings: 1,
        observations: { [x]: 1 } as Report['hosts'][number]['observations'],
      },
    ],
    findings: [
      {
        id: x,
        kind: 'sigma',
        severity: 'high',
        host: x,
        tenant: x,
        title: x,
        subject: { type: 'event', time: x, channel: x, computer: x },
        advisory: { id: x, aliases: [x], source: x },
        indicator: { type: 'domain', value: x, source: x, test: true },
        rule: { id: x, title: x, level: x },
        evidence: [
          {
            type: x,
            searchedBy: { [x]: x },
            found: { [x]: x, nested: { [x]: [x] } },
            matcherId: x,
            confidence: 1,
            location: { file: x, line: 1 },
          },
        ],
        fixedVersions: [x],
        remediation: x,
        references: [`javascript:alert(3)`, x, 'https://example.org/"><script>alert(4)</script>'],
      },
      {
        id: 'orphan',
        kind: 'file',
        severity: 'critical',
        host: `${x}-not-in-hosts`,
        title: x,
        subject: { type: 'file', path: x, sha256: x },
        evidence: [],
      },
    ],
    issues: [{ code: 'parse-error', file: x, line: 1, offset: 2, message: x, pluginId: x }],
    plugins: [{ id: x, kind: 'collector', version: 1, status: 'failed', handled: 0, issues: 1 }],
    intel: {
      sources: [{ id: x, name: x, url: 'javascript:alert(5)', license: x }],
      advisories: 1,
      indicators: 1,
      rules: 1,
    },
    advisories: [
      { id: x, aliases: [x], source: x, summary: x, severity: 'high', references: [x], remediation: x },
    ],
  };
}
