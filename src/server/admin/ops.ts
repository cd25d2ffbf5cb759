/**
 * The administration operations behind `chainhunt admin`: create a tenant, a user, a token, import
 * intel. They run either in the CLI's own process (the server stopped, or PostgreSQL) or inside a
 * running server, asked over its local admin channel (see channel.ts): one implementation, so the
 * two paths cannot drift apart. Every change is audited with the actor `admin-cli`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { hashPassword } from '../auth/secrets.js';
import { issueToken, TENANT_ID } from '../routes/tenants.js';
import { IntelService } from '../services/intel.js';
import type { StateStore } from '../state/store.js';
import { ROLES, TOKEN_PURPOSES, type Job, type Role, type TokenPurpose } from '../state/types.js';

/** Actor recorded in the audit log for every administration change. */
export const ADMIN_ACTOR = 'admin-cli';
/** Largest intel file the admin import reads. */
export const MAX_ADMIN_INTEL_BYTES = 1024 * 1024 * 1024;

/** A refused operation: the message says why, for the person at the terminal. */
export class AdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminError';
  }
}

/** What the operations need: the state store, the data folder, a clock, and a job runner. */
export interface AdminHost {
  state: StateStore;
  dataDir: string;
  now(): string;
  /** Runs a queued job now (inside a server). Without it, jobs wait for the server to start. */
  submit?(job: Job): Promise<void>;
}

export interface TenantCreateArgs {
  id: string;
  name?: string | undefined;
}
export interface UserCreateArgs {
  username: string;
  password: string;
  operator?: boolean | undefined;
  tenant?: string | undefined;
  role?: string | undefined;
}
export interface TokenCreateArgs {
  name: string;
  purpose: string;
  tenant?: string | undefined;
  expiresDays?: number | undefined;
}
export interface IntelImportArgs {
  /** Absolute paths of the files to import (any supported format). */
  files: string[];
  tenant?: string | undefined;
}

async function needTenant(h: AdminHost, tenant: string | undefined): Promise<void> {
  if (tenant !== undefined && typeof tenant !== 'string') throw new AdminError('a tenant id is text');
  if (tenant !== undefined && !(await h.state.tenant(tenant))) throw new AdminError(`no tenant ${tenant}`);
}

export async function tenantCreate(h: AdminHost, a: TenantCreateArgs): Promise<{ id: string; name: string }> {
  if (typeof a.id !== 'string' || !new RegExp(TENANT_ID).test(a.id))
    throw new AdminError(`bad tenant id ${String(a.id)}: use a-z, 0-9 and -`);
  const name = a.name ?? a.id;
  if (typeof name !== 'string' || !name.trim()) throw new AdminError('a tenant name is text');
  if (await h.state.tenant(a.id)) throw new AdminError(`tenant ${a.id} exists`);
  const at = h.now();
  await h.state.tx(async (q) => {
    await h.state.createTenant({ id: a.id, name, createdAt: at }, q);
    await h.state.audit(
      { at, actor: ADMIN_ACTOR, tenant: a.id, action: 'tenant.create', target: a.id, ip: null, detail: null },
      q,
    );
  });
  return { id: a.id, name };
}

export async function userCreate(h: AdminHost, a: UserCreateArgs): Promise<unknown> {
  if (typeof a.password !== 'string' || a.password.length < 12)
    throw new AdminError('a password of at least 12 characters is needed');
  if ((a.tenant === undefined) !== (a.role === undefined))
    throw new AdminError('--tenant and --role go together');
  if (a.role !== undefined && !(ROLES as readonly string[]).includes(a.role))
    throw new AdminError(`role must be one of ${ROLES.join(', ')}`);
  if (typeof a.username !== 'string' || !a.username) throw new AdminError('a user name is needed');
  if (await h.state.userByName(a.username)) throw new AdminError(`user ${a.username} exists`);
  await needTenant(h, a.tenant);
  const id = randomUUID();
  const at = h.now();
  const hash = await hashPassword(a.password);
  await h.state.tx(async (q) => {
    await h.state.createUser(
      { id, username: a.username, passwordHash: hash, operator: a.operator === true, createdAt: at },
      q,
    );
    if (a.tenant && a.role) await h.state.setRole(id, a.tenant, a.role as Role, q);
    await h.state.audit(
      {
        at,
        actor: ADMIN_ACTOR,
        tenant: a.tenant ?? null,
        action: 'user.create',
        target: a.username,
        ip: null,
        detail: { operator: a.operator === true, role: a.role ?? null },
      },
      q,
    );
  });
  return h.state.user(id);
}

export async function tokenCreate(h: AdminHost, a: TokenCreateArgs): Promise<unknown> {
  if (!(TOKEN_PURPOSES as readonly string[]).includes(a.purpose))
    throw new AdminError(`purpose must be one of ${TOKEN_PURPOSES.join(', ')}`);
  if ((a.purpose === 'worker') !== (a.tenant === undefined))
    throw new AdminError('worker tokens take no --tenant; every other purpose needs one');
  if (a.expiresDays !== undefined && !(Number.isFinite(a.expiresDays) && a.expiresDays > 0))
    throw new AdminError(`--expires-days must be a positive number, not ${String(a.expiresDays)}`);
  if (typeof a.name !== 'string' || !a.name) throw new AdminError('a token name is needed');
  await needTenant(h, a.tenant);
  return issueToken(h, {
    tenant: a.tenant ?? null,
    name: a.name,
    purpose: a.purpose as TokenPurpose,
    expiresInDays: a.expiresDays,
    actor: ADMIN_ACTOR,
    ip: null,
  });
}

