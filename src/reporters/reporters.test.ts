import { describe, expect, it } from 'vitest';
import { validatorFor } from '../../test/schema.js';
import type { Finding } from '../core/finding.js';
import type { Reporter } from '../core/plugin.js';
import type { Report } from '../core/report.js';
import { csvCell, csvReporter as csv } from './csv/index.js';
import { jsonReporter as json } from './json/index.js';
import { reporters } from './index.js';
import { sarifReporter as sarif, toUri } from './sarif/index.js';
import { tableReporter as table } from './table/index.js';

const jsonReporter: Reporter = json;
const csvReporter: Reporter = csv;
const sarifReporter: Reporter = sarif;
const tableReporter: Reporter = table;

const app: Finding = {
  id: 'aaaaaaaaaaaaaaaa',
  kind: 'app',
  severity: 'critical',
  host: 'win-01',
  tenant: 'acme',
  title: '3CX Desktop App 18.12.416 is affected by CVE-2023-29059',
  subject: { type: 'app', name: '3CX Desktop App', version: '18.12.416', platform: 'windows', scope: 'user' },
  advisory: { id: 'CVE-2023-29059', aliases: [], source: '3cx-pack' },
  evidence: [
    {
      type: 'exact-version',
      searchedBy: { versions: ['18.12.416'] },
      found: { version: '18.12.416' },
      matcherId: 'matchers/vendor-app',
      confidence: 0.9,
      location: { file: 'ev/win 01/reg#1.reg', line: 12 },
    },
  ],
  fixedVersions: ['18.12.422'],
  remediation: 'Uninstall, then install 18.12.422 or later.',
};
const file: Finding = {
  id: 'bbbbbbbbbbbbbbbb',
  kind: 'file',
  severity: 'high',
  host: 'win-01',
  tenant: 'acme',
  title: '=cmd|x ffmpeg.dll: sha256 matches',
  subject: { type: 'file', path: 'C:\\Users\\a b\\ffmpeg.dll', sha256: 'a'.repeat(64) },
  indicator: { type: 'sha256', value: 'a'.repeat(64), source: 'sophos' },
  evidence: [{ type: 'sha256', searchedBy: {}, found: {}, matcherId: 'matchers/file-hash', confidence: 1 }],
};

const report: Report = {
  schemaVersion: '1.0.0',
  tool: { name: 'chainhunt', version: '0.1.0' },
  generatedAt: '2026-01-01T00:00:00.000Z',
  hosts: [
    {
      id: 'win-01',
      tenant: 'acme',
      root: 'ev/win-01',
      status: 'affected',
      highestSeverity: 'critical',
      findings: 2,
      observations: { app: 3, file: 10 },
    },
    { id: 'clean-02', root: 'ev/clean-02', status: 'clean', findings: 0, observations: {} },
  ],
  findings: [app, file],
  issues: [
    {
      code: 'parse-error',
      file: 'ev/x.reg',
      line: 3,
      message: 'bad value',
      pluginId: 'collectors/windows-reg',
    },
  ],
  plugins: [
    { id: 'collectors/windows-reg', kind: 'collector', version: 1, status: 'partial', handled: 2, issues: 1 },
  ],
  intel: { sources: [{ id: '3cx-pack', name: '3CX' }], advisories: 1, indicators: 2, rules: 0 },
  advisories: [
    {
      id: 'CVE-2023-29059',
      aliases: [],
      source: '3cx-pack',
      summary: '3CX DesktopApp trojanized',
      severity: 'critical',
      references: ['https://nvd.nist.gov/vuln/detail/CVE-2023-29059'],
      remediation: 'Uninstall.',
    },
  ],
};

describe('reporters', () => {
  it('are registered once each with unique formats', () => {
    const formats = reporters.map((r) => r.format);
    expect(new Set(formats).size).toBe(formats.length);
    expect(formats).toEqual(expect.arrayContaining(['table', 'json', 'sarif', 'csv']));
  });

  it('JSON validates against schemas/report.schema.json', () => {
    const validate = validatorFor('schemas/report.schema.json');
    const doc = JSON.parse(jsonReporter.render(report, { color: false })) as unknown;
    expect(validate(doc)).toEqual([]);
    // and the schema does reject a broken report
    expect(validate({ ...report, findings: [{ ...app, severity: 'urgent' }] }).length).toBeGreaterThan(0);
  });

  it('SARIF validates against the SARIF 2.1.0 schema', () => {
    const validate = validatorFor('schemas/vendor/sarif-2.1.0.json');
    const sarif = JSON.parse(sarifReporter.render(report, { color: false })) as {
      runs: { results: { ruleId: string; level: string; locations?: unknown[] }[] }[];
    };
    expect(validate(sarif)).toEqual([]);
    const results = sarif.runs[0]!.results;
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([
      ['CVE-2023-29059', 'error'],
      ['chainhunt/file/sha256', 'error'],
    ]);
    expect(JSON.stringify(results[0]!.locations)).toContain('ev/win%2001/reg%231.reg');
  });

  it('SARIF URIs are valid references', () => {
    expect(toUri('C:\\a b\\c#d.dll')).toBe('C:/a%20b/c%23d.dll');
  });

  it('CSV quotes and neutralises formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
    const lines = csvReporter.render(report, { color: false }).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      'tenant,host,severity,kind,subject,matched,source,fixed_versions,title,remediation,finding_id',
    );
    expect(lines[2]).toContain(`'=cmd|x ffmpeg.dll`);
  });

  it('table groups by host with remediation, and colours only when asked', () => {
    const plain = tableReporter.render(report, { color: false });
    expect(plain).not.toContain('\x1b[');
    expect(plain).toMatch(/acme \/ win-01 {2}AFFECTED \(2 findings\)/);
    expect(plain).toContain('fixed in 18.12.422');
    expect(plain).toContain('do: Uninstall, then install 18.12.422 or later.');
    expect(plain).toMatch(/clean-02 {2}no findings/);
    expect(plain.indexOf('CRITICAL')).toBeLessThan(plain.indexOf('HIGH'));
    expect(tableReporter.render(report, { color: true })).toContain('\x1b[');
  });
});
