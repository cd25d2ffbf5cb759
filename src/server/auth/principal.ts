/**
 * Who is calling, and what they may do. Every route declares the tenant role it needs (or that it
 * is for operators or workers) and `authorize` decides; nothing reaches a handler unchecked.
 */
import type { Role, TokenPurpose } from '../state/types.js';

export type Principal =
  | {
      type: 'user';
      userId: string;
      username: string;
      operator: boolean;
      roles: Record<string, Role>;
      /** Set for cookie sessions: unsafe methods must echo it in `x-csrf-token`. */
      csrf: string | null;
      sessionHash: string | null;
    }
  | { type: 'token'; tokenId: string; name: string; tenant: string | null; purpose: TokenPurpose };

const RANK: Record<Role, number> = { viewer: 1, analyst: 2, admin: 3 };

/** What a route needs. */
export type Need =
  | { scope: 'tenant'; role: Role; upload?: boolean }
  | { scope: 'operator' }
  | { scope: 'worker' }
  | { scope: 'user' }
  | { scope: 'any' };

/** A display name for audit entries. */
export function actorName(p: Principal): string {
  return p.type === 'user' ? `user:${p.username}` : `token:${p.name}(${p.tokenId.slice(0, 8)})`;
}

/** The role a principal has in `tenant` (operators are admins everywhere), or null. */
export function roleIn(p: Principal, tenant: string): Role | null {
  if (p.type === 'user') return p.operator ? 'admin' : (p.roles[tenant] ?? null);
  if (p.tenant !== tenant) return null;
  if (p.purpose === 'read') return 'viewer';
  if (p.purpose === 'automation') return 'analyst';
  return null;
}

/** Whether `p` may do what `need` says (for `tenant` when the route is per tenant). */
export function authorize(p: Principal, need: Need, tenant?: string): boolean {
  switch (need.scope) {
    case 'operator':
      return p.type === 'user' && p.operator;
    case 'worker':
      return (p.type === 'token' && p.purpose === 'worker') || (p.type === 'user' && p.operator);
    case 'user':
      return p.type === 'user';
    case 'any':
      return true;
    case 'tenant': {
      if (tenant === undefined) return false;
      // An upload token posts bundles of its own tenant and nothing else.
      if (p.type === 'token' && p.purpose === 'upload') return need.upload === true && p.tenant === tenant;
      const role = roleIn(p, tenant);
      return role !== null && RANK[role] >= RANK[need.role];
    }
  }
}

/**
 * Tenants a principal may see. `null` = all (operators). An upload token sees none: it posts its
 * tenant's bundles and reads nothing (a collector's token sits on every endpoint it collects).
 */
export function visibleTenants(p: Principal): string[] | null {
  if (p.type === 'user') return p.operator ? null : Object.keys(p.roles).sort();
  if (p.purpose === 'upload') return [];
  return p.tenant === null ? [] : [p.tenant];
}
