/** Tenants, users, tokens, the "are we clean?" summaries, and evidence search across tenants. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { actorName, visibleTenants } from '../auth/principal.js';
import { digest, hashPassword, newToken } from '../auth/secrets.js';
import type { ServerContext } from '../context.js';
import { HttpError, ipOf, opts, who } from '../http.js';
import {
  acrossTenants,
  burndown,
  summarise,
  summariseCounts,
  type TenantSummary,
} from '../services/summary.js';
import { MAX_SEARCH_HITS, MAX_SEARCH_VALUE, parseSearch } from '../../store/search.js';
import { TENANT_ID, tenantParams } from './params.js';
import { ROLES, TOKEN_PURPOSES, type Role, type TokenPurpose } from '../state/types.js';

export function tenantRoutes(app: FastifyInstance, ctx: () => ServerContext): void {
  app.get(
    '/api/v1/tenants',
    opts({ scope: 'any' }, { summary: 'Tenants the caller may see' }),
    async (req) => {
      const vis = visibleTenants(who(req));
      const all = await ctx().state.tenants();
      return { items: vis === null ? all : all.filter((t) => vis.includes(t.id)) };
    },
  );

  app.post(
    '/api/v1/tenants',
    opts(
      { scope: 'operator' },
      {
        summary: 'Creates a tenant (operators)',
        body: {
          type: 'object',
          required: ['id'],
          additionalProperties: false,
          properties: {
            id: { type: 'string', pattern: TENANT_ID },
            name: { type: 'string', maxLength: 200 },
          },
        },
      },
    ),
    async (req, reply) => {
      const b = req.body as { id: string; name?: string };
      const c = ctx();
      if (await c.state.tenant(b.id)) throw new HttpError(409, `tenant ${b.id} exists`, 'conflict');
      const at = c.now();
      await c.state.tx(async (q) => {
        await c.state.createTenant({ id: b.id, name: b.name ?? b.id, createdAt: at }, q);
        await c.state.audit(
          {
            at,
            actor: actorName(who(req)),
            tenant: b.id,
            action: 'tenant.create',
            target: b.id,
            ip: ipOf(req),
            detail: { name: b.name ?? b.id },
          },
          q,
        );
      });
      return reply.code(201).send({ id: b.id, name: b.name ?? b.id, createdAt: at });
    },
  );

  app.get(
    '/api/v1/overview',
    opts(
      { scope: 'any' },
      {
        summary:
          'Across the tenants the caller may see: are they clean, and each advisory or indicator per tenant',
      },
    ),
    async (req) => {
      const c = ctx();
      const vis = visibleTenants(who(req));
      const tenants = (await c.state.tenants()).filter((t) => vis === null || vis.includes(t.id));
      const summaries = [];
      for (const t of tenants) summaries.push({ name: t.name, summary: await tenantSummary(c, t.id) });
      return {
        items: summaries.map(({ name, summary: s }) => ({
          tenant: s.tenant,
          name,
          clean: s.clean,
          hosts: s.hosts,
          cases: s.cases,
          critical: s.keys.filter((k) => k.severity === 'critical' && !k.clean).length,
        })),
        advisories: acrossTenants(summaries),
      };
    },
  );

  app.get(
    '/api/v1/search',
    opts(
      { scope: 'any' },
      {
        summary:
          'Searches the stored evidence of the tenants the caller may see: one of package (with ecosystem, version), app (name contains, with version), hash (SHA-256, SHA-1 or MD5), domain (and subdomains) or ip',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            package: { type: 'string', maxLength: MAX_SEARCH_VALUE },
            ecosystem: { type: 'string', maxLength: MAX_SEARCH_VALUE },
            version: { type: 'string', maxLength: MAX_SEARCH_VALUE },
            app: { type: 'string', maxLength: MAX_SEARCH_VALUE },
            hash: { type: 'string', maxLength: MAX_SEARCH_VALUE },
            domain: { type: 'string', maxLength: MAX_SEARCH_VALUE },
            ip: { type: 'string', maxLength: MAX_SEARCH_VALUE },
            tenant: { type: 'string', maxLength: 100 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_SEARCH_HITS },
          },
        },
      },
    ),
    async (req) => {
      const qs = req.query as Record<string, unknown> & { tenant?: string; limit?: number };
      const parsed = parseSearch(qs);
      if ('error' in parsed) throw new HttpError(400, parsed.error, 'bad_request');
      const c = ctx();
      const vis = visibleTenants(who(req));
      let tenants = vis ?? (await c.state.tenants()).map((t) => t.id);
      // Narrowing to one tenant never widens what the caller sees.
      if (qs.tenant !== undefined) tenants = tenants.filter((t) => t === qs.tenant);
      const r = await c.evidence.search(parsed.query, tenants, qs.limit ?? 1000);
      return { query: parsed.query, tenants: tenants.length, ...r };
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/summary',
    opts(
      { scope: 'tenant', role: 'viewer' },
      { summary: 'Are we clean? Per tenant and per advisory or indicator', params: tenantParams },
    ),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      return tenantSummary(ctx(), tenant);
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/impact',
    opts(
      { scope: 'tenant', role: 'viewer' },
      {
        summary: 'One advisory or indicator: hosts by case state and the burn-down over time',
        params: tenantParams,
        querystring: {
          type: 'object',
          required: ['key'],
          properties: { key: { type: 'string', maxLength: 2000 } },
        },
      },
    ),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      const { key } = req.query as { key: string };
      const c = ctx();
      const cases = await c.state.casesOfKey(tenant, key);
      const events = await c.state.caseEvents(tenant, { key });
      const s = summarise(tenant, cases, []);
      return {
        key,
        summary: s.keys[0] ?? null,
        cases,
        burndown: burndown(events, new Set(cases.map((x) => x.id)), c.now()),
      };
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/users',
    opts(
      { scope: 'tenant', role: 'admin' },
      { summary: 'Users with a role in the tenant', params: tenantParams },
    ),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      return { items: await ctx().state.users(tenant) };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant/users',
    opts(
      { scope: 'tenant', role: 'admin' },
      {
        summary: 'Creates a user with a role in the tenant, or gives an existing user a role',
        params: tenantParams,
        body: {
          type: 'object',
          required: ['username', 'role'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 200 },
            password: { type: 'string', minLength: 12, maxLength: 1000 },
            role: { type: 'string', enum: [...ROLES] },
          },
        },
      },
    ),
    async (req, reply) => {
      const { tenant } = req.params as { tenant: string };
      const b = req.body as { username: string; password?: string; role: Role };
      const c = ctx();
      const at = c.now();
      const existing = await c.state.userByName(b.username);
      if (!existing && !b.password)
        throw new HttpError(400, 'a new user needs a password (at least 12 characters)', 'bad_request');
      const hash = existing ? null : await hashPassword(b.password ?? '');
      const id = existing?.user.id ?? randomUUID();
      await c.state.tx(async (q) => {
        if (!existing && hash)
          await c.state.createUser(
            { id, username: b.username, passwordHash: hash, operator: false, createdAt: at },
            q,
          );
        await c.state.setRole(id, tenant, b.role, q);
        await c.state.audit(
          {
            at,
            actor: actorName(who(req)),
            tenant,
            action: 'user.role',
            target: b.username,
            ip: ipOf(req),
            detail: { role: b.role, created: !existing },
          },
          q,
        );
      });
      return reply.code(existing ? 200 : 201).send(await c.state.user(id));
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/tokens',
    opts(
      { scope: 'tenant', role: 'admin' },
      { summary: 'API tokens of the tenant (never the secret)', params: tenantParams },
    ),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      return { items: await ctx().state.tokens(tenant) };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant/tokens',
    opts(
      { scope: 'tenant', role: 'admin' },
      {
        summary: 'Creates an API token for collectors or automation; the secret is shown once',
        params: tenantParams,
        body: {
          type: 'object',
          required: ['name', 'purpose'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            purpose: { type: 'string', enum: TOKEN_PURPOSES.filter((p) => p !== 'worker') },
            expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 },
          },
        },
      },
    ),
    async (req, reply) => {
      const { tenant } = req.params as { tenant: string };
      const b = req.body as { name: string; purpose: TokenPurpose; expiresInDays?: number };
      return reply.code(201).send(
        await issueToken(ctx(), {
          tenant,
          name: b.name,
          purpose: b.purpose,
          expiresInDays: b.expiresInDays,
          actor: actorName(who(req)),
          ip: ipOf(req),
        }),
      );
    },
  );

  app.delete(
    '/api/v1/tenants/:tenant/tokens/:id',
    opts(
      { scope: 'tenant', role: 'admin' },
      {
        summary: 'Revokes a token',
        params: {
          type: 'object',
          properties: { tenant: { type: 'string' }, id: { type: 'string', maxLength: 100 } },
        },
      },
    ),
    async (req) => {
      const { tenant, id } = req.params as { tenant: string; id: string };
      const c = ctx();
      const mine = (await c.state.tokens(tenant)).some((t) => t.id === id);
      if (!mine || !(await c.state.revokeToken(id, c.now())))
        throw new HttpError(404, 'no such active token', 'not_found');
      await c.state.audit({
        at: c.now(),
        actor: actorName(who(req)),
        tenant,
        action: 'token.revoke',
        target: id,
        ip: ipOf(req),
        detail: null,
      });
      return { ok: true };
    },
  );
}

/** "Are we clean?" for one tenant, from SQL aggregates. */
async function tenantSummary(c: ServerContext, tenant: string): Promise<TenantSummary> {
  const [counts, byHost, hostsTotal] = await Promise.all([
    c.state.caseCounts(tenant),
    c.state.caseStateByHost(tenant),
    c.state.hostCount(tenant),
  ]);
  const affected = [...byHost.values()].filter((h) => h.active > 0).length;
  return summariseCounts(tenant, counts, Math.max(hostsTotal, byHost.size), affected);
}

