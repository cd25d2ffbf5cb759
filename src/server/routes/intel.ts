/** Intel import (global or per tenant), the advisory-text review queue, webhooks and the audit log. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { extractAdvisory } from '../../intel/extract/advisory.js';
import { sealPack } from '../../intel/chainhunt-pack/checksum.js';
import { actorName } from '../auth/principal.js';
import { randomSecret } from '../auth/secrets.js';
import type { ServerContext } from '../context.js';
import { HttpError, ipOf, opts, page, who } from '../http.js';
import type { Job } from '../state/types.js';
import { tenantParams, idParams } from './params.js';

const MAX_INTEL_BYTES = 256 * 1024 * 1024;

async function body(req: FastifyRequest): Promise<Buffer> {
  // A JSON body was already parsed by Fastify (within its JSON size limit): use it as the file.
  if (req.body !== undefined && req.body !== null) return Buffer.from(JSON.stringify(req.body));
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of req.raw as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > MAX_INTEL_BYTES)
      throw new HttpError(413, `intel file larger than ${MAX_INTEL_BYTES} bytes`, 'too_large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Queues a retro-hunt for each tenant; returns the jobs. */
export async function queueHunts(
  c: ServerContext,
  tenants: readonly string[],
  reason: string,
): Promise<Job[]> {
  const jobs: Job[] = [];
  for (const tenant of tenants) {
    const id = randomUUID();
    await c.state.createJob({ id, tenant, type: 'hunt', payload: { reason }, at: c.now() });
    const j = await c.state.job(id);
    if (j) {
      jobs.push(j);
      await c.queue.submit(j);
    }
  }
  return jobs;
}

/** Imports an intel file and queues the retro-hunts. Shared with `chainhunt admin intel`. */
export async function importIntel(
  c: ServerContext,
  tenant: string | null,
  name: string,
  content: Buffer,
  actor: string,
  ip: string | null,
): Promise<{ source: unknown; issues: unknown[]; jobs: Job[] }> {
  const r = await c.intel.add(tenant, name, content, actor, c.now());
  if ('refused' in r)
    throw new HttpError(422, `${r.refused}${r.issues[0] ? `: ${r.issues[0].message}` : ''}`, 'bad_intel');
  await c.state.audit({
    at: c.now(),
    actor,
    tenant,
    action: 'intel.import',
    target: r.source.id,
    ip,
    detail: { name: r.source.name, sha256: r.source.sha256, counts: r.source.counts },
  });
  const tenants = tenant === null ? (await c.state.tenants()).map((t) => t.id) : [tenant];
  const jobs = await queueHunts(c, tenants, `intel ${r.source.name} imported`);
  const { path: _p, ...source } = r.source;
  return { source, issues: r.issues.slice(0, 100), jobs };
}

