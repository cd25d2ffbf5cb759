/** Findings, hosts and their timelines, and remediation cases. */
import type { FastifyInstance } from 'fastify';
import { actorName } from '../auth/principal.js';
import { manualTransitionError } from '../cases/engine.js';
import type { ServerContext } from '../context.js';
import { HttpError, ipOf, opts, page, who } from '../http.js';
import { CASE_STATES, type Case, type CaseState } from '../state/types.js';
import { TENANT_ID, tenantParams, idParams } from './params.js';

export function caseRoutes(app: FastifyInstance, ctx: () => ServerContext): void {
  app.get(
    '/api/v1/tenants/:tenant/findings',
    opts(
      { scope: 'tenant', role: 'viewer' },
      {
        summary: 'Findings with filters; `new` marks findings first seen by the latest hunt or ingest',
        params: tenantParams,
        querystring: {
          type: 'object',
          properties: {
            severity: { type: 'string', maxLength: 20 },
            kind: { type: 'string', maxLength: 40 },
            host: { type: 'string', maxLength: 300 },
            key: { type: 'string', maxLength: 2000 },
            q: { type: 'string', maxLength: 300 },
            new: { type: 'boolean' },
            limit: { type: 'integer' },
            offset: { type: 'integer' },
          },
        },
      },
    ),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      const q = req.query as {
        severity?: string;
        kind?: string;
        host?: string;
        key?: string;
        q?: string;
        new?: boolean;
      };
      const c = ctx();
      const last = (await c.state.jobs(tenant, 1, 0, 'done')).items[0];
      const since = last?.startedAt ?? undefined;
      const r = await c.state.findings({
        tenant,
        ...(q.severity ? { severity: q.severity } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.host ? { host: q.host } : {}),
        ...(q.key ? { caseKey: q.key } : {}),
        ...(q.q ? { q: q.q } : {}),
        ...(q.new && since ? { since } : {}),
        ...page(req.query as Record<string, unknown>, 10_000),
      });
      return {
        total: r.total,
        items: r.items.map((f) => ({ ...f, new: since !== undefined && f.firstSeen >= since })),
      };
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/hosts',
    opts(
      { scope: 'tenant', role: 'viewer' },
      { summary: 'Hosts with their latest bundle and case state', params: tenantParams },
    ),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      const c = ctx();
      const [byHost, hosts] = await Promise.all([c.state.caseStateByHost(tenant), c.state.hosts(tenant)]);
      return {
        items: hosts.map((h) => {
          const n = byHost.get(h.host) ?? { active: 0, total: 0 };
          return {
            ...h,
            openCases: n.active,
            state: n.active > 0 ? 'affected' : n.total ? 'clean' : 'no findings',
          };
        }),
      };
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/hosts/:host/timeline',
    opts(
      { scope: 'tenant', role: 'viewer' },
      {
        summary: 'One host: bundles, evidence findings and case history in time order',
        params: {
          type: 'object',
          properties: {
            tenant: { type: 'string', pattern: TENANT_ID },
            host: { type: 'string', maxLength: 300 },
          },
        },
      },
    ),
    async (req) => {
      const { tenant, host } = req.params as { tenant: string; host: string };
      const c = ctx();
      const rec = await c.state.host(tenant, host);
      if (!rec) throw new HttpError(404, `no host ${host}`, 'not_found');
      const items: { time: string; type: string; title: string; detail: unknown }[] = [];
      for (const b of await c.state.hostBundles(tenant, host))
        items.push({
          time: b.collectedAt,
          type: 'bundle',
          title: `bundle ${b.bundleId.slice(0, 12)} collected`,
          detail: b,
        });
      const f = await c.state.findings({ tenant, host, limit: 5000, offset: 0 });
      for (const x of f.items) {
        const s = x.finding['subject'] as { time?: string } | undefined;
        items.push({
          time: s?.time ?? x.firstSeen,
          type: 'finding',
          title: x.title,
          detail: { id: x.id, kind: x.kind, severity: x.severity, subject: s, caseKey: x.caseKey },
        });
      }
      const cases = await c.state.casesOfHost(tenant, host);
      const events = await c.state.caseEvents(tenant, { host });
      const ids = new Map(cases.map((x) => [x.id, x]));
      for (const e of events)
        if (ids.has(e.caseId))
          items.push({
            time: e.at,
            type: 'case',
            title: `${ids.get(e.caseId)?.title ?? ''}: ${e.from ?? 'new'} → ${e.to}`,
            detail: e,
          });
      items.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
      return { host: rec, items };
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/cases',
    opts(
      { scope: 'tenant', role: 'viewer' },
      {
        summary: 'Remediation cases (one per host and advisory or indicator)',
        params: tenantParams,
        querystring: {
          type: 'object',
          properties: {
            state: { type: 'string', enum: [...CASE_STATES] },
            host: { type: 'string', maxLength: 300 },
            key: { type: 'string', maxLength: 2000 },
            q: { type: 'string', maxLength: 300 },
            limit: { type: 'integer' },
            offset: { type: 'integer' },
          },
        },
      },
    ),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      const q = req.query as { state?: CaseState; host?: string; key?: string; q?: string };
      return ctx().state.cases({
        tenant,
        ...(q.state ? { state: q.state } : {}),
        ...(q.host ? { host: q.host } : {}),
        ...(q.key ? { key: q.key } : {}),
        ...(q.q ? { q: q.q } : {}),
        ...page(req.query as Record<string, unknown>, 10_000),
      });
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/cases/:id',
    opts({ scope: 'tenant', role: 'viewer' }, { summary: 'A case with its history', params: idParams }),
    async (req) => {
      const { tenant, id } = req.params as { tenant: string; id: string };
      const c = ctx();
      const found = await c.state.case(tenant, id);
      if (!found) throw new HttpError(404, 'no such case', 'not_found');
      return { case: found, events: await c.state.caseEvents(tenant, id) };
    },
  );

  const transitionBody = {
    type: 'object',
    required: ['to', 'reason'],
    additionalProperties: false,
    properties: {
      to: { type: 'string', enum: [...CASE_STATES] },
      reason: { type: 'string', minLength: 1, maxLength: 4000 },
      evidence: { type: 'string', maxLength: 4000 },
    },
  } as const;

  app.post(
    '/api/v1/tenants/:tenant/cases/:id/transition',
    opts(
      { scope: 'tenant', role: 'analyst' },
      {
        summary: 'Moves a case (verified_clean is set only from evidence)',
        params: idParams,
        body: transitionBody,
      },
    ),
    async (req) => {
      const { tenant, id } = req.params as { tenant: string; id: string };
      const b = req.body as { to: CaseState; reason: string; evidence?: string };
      const r = await transition(ctx(), tenant, id, b, actorName(who(req)), ipOf(req));
      if ('error' in r) throw new HttpError(r.status, r.error, r.status === 404 ? 'not_found' : 'conflict');
      return r;
    },
  );

  app.post(
    '/api/v1/tenants/:tenant/cases/bulk',
    opts(
      { scope: 'tenant', role: 'analyst' },
      {
        summary: 'Moves several cases with one reason',
        params: tenantParams,
        body: {
          type: 'object',
          required: ['ids', 'to', 'reason'],
          additionalProperties: false,
          properties: {
            ids: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', maxLength: 100 } },
            to: { type: 'string', enum: [...CASE_STATES] },
            reason: { type: 'string', minLength: 1, maxLength: 4000 },
          },
        },
      },
    ),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      const b = req.body as { ids: string[]; to: CaseState; reason: string };
      const results = [];
      for (const id of b.ids) {
        const r = await transition(ctx(), tenant, id, b, actorName(who(req)), ipOf(req));
        results.push('error' in r ? { id, ok: false, message: r.error } : { id, ok: true });
      }
      return { results };
    },
  );
}

