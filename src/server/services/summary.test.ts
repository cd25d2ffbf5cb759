/** "Are we clean?" summaries: per tenant, and pivoted across tenants for MSSP operators. */
import { describe, expect, it } from 'vitest';
import type { Case, CaseState, HostRecord } from '../state/types.js';
import { acrossTenants, summarise } from './summary.js';

const T0 = '2026-01-01T00:00:00.000Z';

function kase(tenant: string, host: string, key: string, state: CaseState, severity = 'critical'): Case {
  return {
    id: `${tenant}|${host}|${key}`,
    tenant,
    host,
    key,
    title: key.replace(/^advisory:/, ''),
    severity,
    kind: 'app',
    state,
    openedAt: T0,
    updatedAt: T0,
    containedAt: null,
    remediatedAt: null,
    verifiedAt: null,
    lastEvidenceAt: T0,
    lastBundleId: null,
    detail: {},
  };
}

const host = (tenant: string, h: string): HostRecord => ({
  tenant,
  host: h,
  hostname: null,
  os: null,
  lastBundleId: null,
  lastIngestId: null,
  lastCollectedAt: null,
  lastKinds: {},
  bundles: 1,
});

const CX = 'advisory:CVE-2023-29059';
const CHALK = 'advisory:MAL-2025-46969';

describe('summaries', () => {
  const acme = summarise(
    'acme',
    [
      kase('acme', 'a1', CX, 'open'),
      kase('acme', 'a2', CX, 'verified_clean'),
      kase('acme', 'a3', CHALK, 'remediated', 'high'),
    ],
    [host('acme', 'a1'), host('acme', 'a2'), host('acme', 'a3'), host('acme', 'a4')],
  );
  const globex = summarise(
    'globex',
    [kase('globex', 'g1', CX, 'verified_clean'), kase('globex', 'g2', CHALK, 'false_positive', 'high')],
    [host('globex', 'g1'), host('globex', 'g2')],
  );
  const zeta = summarise('zeta', [], [host('zeta', 'z1')]);

  it('per tenant: affected hosts have an open, contained or remediated case', () => {
    expect(acme).toMatchObject({ clean: false, hosts: { total: 4, affected: 2, clean: 2 } });
    expect(acme.keys.map((k) => [k.key, k.clean])).toEqual([
      [CX, false],
      [CHALK, false],
    ]);
    expect(globex).toMatchObject({ clean: true, hosts: { total: 2, affected: 0, clean: 2 } });
  });

  it('across tenants: one row per key, tenants still affected counted, not-clean keys first', () => {
    const rows = acrossTenants([
      { name: 'Acme', summary: acme },
      { name: 'Globex', summary: globex },
      { name: 'Zeta', summary: zeta },
    ]);
    expect(rows.map((r) => [r.key, r.severity, r.tenantsAffected, r.clean])).toEqual([
      [CX, 'critical', 1, false],
      [CHALK, 'high', 1, false],
    ]);
    const cx = rows[0];
    expect(cx?.hosts).toEqual({ open: 1, contained: 0, remediated: 0, verified_clean: 2, false_positive: 0 });
    expect(cx?.tenants).toEqual([
      {
        tenant: 'acme',
        name: 'Acme',
        clean: false,
        hosts: { open: 1, contained: 0, remediated: 0, verified_clean: 1, false_positive: 0 },
      },
      {
        tenant: 'globex',
        name: 'Globex',
        clean: true,
        hosts: { open: 0, contained: 0, remediated: 0, verified_clean: 1, false_positive: 0 },
      },
    ]);
    // Once acme is clean too, the key sorts after any key still affecting someone.
    const later = acrossTenants([
      { name: 'Acme', summary: summarise('acme', [kase('acme', 'a1', CX, 'verified_clean')], []) },
      { name: 'Globex', summary: summarise('globex', [kase('globex', 'g2', CHALK, 'open', 'low')], []) },
    ]);
    expect(later.map((r) => [r.key, r.clean])).toEqual([
      [CHALK, false],
      [CX, true],
    ]);
    expect(acrossTenants([])).toEqual([]);
  });
});