export function intelRoutes(app: FastifyInstance, ctx: () => ServerContext): void {
  const rawBody = {
    summary: '',
    querystring: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1, maxLength: 255 } },
    },
  };

  app.post(
    '/api/v1/intel',
    opts(
      { scope: 'operator' },
      {
        ...rawBody,
        summary: 'Imports intel for all tenants (raw file body; any supported format); retro-hunts follow',
      },
    ),
    async (req, reply) => {
      const { name } = req.query as { name: string };
      return reply
        .code(201)
        .send(await importIntel(ctx(), null, name, await body(req), actorName(who(req)), ipOf(req)));
    },
  );

  app.get('/api/v1/intel', opts({ scope: 'operator' }, { summary: 'Global intel sources' }), async () => ({
    items: (await ctx().state.intelSources(null)).map(({ path: _p, ...s }) => s),
  }));

  app.post(
    '/api/v1/tenants/:tenant/intel',
    opts(
      { scope: 'tenant', role: 'admin' },
      {
        ...rawBody,
        params: tenantParams,
        summary: 'Imports intel for one tenant (raw file body); a retro-hunt follows',
      },
    ),
    async (req, reply) => {
      const { tenant } = req.params as { tenant: string };
      const { name } = req.query as { name: string };
      return reply
        .code(201)
        .send(await importIntel(ctx(), tenant, name, await body(req), actorName(who(req)), ipOf(req)));
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/intel',
    opts(
      { scope: 'tenant', role: 'viewer' },
      { summary: 'Intel sources that apply to the tenant (global and its own)', params: tenantParams },
    ),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      return { items: (await ctx().state.intelSources(tenant)).map(({ path: _p, ...s }) => s) };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant/intel/extract',
    opts(
      { scope: 'tenant', role: 'analyst' },
      {
        summary: 'Advisory text (text, Markdown or HTML) → a draft for review',
        params: tenantParams,
        body: {
          type: 'object',
          required: ['text'],
          additionalProperties: false,
          properties: {
            text: { type: 'string', minLength: 1, maxLength: 4 * 1024 * 1024 },
            format: { type: 'string', enum: ['text', 'markdown', 'html'] },
            title: { type: 'string', maxLength: 500 },
            link: { type: 'string', maxLength: 2000 },
          },
        },
      },
    ),
    async (req, reply) => {
      const { tenant } = req.params as { tenant: string };
      const b = req.body as {
        text: string;
        format?: 'text' | 'markdown' | 'html';
        title?: string;
        link?: string;
      };
      const c = ctx();
      const draft = extractAdvisory(b.text, { format: b.format ?? 'text', file: 'pasted advisory' });
      const review = {
        id: randomUUID(),
        tenant,
        source: `user:${actorName(who(req))}`,
        title: b.title ?? draft.title,
        link: b.link ?? null,
        text: b.text.slice(0, 200_000),
        draft: draft as unknown as Record<string, unknown>,
        state: 'pending' as const,
        createdAt: c.now(),
        decidedBy: null,
        decidedAt: null,
      };
      await c.state.addReview(review);
      await c.state.audit({
        at: c.now(),
        actor: actorName(who(req)),
        tenant,
        action: 'review.create',
        target: review.id,
        ip: ipOf(req),
        detail: { title: review.title },
      });
      return reply.code(201).send({ review });
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/reviews',
    opts(
      { scope: 'tenant', role: 'viewer' },
      { summary: 'Drafts waiting for review (from pasted text and feeds)', params: tenantParams },
    ),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      return { items: await ctx().state.reviews(tenant) };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant/reviews/:id/publish',
    opts(
      { scope: 'tenant', role: 'admin' },
      { summary: "Publishes a reviewed draft as the tenant's intel; a retro-hunt follows", params: idParams },
    ),
    async (req, reply) => {
      const { tenant, id } = req.params as { tenant: string; id: string };
      const c = ctx();
      const r = await c.state.review(id);
      if (!r || (r.tenant !== null && r.tenant !== tenant))
        throw new HttpError(404, 'no such review', 'not_found');
      if (r.state !== 'pending') throw new HttpError(409, `review already ${r.state}`, 'conflict');
      const pack = (r.draft as { pack?: Record<string, unknown> }).pack;
      if (!pack) throw new HttpError(422, 'the draft has no intel pack', 'bad_intel');
      const sealed = sealPack(pack);
      const out = await importIntel(
        c,
        tenant,
        `review-${id}.json`,
        Buffer.from(JSON.stringify(sealed)),
        actorName(who(req)),
        ipOf(req),
      );
      await c.state.decideReview(id, 'published', actorName(who(req)), c.now());
      return reply.code(201).send(out);
    },
  );

  app.post(
    '/api/v1/tenants/:tenant/reviews/:id/dismiss',
    opts({ scope: 'tenant', role: 'analyst' }, { summary: 'Dismisses a draft', params: idParams }),
    async (req) => {
      const { tenant, id } = req.params as { tenant: string; id: string };
      const c = ctx();
      const r = await c.state.review(id);
      if (!r || (r.tenant !== null && r.tenant !== tenant))
        throw new HttpError(404, 'no such review', 'not_found');
      if (!(await c.state.decideReview(id, 'dismissed', actorName(who(req)), c.now())))
        throw new HttpError(409, `review already ${r.state}`, 'conflict');
      await c.state.audit({
        at: c.now(),
        actor: actorName(who(req)),
        tenant,
        action: 'review.dismiss',
        target: id,
        ip: ipOf(req),
        detail: null,
      });
      return { ok: true };
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/webhooks',
    opts(
      { scope: 'tenant', role: 'admin' },
      {
        summary:
          'Webhooks (secrets are not shown), with the deliveries pending in the outbox and the latest attempt',
        params: tenantParams,
      },
    ),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      const c = ctx();
      const status = await c.state.webhookStatus(tenant);
      return {
        items: (await c.state.webhooks(tenant)).map(({ secret: _s, ...w }) => ({
          ...w,
          pending: status.get(w.id)?.pending ?? 0,
          lastAttempt: status.get(w.id)?.last ?? null,
        })),
      };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant/webhooks',
    opts(
      { scope: 'tenant', role: 'admin' },
      {
        summary: 'Adds a signed (HMAC-SHA256) webhook; the secret is shown once',
        params: tenantParams,
        body: {
          type: 'object',
          required: ['url'],
          additionalProperties: false,
          properties: {
            url: { type: 'string', pattern: '^https?://', maxLength: 2000 },
            events: {
              type: 'array',
              items: { type: 'string', enum: ['finding.new_critical', 'case.state_changed'] },
            },
          },
        },
      },
    ),
    async (req, reply) => {
      const { tenant } = req.params as { tenant: string };
      const b = req.body as { url: string; events?: string[] };
      const c = ctx();
      const w = {
        id: randomUUID(),
        tenant,
        url: b.url,
        secret: randomSecret(32),
        events: b.events ?? [],
        createdAt: c.now(),
        createdBy: actorName(who(req)),
      };
      await c.state.addWebhook(w);
      await c.state.audit({
        at: c.now(),
        actor: w.createdBy,
        tenant,
        action: 'webhook.create',
        target: w.id,
        ip: ipOf(req),
        detail: { url: w.url, events: w.events },
      });
      return reply.code(201).send(w);
    },
  );

  app.delete(
    '/api/v1/tenants/:tenant/webhooks/:id',
    opts({ scope: 'tenant', role: 'admin' }, { summary: 'Removes a webhook', params: idParams }),
    async (req) => {
      const { tenant, id } = req.params as { tenant: string; id: string };
      const c = ctx();
      if (!(await c.state.deleteWebhook(tenant, id)))
        throw new HttpError(404, 'no such webhook', 'not_found');
      await c.state.audit({
        at: c.now(),
        actor: actorName(who(req)),
        tenant,
        action: 'webhook.delete',
        target: id,
        ip: ipOf(req),
        detail: null,
      });
      return { ok: true };
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/audit',
    opts(
      { scope: 'tenant', role: 'admin' },
      { summary: "The tenant's audit log, newest first", params: tenantParams },
    ),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      const { limit, offset } = page(req.query as Record<string, unknown>);
      return ctx().state.auditLog(tenant, limit, offset);
    },
  );

  app.get(
    '/api/v1/audit',
    opts({ scope: 'operator' }, { summary: 'The whole audit log (operators)' }),
    async (req) => {
      const { limit, offset } = page(req.query as Record<string, unknown>);
      return ctx().state.auditLog(null, limit, offset);
    },
  );
}