async function transition(
  c: ServerContext,
  tenant: string,
  id: string,
  b: { to: CaseState; reason: string; evidence?: string },
  actor: string,
  ip: string,
): Promise<{ case: Case } | { error: string; status: number }> {
  const at = c.now();
  const out = await c.state.tx(async (q) => {
    const found = await c.state.case(tenant, id, q);
    if (!found) return { error: 'no such case', status: 404 };
    const why = manualTransitionError(found.state, b.to);
    if (why) return { error: why, status: 409 };
    const from = found.state;
    const next: Case = { ...found, state: b.to, updatedAt: at };
    if (b.to === 'contained') next.containedAt = at;
    if (b.to === 'remediated') next.remediatedAt = at;
    if (b.to === 'open') next.verifiedAt = null;
    await c.state.updateCase(next, q);
    await c.state.addCaseEvent(
      { caseId: id, tenant, at, actor, from, to: b.to, reason: b.reason, evidence: b.evidence ?? null },
      q,
    );
    await c.state.audit(
      {
        at,
        actor,
        tenant,
        action: 'case.transition',
        target: id,
        ip,
        detail: { from, to: b.to, reason: b.reason },
      },
      q,
    );
    const staged = await c.events.stage(
      [
        {
          type: 'case.state_changed',
          tenant,
          caseId: id,
          host: next.host,
          key: next.key,
          from,
          to: b.to,
          actor,
          reason: b.reason,
          at,
          evidence: b.evidence ?? null,
        },
      ],
      q,
    );
    return { case: next, staged };
  });
  if ('error' in out) return out;
  c.events.publish(out.staged);
  return { case: out.case };
}
