import { describe, expect, it } from 'vitest';
import {
  MAX_SUMMARY_FINDINGS,
  MAX_TEXT_LENGTH,
  buildCaseStateChangedEvent,
  buildNewCriticalFindingEvent,
  summarizeEvidence,
  toWebhookEvent,
} from './events.js';

const envelope = { id: 'evt_fixed', createdAt: '2026-11-23T10:00:00.000Z' };

describe('buildNewCriticalFindingEvent', () => {
  it('builds the envelope and the data', () => {
    const e = buildNewCriticalFindingEvent(
      {
        tenant: 'acme',
        host: 'ws-042',
        findingId: 'f-1',
        title: '3CXDesktopApp 18.12.416 is a trojanized build',
        severity: 'critical',
        kind: 'app',
        advisory: { id: 'CVE-2023-29059', aliases: ['GHSA-x'], source: 'nvd' },
      },
      envelope,
    );
    expect(e).toEqual({
      id: 'evt_fixed',
      type: 'finding.new_critical',
      createdAt: '2026-11-23T10:00:00.000Z',
      tenant: 'acme',
      data: {
        host: 'ws-042',
        findingId: 'f-1',
        title: '3CXDesktopApp 18.12.416 is a trojanized build',
        severity: 'critical',
        kind: 'app',
        advisory: { id: 'CVE-2023-29059', aliases: ['GHSA-x'], source: 'nvd' },
        indicator: null,
        rule: null,
        caseId: null,
      },
    });
  });

  it('generates a unique id and a current time by default', () => {
    const input = { tenant: 't', host: 'h', findingId: 'f', title: 'x', severity: 'critical' };
    const a = buildNewCriticalFindingEvent(input);
    const b = buildNewCriticalFindingEvent(input);
    expect(a.id).toMatch(/^evt_[0-9a-f-]{36}$/);
    expect(a.id).not.toBe(b.id);
    expect(Number.isNaN(Date.parse(a.createdAt))).toBe(false);
  });

  it('refuses an empty required field', () => {
    expect(() =>
      buildNewCriticalFindingEvent({
        tenant: '',
        host: 'h',
        findingId: 'f',
        title: 'x',
        severity: 'critical',
      }),
    ).toThrow(/tenant/);
  });
});

describe('buildCaseStateChangedEvent', () => {
  it('clips a long reason and summarises the evidence', () => {
    const e = buildCaseStateChangedEvent(
      {
        tenant: 'acme',
        caseId: 'c-1',
        host: 'ws-042',
        key: 'advisory:CVE-2023-29059',
        from: 'remediated',
        to: 'verified_clean',
        actor: 'system',
        reason: 'r'.repeat(10_000),
        at: '2026-11-23T11:00:00.000Z',
        evidence: {
          bundleId: 'b-9',
          collectedAt: '2026-11-23T10:59:00.000Z',
          observed: '3CXDesktopApp 18.12.422',
        },
      },
      envelope,
    );
    expect(e.type).toBe('case.state_changed');
    expect(e.tenant).toBe('acme');
    expect(e.data.reason).toHaveLength(MAX_TEXT_LENGTH);
    expect(e.data.reason.endsWith('…')).toBe(true);
    expect(e.data).toMatchObject({
      caseId: 'c-1',
      from: 'remediated',
      to: 'verified_clean',
      actor: 'system',
    });
    expect(e.data.evidence).toEqual({
      bundleId: 'b-9',
      collectedAt: '2026-11-23T10:59:00.000Z',
      findingIds: [],
      findingCount: 0,
      observed: '3CXDesktopApp 18.12.422',
    });
  });

  it('keeps a null "from" for a newly opened case', () => {
    const e = buildCaseStateChangedEvent({
      tenant: 'acme',
      caseId: 'c-1',
      host: 'h',
      key: 'k',
      from: null,
      to: 'open',
      actor: 'system',
      reason: 'opened',
      at: '2026-11-23T11:00:00.000Z',
    });
    expect(e.data.from).toBeNull();
    expect(e.data.evidence.findingCount).toBe(0);
  });
});

describe('summarizeEvidence', () => {
  it('lists at most the first finding ids and counts them all', () => {
    const findings = Array.from({ length: 30 }, (_, i) => ({ id: `f-${i}`, title: 't' }));
    const s = summarizeEvidence({ bundleId: 'b', collectedAt: null, findings });
    expect(s.findingIds).toHaveLength(MAX_SUMMARY_FINDINGS);
    expect(s.findingIds[0]).toBe('f-0');
    expect(s.findingCount).toBe(30);
    expect(s.collectedAt).toBeNull();
  });

  it.each([[null], [undefined], ['text'], [42], [[1, 2]], [{ findings: 'nope', bundleId: 7 }]])(
    'yields an empty summary for %j',
    (evidence) => {
      expect(summarizeEvidence(evidence)).toEqual({
        bundleId: null,
        collectedAt: null,
        findingIds: [],
        findingCount: 0,
        observed: null,
      });
    },
  );
});

describe('toWebhookEvent', () => {
  it('maps a stored finding record', () => {
    const e = toWebhookEvent(
      {
        type: 'finding.new_critical',
        tenant: 'acme',
        caseId: 'c-7',
        finding: {
          id: 'f-1',
          host: 'ws-1',
          title: 'Contact with a 3CX C2 domain',
          severity: 'critical',
          kind: 'network',
          indicator: { type: 'domain', value: 'msstorageazure.com', source: 'cisa' },
          rule: { id: 'r1' },
        },
      },
      envelope,
    );
    expect(e?.type).toBe('finding.new_critical');
    expect(e?.data).toMatchObject({
      findingId: 'f-1',
      host: 'ws-1',
      indicator: { type: 'domain', value: 'msstorageazure.com', source: 'cisa' },
      rule: { id: 'r1', title: '' },
      advisory: null,
      caseId: 'c-7',
    });
  });

  it('returns null for a finding record without id, host or title', () => {
    expect(toWebhookEvent({ type: 'finding.new_critical', tenant: 'acme', finding: { id: 'f' } })).toBeNull();
  });

  it('maps a case state change', () => {
    const e = toWebhookEvent(
      {
        type: 'case.state_changed',
        tenant: 'acme',
        caseId: 'c-1',
        host: 'h',
        key: 'k',
        from: 'open',
        to: 'contained',
        actor: 'alice',
        reason: 'isolated',
        at: '2026-11-23T11:00:00.000Z',
        evidence: { findings: [{ id: 'f-1' }, 'f-2'] },
      },
      envelope,
    );
    expect(e?.id).toBe('evt_fixed');
    expect(e?.data).toMatchObject({
      to: 'contained',
      actor: 'alice',
      evidence: { findingIds: ['f-1', 'f-2'] },
    });
  });
});