export async function intelImport(
  h: AdminHost,
  a: IntelImportArgs,
): Promise<{ imported: unknown[]; huntsQueued: number; huntsRunning: boolean }> {
  if (!Array.isArray(a.files) || !a.files.length) throw new AdminError('no intel files given');
  await needTenant(h, a.tenant);
  const intel = new IntelService(h.state, h.dataDir);
  const results = [];
  for (const f of a.files) {
    if (typeof f !== 'string' || !path.isAbsolute(f))
      throw new AdminError(`not an absolute path: ${String(f)}`);
    let bytes: Buffer;
    try {
      const size = statSync(f).size;
      if (size > MAX_ADMIN_INTEL_BYTES)
        throw new AdminError(`${f}: ${size} bytes, over the ${MAX_ADMIN_INTEL_BYTES}-byte limit`);
      bytes = readFileSync(f);
    } catch (err) {
      if (err instanceof AdminError) throw err;
      throw new AdminError(`cannot read ${f}: ${(err as Error).message}`);
    }
    const r = await intel.add(a.tenant ?? null, path.basename(f), bytes, ADMIN_ACTOR, h.now());
    if ('refused' in r)
      throw new AdminError(`${f}: ${r.refused}${r.issues[0] ? `: ${r.issues[0].message}` : ''}`);
    results.push({ file: f, id: r.source.id, counts: r.source.counts, issues: r.issues.length });
  }
  const tenants = a.tenant ? [a.tenant] : (await h.state.tenants()).map((t) => t.id);
  for (const t of tenants) {
    const id = randomUUID();
    await h.state.createJob({
      id,
      tenant: t,
      type: 'hunt',
      payload: { reason: 'intel imported (admin)' },
      at: h.now(),
    });
    const job = h.submit ? await h.state.job(id) : null;
    if (job && h.submit) await h.submit(job);
  }
  await h.state.audit({
    at: h.now(),
    actor: ADMIN_ACTOR,
    tenant: a.tenant ?? null,
    action: 'intel.import',
    target: null,
    ip: null,
    detail: results,
  });
  return { imported: results, huntsQueued: tenants.length, huntsRunning: h.submit !== undefined };
}

export async function tenantList(h: AdminHost): Promise<unknown> {
  return h.state.tenants();
}

export async function userList(h: AdminHost, a: { tenant?: string | undefined }): Promise<unknown> {
  await needTenant(h, a.tenant);
  return h.state.users(a.tenant ?? null);
}

export async function tokenList(h: AdminHost, a: { tenant?: string | undefined }): Promise<unknown> {
  await needTenant(h, a.tenant);
  // Never the secret (only its hash is stored) nor the hash.
  return h.state.tokens(a.tenant ?? null);
}

export async function tokenRevoke(h: AdminHost, a: { id: string }): Promise<{ id: string; revoked: true }> {
  if (typeof a.id !== 'string' || !a.id) throw new AdminError('a token id is needed (see token-list)');
  const at = h.now();
  const token = (await h.state.tokens(null)).find((t) => t.id === a.id);
  if (!token || !(await h.state.revokeToken(a.id, at))) throw new AdminError(`no active token ${a.id}`);
  await h.state.audit({
    at,
    actor: ADMIN_ACTOR,
    tenant: token.tenant,
    action: 'token.revoke',
    target: a.id,
    ip: null,
    detail: { name: token.name, purpose: token.purpose },
  });
  return { id: a.id, revoked: true };
}

/** The operations by name, as the CLI and the admin channel call them. */
export const ADMIN_OPS = {
  'tenant-list': (h: AdminHost) => tenantList(h),
  'user-list': (h: AdminHost, a: unknown) => userList(h, a as { tenant?: string }),
  'token-list': (h: AdminHost, a: unknown) => tokenList(h, a as { tenant?: string }),
  'token-revoke': (h: AdminHost, a: unknown) => tokenRevoke(h, a as { id: string }),
  'tenant-create': (h: AdminHost, a: unknown) => tenantCreate(h, a as TenantCreateArgs),
  'user-create': (h: AdminHost, a: unknown) => userCreate(h, a as UserCreateArgs),
  'token-create': (h: AdminHost, a: unknown) => tokenCreate(h, a as TokenCreateArgs),
  'intel-import': (h: AdminHost, a: unknown) => intelImport(h, a as IntelImportArgs),
} as const;

export type AdminOp = keyof typeof ADMIN_OPS;

export const isAdminOp = (op: unknown): op is AdminOp =>
  typeof op === 'string' && Object.prototype.hasOwnProperty.call(ADMIN_OPS, op);
