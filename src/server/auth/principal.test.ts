/** Who may do what: roles per tenant, operators, and each token purpose. */
import { describe, expect, it } from 'vitest';
import type { Role, TokenPurpose } from '../state/types.js';
import { authorize, roleIn, visibleTenants, type Principal } from './principal.js';

const user = (roles: Record<string, Role>, operator = false): Principal => ({
  type: 'user',
  userId: 'u',
  username: 'u',
  operator,
  roles,
  csrf: null,
  sessionHash: null,
});
const token = (purpose: TokenPurpose, tenant: string | null): Principal => ({
  type: 'token',
  tokenId: 'tok-0123456789',
  name: 't',
  tenant,
  purpose,
});

describe('principals', () => {
  it('roles rank viewer < analyst < admin; operators are admins everywhere', () => {
    const ana = user({ acme: 'analyst' });
    expect(authorize(ana, { scope: 'tenant', role: 'viewer' }, 'acme')).toBe(true);
    expect(authorize(ana, { scope: 'tenant', role: 'analyst' }, 'acme')).toBe(true);
    expect(authorize(ana, { scope: 'tenant', role: 'admin' }, 'acme')).toBe(false);
    expect(authorize(ana, { scope: 'tenant', role: 'viewer' }, 'globex')).toBe(false);
    expect(authorize(ana, { scope: 'tenant', role: 'viewer' })).toBe(false);
    expect(authorize(ana, { scope: 'operator' })).toBe(false);
    const op = user({}, true);
    expect(roleIn(op, 'anything')).toBe('admin');
    expect(authorize(op, { scope: 'operator' })).toBe(true);
    expect(authorize(op, { scope: 'worker' })).toBe(true);
    expect(visibleTenants(op)).toBeNull();
    expect(visibleTenants(user({ zeta: 'viewer', acme: 'admin' }))).toEqual(['acme', 'zeta']);
  });

  it('tokens: read is a viewer, automation an analyst, upload only uploads, worker only works', () => {
    expect(roleIn(token('read', 'acme'), 'acme')).toBe('viewer');
    expect(roleIn(token('automation', 'acme'), 'acme')).toBe('analyst');
    expect(roleIn(token('read', 'acme'), 'globex')).toBeNull();
    const up = token('upload', 'acme');
    expect(authorize(up, { scope: 'tenant', role: 'viewer', upload: true }, 'acme')).toBe(true);
    expect(authorize(up, { scope: 'tenant', role: 'viewer', upload: true }, 'globex')).toBe(false);
    expect(authorize(up, { scope: 'tenant', role: 'viewer' }, 'acme')).toBe(false);
    // A collector's token reads nothing, not even its own tenant's overview.
    expect(visibleTenants(up)).toEqual([]);
    expect(visibleTenants(token('read', 'acme'))).toEqual(['acme']);
    const worker = token('worker', null);
    expect(authorize(worker, { scope: 'worker' })).toBe(true);
    expect(authorize(worker, { scope: 'tenant', role: 'viewer' }, 'acme')).toBe(false);
    expect(visibleTenants(worker)).toEqual([]);
    expect(authorize(token('automation', 'acme'), { scope: 'user' })).toBe(false);
  });
});