/** Creates a token and returns its one-time secret. Shared with `chainhunt admin`. */
export async function issueToken(
  c: Pick<ServerContext, 'state' | 'now'>,
  t: {
    tenant: string | null;
    name: string;
    purpose: TokenPurpose;
    expiresInDays?: number | undefined;
    actor: string;
    ip: string | null;
  },
): Promise<{
  id: string;
  token: string;
  tenant: string | null;
  purpose: TokenPurpose;
  expiresAt: string | null;
}> {
  const token = newToken();
  const at = c.now();
  const id = randomUUID();
  const expiresAt = t.expiresInDays
    ? new Date(Date.parse(at) + t.expiresInDays * 86_400_000).toISOString()
    : null;
  await c.state.tx(async (q) => {
    await c.state.createToken(
      {
        id,
        tokenHash: digest(token),
        tenant: t.tenant,
        purpose: t.purpose,
        name: t.name,
        createdBy: t.actor,
        createdAt: at,
        expiresAt,
        revokedAt: null,
      },
      q,
    );
    await c.state.audit(
      {
        at,
        actor: t.actor,
        tenant: t.tenant,
        action: 'token.create',
        target: id,
        ip: t.ip,
        detail: { name: t.name, purpose: t.purpose, expiresAt },
      },
      q,
    );
  });
  return { id, token, tenant: t.tenant, purpose: t.purpose, expiresAt };
}

export { TENANT_ID };
