/**
 * Export → import round trip: a report's matched indicators rendered as a STIX bundle and as a
 * MISP event re-import (intel/stix, intel/misp) to the same indicators, sources included; ids are
 * deterministic (same report → same bytes, apart from nothing: generatedAt is fixed here).
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../core/finding.js';
import type { IndicatorType } from '../../core/intel.js';
import type { Report } from '../../core/report.js';
import { parseMispEvent } from '../../intel/misp/parse.js';
import { parseStixBundle } from '../../intel/stix/parse.js';
import { readStixPattern } from '../../intel/stix/pattern.js';
import { reporterFor } from '../index.js';
import type { Reporter } from '../../core/plugin.js';
import { mispReporter as misp } from '../misp/index.js';
import { stixBundle, stixReporter as stix } from './index.js';

const stixReporter: Reporter = stix;
const mispReporter: Reporter = misp;

const inds: { type: IndicatorType; value: string; source: string }[] = [
  {
    type: 'sha256',
    value: 'aa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be345823b4fdcf5d868',
    source: 'sophos',
  },
  { type: 'sha1', value: 'bfecb8ce89a312d2ef4afc64a63847ae11c6f69e', source: 'volexity' },
  { type: 'md5', value: '0eeb1c0133eb4d571178b2d9d14ce3e9', source: 'volexity' },
  { type: 'domain', value: 'akamaicontainer.com', source: 'sigbase' },
  { type: 'ip', value: '45.77.10.2', source: 'misp-feed' },
  { type: 'ip', value: '2a01:4f8::1', source: 'misp-feed' },
  { type: 'url', value: "https://evil.example.com/a'b\\c?x=1", source: 'sophos' },
  { type: 'email', value: 'philip.je@proton.me', source: 'volexity' },
  { type: 'filename', value: 'd3dcompiler_47.dll', source: 'sigbase' },
];

function finding(i: (typeof inds)[number], n: number, host: string): Finding {
  return {
    id: `f${n}${host}`.padEnd(16, '0'),
    kind:
      i.type === 'domain' || i.type === 'ip' || i.type === 'url' || i.type === 'email' ? 'network' : 'file',
    severity: 'high',
    host,
    title: `${i.type} ${i.value} matched`,
    subject: { type: 'network', fqdn: 'x' },
    indicator: i,
    evidence: [{ type: i.type, searchedBy: {}, found: {}, matcherId: 'matchers/test', confidence: 1 }],
  };
}

const report: Report = {
  schemaVersion: '1.0.0',
  tool: { name: 'chainhunt', version: '0.0.0' },
  generatedAt: '2026-01-01T00:00:00.000Z',
  hosts: [],
  findings: [
    ...inds.map((i, n) => finding(i, n, 'win-01')),
    finding(inds[0]!, 99, 'mac-02'),
    {
      id: 'app0000000000000',
      kind: 'app',
      severity: 'critical',
      host: 'win-01',
      title: '3CX Desktop App 18.12.416 is affected by CVE-2023-29059',
      subject: { type: 'app', name: '3CX Desktop App', version: '18.12.416', platform: 'windows' },
      advisory: { id: 'CVE-2023-29059', aliases: [], source: '3cx' },
      evidence: [],
    },
    {
      id: 'rule000000000000',
      kind: 'sigma',
      severity: 'medium',
      host: 'win-01',
      title: 'Sigma rule hit',
      subject: { type: 'event', eventId: 1 },
      rule: { id: 'r1', title: 'x' },
      evidence: [],
    },
  ],
  issues: [],
  plugins: [],
  intel: { sources: [], advisories: 1, indicators: inds.length, rules: 1 },
  advisories: [
    {
      id: 'CVE-2023-29059',
      aliases: [],
      source: '3cx',
      summary: '3CX DesktopApp compromise',
      severity: 'critical',
      references: ['https://nvd.nist.gov/vuln/detail/CVE-2023-29059'],
    },
  ],
};
const key = (i: { type: string; value: string; source: string }) => `${i.type}|${i.value}|${i.source}`;
const want = inds.map(key).sort();

describe('STIX export', () => {
  const text = stixReporter.render(report, { color: false });

  it('is registered as --format stix and misp', () => {
    expect(reporterFor('stix')?.id).toBe('reporters/stix');
    expect(reporterFor('misp')?.id).toBe('reporters/misp');
  });

  it('re-imports to the same indicators with their sources', () => {
    const back = parseStixBundle(Buffer.from(text), { file: 'export.json', pluginId: 'intel/stix' });
    expect(back.issues).toEqual([]);
    expect(back.intel.indicators.map(key).sort()).toEqual(want);
    // The advisory finding becomes a vulnerability, linked from nothing (no indicator matched it).
    expect(back.intel.advisories.map((a) => a.id)).toEqual(['CVE-2023-29059']);
  });

  it('writes well-formed STIX 2.1: ids of their type, readable patterns, sightings where seen', () => {
    const b = stixBundle(report) as { type: string; objects: Record<string, unknown>[] };
    expect(b.type).toBe('bundle');
    for (const o of b.objects) {
      expect(o['spec_version']).toBe('2.1');
      expect(String(o['id'])).toMatch(
        new RegExp(
          `^${String(o['type'])}--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`,
        ),
      );
      if (o['type'] === 'indicator') expect(readStixPattern(String(o['pattern'])).ok).toBe(true);
    }
    const sightings = b.objects.filter((o) => o['type'] === 'sighting');
    expect(sightings).toHaveLength(inds.length + 2);
    expect(b.objects.filter((o) => o['type'] === 'note')).toHaveLength(1);
    expect(new Set(b.objects.map((o) => o['id'])).size).toBe(b.objects.length);
  });

  it('is deterministic', () => {
    expect(stixReporter.render(structuredClone(report), { color: false })).toBe(text);
  });
});

describe('MISP export', () => {
  const text = mispReporter.render(report, { color: false });

  it('re-imports to the same indicators with their sources', () => {
    const back = parseMispEvent(Buffer.from(text), { file: 'export.json', pluginId: 'intel/misp' });
    expect(back.issues).toEqual([]);
    expect(back.intel.indicators.map(key).sort()).toEqual(want);
    expect(
      back.intel.indicators.every((i) => i.confidence === 1 && /^[0-9a-f-]{36}$/.test(i.sourceId ?? '')),
    ).toBe(true);
    expect(back.intel.advisories.map((a) => a.id)).toEqual(['CVE-2023-29059']);
  });

  it('records one sighting per host and one object per finding', () => {
    const ev = (
      JSON.parse(text) as {
        Event: { Attribute: { value: string; Sighting?: { source: string }[] }[]; Object: unknown[] };
      }
    ).Event;
    const sha = ev.Attribute.find((a) => a.value === inds[0]!.value)!;
    expect(sha.Sighting!.map((s) => s.source).sort()).toEqual(['mac-02', 'win-01']);
    expect(ev.Object).toHaveLength(report.findings.length);
    expect(mispReporter.render(structuredClone(report), { color: false })).toBe(text);
  });
});
