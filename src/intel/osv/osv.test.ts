import { describe, expect, it } from 'vitest';
import { cvss3BaseScore, severityOfScore } from './cvss.js';
import { normalizePackageName, packageKey } from './names.js';
import { narrowToCurrentOrigins } from './origins.js';
import { parseOsv } from './parse.js';

const rec = (o: Record<string, unknown>): Buffer =>
  Buffer.from(JSON.stringify({ id: 'OSV-1', modified: '2024-01-01T00:00:00Z', ...o }));

describe('CVSS v3 base score', () => {
  // Scores from the FIRST CVSS v3.1 calculator for these vectors.
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N', 5.5],
    ['CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
    ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', 6.4],
  ])('%s = %s', (v, score) => {
    expect(cvss3BaseScore(v)).toBe(score);
  });
  it('rejects incomplete or foreign vectors', () => {
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L')).toBeNull();
    expect(cvss3BaseScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBeNull();
    expect(cvss3BaseScore('AV:N/AC:L/Au:N/C:P/I:P/A:P')).toBeNull();
  });
  it('maps scores to the rating scale', () => {
    expect([9.0, 7.0, 4.0, 0.1, 0].map(severityOfScore)).toEqual([
      'critical',
      'high',
      'medium',
      'low',
      'info',
    ]);
  });
});

describe('package names', () => {
  it('normalises per ecosystem', () => {
    expect(normalizePackageName('PyPI', 'Django_Rest.Framework')).toBe('django-rest-framework');
    expect(normalizePackageName('npm', '@Scope/Name')).toBe('@Scope/Name');
    expect(packageKey('Debian:12', 'openssl')).toBe(packageKey('Debian', 'openssl'));
    expect(normalizePackageName('NuGet', 'Newtonsoft.Json')).toBe('newtonsoft.json');
  });
});

describe('OSV parsing', () => {
  it('reads a record, marks MAL- as malicious critical and keeps withdrawn', () => {
    const r = parseOsv(
      rec({
        id: 'MAL-2025-1',
        withdrawn: '2025-02-01T00:00:00Z',
        affected: [{ package: { ecosystem: 'npm', name: 'x' }, versions: ['1.0.0'] }],
      }),
      'x.json',
      'osv',
    );
    expect(r.issues).toEqual([]);
    expect(r.advisories[0]).toMatchObject({
      id: 'MAL-2025-1',
      severity: 'critical',
      malicious: true,
      withdrawn: '2025-02-01T00:00:00Z',
      kind: 'package',
    });
  });
  it('scores severity from CVSS v3, else GHSA database_specific', () => {
    const a = parseOsv(
      rec({
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N' }],
        affected: [{ package: { ecosystem: 'PyPI', name: 'p' } }],
      }),
      'a.json',
      'osv',
    );
    expect(a.advisories[0]!.severity).toBe('medium');
    expect(a.advisories[0]!.cvss?.[0]?.score).toBe(5.5);
    const b = parseOsv(
      rec({
        database_specific: { severity: 'HIGH' },
        affected: [{ package: { ecosystem: 'PyPI', name: 'p' } }],
      }),
      'b.json',
      'osv',
    );
    expect(b.advisories[0]!.severity).toBe('high');
  });
  it('reads YAML records, arrays and {vulns:[…]}', () => {
    expect(
      parseOsv(
        Buffer.from(
          'id: PYSEC-1\nmodified: 2022-01-01T00:00:00Z\naffected:\n- package: {name: ctx, ecosystem: PyPI}\n  versions: ["0.2"]\n',
        ),
        'PYSEC-1.yaml',
        'osv',
      ).advisories,
    ).toHaveLength(1);
    const two = JSON.stringify([
      { id: 'A', modified: 'x', affected: [] },
      { id: 'B', modified: 'x', affected: [] },
    ]);
    expect(parseOsv(Buffer.from(two), 'a.json', 'osv').advisories.map((a) => a.id)).toEqual(['A', 'B']);
    expect(parseOsv(Buffer.from(`{"vulns":${two}}`), 'a.json', 'osv').advisories).toHaveLength(2);
  });
  it('turns hostile input into issues', () => {
    for (const bad of [
      '',
      '{',
      '[1,2]',
      '{"id": 5}',
      '\u0000\u0001garbage',
      JSON.stringify({ id: 'X'.repeat(1000) }),
    ]) {
      const r = parseOsv(Buffer.from(bad), 'bad.json', 'osv');
      expect(r.advisories, bad.slice(0, 20)).toEqual([]);
      expect(r.issues.length, bad.slice(0, 20)).toBeGreaterThan(0);
    }
    const events = parseOsv(
      rec({
        affected: [
          {
            package: { ecosystem: 'npm', name: 'x' },
            ranges: [
              {
                type: 'SEMVER',
                events: [{ introduced: '0', fixed: '1' }, { bogus: '1' }, { fixed: '2.0.0' }],
              },
            ],
          },
        ],
      }),
      'e.json',
      'osv',
    );
    expect(events.advisories[0]!.packages![0]!.ranges![0]!.events).toEqual([{ fixed: '2.0.0' }]);
    expect(events.issues.filter((i) => i.code === 'invalid-value')).toHaveLength(2);
  });
});

describe('superseded origins', () => {
  const published = {
    package: { ecosystem: 'npm', name: 't' },
    ranges: [
      { type: 'SEMVER', events: [{ introduced: '0' }] },
      { type: 'SEMVER', events: [{ introduced: '4.1.1' }, { last_affected: '4.1.2' }] },
    ],
  };
  const origins = (second: unknown) => ({
    'malicious-packages-origins': [
      {
        source: 'ghsa-malware',
        id: 'GHSA-1',
        modified_time: '2025-09-15T00:00:00Z',
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
      },
      second,
    ],
  });
  it('keeps only the latest revision of one upstream advisory', () => {
    const r = narrowToCurrentOrigins(
      [published],
      origins({
        source: 'ghsa-malware',
        id: 'GHSA-1',
        modified_time: '2025-09-16T00:00:00Z',
        ranges: [{ type: 'SEMVER', events: [{ introduced: '4.1.1' }, { last_affected: '4.1.2' }] }],
      }),
    );
    expect(r.narrowed).toBe(true);
    expect(r.entries[0]!.ranges).toEqual([
      { type: 'SEMVER', events: [{ introduced: '4.1.1' }, { last_affected: '4.1.2' }] },
    ]);
  });
  it('keeps distinct upstream reports and never widens', () => {
    expect(
      narrowToCurrentOrigins(
        [published],
        origins({ source: 'ghsa-malware', id: 'GHSA-2', modified_time: '2025-09-16T00:00:00Z', ranges: [] }),
      ).narrowed,
    ).toBe(false);
    const onlyVersions = { package: { ecosystem: 'npm', name: 't' }, versions: ['1.0.0'] };
    expect(
      narrowToCurrentOrigins(
        [onlyVersions],
        origins({
          source: 'ghsa-malware',
          id: 'GHSA-1',
          modified_time: '2025-09-16T00:00:00Z',
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
        }),
      ).narrowed,
    ).toBe(false);
  });
});
