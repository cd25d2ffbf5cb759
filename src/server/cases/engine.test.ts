import { describe, expect, it } from 'vitest';
import type { Finding } from '../../core/finding.js';
import type { Case, HostBundle } from '../state/types.js';
import { caseKeyOf, covers, manualTransitionError, reconcileHost, referenceTime } from './engine.js';

const bundle = (id: string, collectedAt: string, kinds: Record<string, number>): HostBundle => ({
  tenant: 't',
  host: 'h',
  bundleId: id.padEnd(64, '0'),
  ingestId: `ing-${id}`,
  collectedAt,
  ingestedAt: collectedAt,
  kinds,
  uploadId: null,
});

const appFinding = (version: string): Finding => ({
  id: `app-${version}`,
  kind: 'app',
  severity: 'critical',
  host: 'h',
  title: `3CX Desktop App ${version} is affected`,
  subject: { type: 'app', name: '3CX Desktop App', version, platform: 'windows' },
  advisory: { id: 'CVE-2023-29059', aliases: [], source: 'cve' },
  evidence: [],
  fixedVersions: ['18.12.422'],
});

const contact = (time: string): Finding => ({
  id: `net-${time}`,
  kind: 'network',
  severity: 'critical',
  host: 'h',
  title: 'contact with C2',
  subject: { type: 'network', time, fqdn: 'c2.example' },
  advisory: { id: 'CVE-2023-29059', aliases: [], source: 'cve' },
  evidence: [],
});

let n = 0;
const base = { tenant: 't', host: 'h', now: '2024-01-01T00:00:00.000Z', newId: () => `case-${++n}` };
const APP = { app: 3, 'net-contact': 5 };

function open(findings: { finding: Finding; bundles: HostBundle[] }[], latest: HostBundle): Case {
  const out = reconcileHost({ ...base, latest, findings, cases: [] });
  expect(out.inserts).toHaveLength(1);
  return out.inserts[0]!;
}

describe('case engine', () => {
  const b1 = bundle('b1', '2023-03-30T10:00:00.000Z', APP);

  it('opens one case per host and advisory, titled without the version', () => {
    const out = reconcileHost({
      ...base,
      latest: b1,
      findings: [
        { finding: appFinding('18.12.416'), bundles: [b1] },
        { finding: contact('2023-03-29T08:00:00.000Z'), bundles: [b1] },
      ],
      cases: [],
    });
    expect(out.inserts.map((c) => [c.key, c.kind, c.state, c.title])).toEqual([
      ['advisory:CVE-2023-29059', 'app', 'open', 'CVE-2023-29059: 3CX Desktop App'],
    ]);
    expect(out.transitions.map((t) => [t.from, t.to])).toEqual([[null, 'open']]);
    expect(out.inserts[0]?.detail['affectedUntil']).toBe(b1.collectedAt);
  });

  it('verifies clean only from a later bundle that covers the evidence and shows nothing live', () => {
    const c = open([{ finding: appFinding('18.12.416'), bundles: [b1] }], b1);
    // Same day, still affected: nothing.
    const b2 = bundle('b2', '2023-04-02T09:00:00.000Z', APP);
    const still = reconcileHost({
      ...base,
      latest: b2,
      findings: [{ finding: appFinding('18.12.416'), bundles: [b1, b2] }],
      cases: [c],
    });
    expect(still.transitions).toEqual([]);
    // A later bundle with no app inventory cannot show the app gone.
    const logsOnly = bundle('b3', '2023-04-03T09:00:00.000Z', { 'net-contact': 2 });
    expect(reconcileHost({ ...base, latest: logsOnly, findings: [], cases: [c] }).transitions).toEqual([]);
    // A later bundle with app inventory and no affected version: verified clean.
    const fixed = bundle('b4', '2023-04-05T09:00:00.000Z', APP);
    const out = reconcileHost({
      ...base,
      latest: fixed,
      findings: [],
      cases: [c],
      describeClean: () => '3CX Desktop App 18.12.422',
    });
    expect(out.transitions.map((t) => [t.from, t.to])).toEqual([['open', 'verified_clean']]);
    expect(out.transitions[0]?.reason).toContain('18.12.422');
    expect(out.transitions[0]?.evidence['bundleId']).toBe(fixed.bundleId);
  });

  it('old contacts re-collected in the fixed bundle do not block verification; new ones do', () => {
    const c = open(
      [
        { finding: appFinding('18.12.416'), bundles: [b1] },
        { finding: contact('2023-03-29T08:00:00.000Z'), bundles: [b1] },
      ],
      b1,
    );
    const fixed = bundle('b5', '2023-04-05T09:00:00.000Z', APP);
    const old = reconcileHost({
      ...base,
      latest: fixed,
      findings: [{ finding: contact('2023-03-29T08:00:00.000Z'), bundles: [b1, fixed] }],
      cases: [c],
    });
    expect(old.transitions.map((t) => t.to)).toEqual(['verified_clean']);
    const fresh = reconcileHost({
      ...base,
      latest: fixed,
      findings: [{ finding: contact('2023-04-04T08:00:00.000Z'), bundles: [fixed] }],
      cases: [c],
    });
    expect(fresh.transitions).toEqual([]);
  });

  it('reopens a verified case when a later bundle shows the problem again', () => {
    const c: Case = {
      ...open([{ finding: appFinding('18.12.416'), bundles: [b1] }], b1),
      state: 'verified_clean',
      verifiedAt: '2023-04-05T09:00:00.000Z',
    };
    const later = bundle('b6', '2023-05-01T00:00:00.000Z', APP);
    const out = reconcileHost({
      ...base,
      latest: later,
      findings: [{ finding: appFinding('18.12.416'), bundles: [later] }],
      cases: [c],
    });
    expect(out.transitions.map((t) => [t.from, t.to])).toEqual([['verified_clean', 'open']]);
  });

  it('uses the remediation time, then containment, then the last affected bundle as the reference', () => {
    const c = open([{ finding: appFinding('18.12.416'), bundles: [b1] }], b1);
    expect(referenceTime(c)).toBe(b1.collectedAt);
    expect(referenceTime({ ...c, containedAt: '2023-04-01T00:00:00.000Z' })).toBe('2023-04-01T00:00:00.000Z');
    expect(referenceTime({ ...c, containedAt: 'x', remediatedAt: '2023-04-02T00:00:00.000Z' })).toBe(
      '2023-04-02T00:00:00.000Z',
    );
  });

  it('refuses verified_clean by hand and impossible moves', () => {
    expect(manualTransitionError('open', 'verified_clean')).toMatch(/only from evidence/);
    expect(manualTransitionError('open', 'open')).toMatch(/already/);
    expect(manualTransitionError('verified_clean', 'contained')).toMatch(/cannot/);
    expect(manualTransitionError('open', 'contained')).toBeNull();
    expect(manualTransitionError('false_positive', 'open')).toBeNull();
  });

  it('keys and coverage', () => {
    expect(
      caseKeyOf({
        ...contact('2023-01-01T00:00:00Z'),
        advisory: undefined,
        indicator: { type: 'domain', value: 'c2.example', source: 's' },
      } as unknown as Finding),
    ).toBe('indicator:domain:c2.example');
    expect(covers({ app: 1 }, 'app')).toBe(true);
    expect(covers({ 'log-event': 1 }, 'network')).toBe(true);
    expect(covers({ file: 1 }, 'app')).toBe(false);
  });
});
