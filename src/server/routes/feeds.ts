/** Feed subscriptions: RSS/Atom advisories, OSV, MISP and TAXII 2.1, per tenant or for all. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorName } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { initialFeedState, parseFeedConfig, redactFeedConfig, type PollResult } from '../feeds/index.js';
import { HttpError, ipOf, opts, who } from '../http.js';
import type { FeedService } from '../services/feeds.js';
import { tenantParams, idParams } from './params.js';

const feedBody = {
  type: 'object',
  required: ['kind', 'url'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['rss', 'atom', 'osv', 'misp', 'taxii'] },
    url: { type: 'string', pattern: '^https?://', maxLength: 2000 },
    intervalSeconds: { type: 'integer', minimum: 60, maximum: 604800 },
    name: { type: 'string', maxLength: 200 },
    collection: { type: 'string', maxLength: 200 },
    followOtherOrigins: { type: 'boolean' },
    auth: { type: 'object' },
  },
} as const;

function summary(r: PollResult): Record<string, unknown> {
  return {
    ok: r.ok,
    notModified: r.notModified,
    imported: r.imported.map((i) => ({
      name: i.name,
      format: i.format,
      advisories: i.advisories,
      indicators: i.indicators,
      rules: i.rules,
    })),
    reviews: r.reviews.length,
    issues: r.issues.slice(0, 50),
    state: {
      lastPolledAt: r.state.lastPolledAt,
      lastSuccessAt: r.state.lastSuccessAt,
      failures: r.state.failures,
      lastError: r.state.lastError,
    },
  };
}

export function feedRoutes(app: FastifyInstance, ctx: () => ServerContext, feeds: () => FeedService): void {
  const list = async (tenant: string | null): Promise<unknown[]> =>
    (await ctx().state.feeds(tenant)).map((f) => {
      const c = parseFeedConfig(f.config);
      return {
        id: f.id,
        tenant: f.tenant,
        config: c.ok ? redactFeedConfig(c.config) : null,
        state: f.state,
        createdAt: f.createdAt,
        createdBy: f.createdBy,
      };
    });

  const create = async (req: FastifyRequest, tenant: string | null): Promise<unknown> => {
    const c = ctx();
    const id = randomUUID();
    const b = req.body as Record<string, unknown>;
    const parsed = parseFeedConfig({ intervalSeconds: 3600, ...b, id, ...(tenant ? { tenant } : {}) });
    if (!parsed.ok) throw new HttpError(400, parsed.error, 'bad_request');
    const actor = actorName(who(req));
    await c.state.saveFeed({
      id,
      tenant,
      config: parsed.config as unknown as Record<string, unknown>,
      state: initialFeedState() as unknown as Record<string, unknown>,
      createdAt: c.now(),
      createdBy: actor,
    });
    await c.state.audit({
      at: c.now(),
      actor,
      tenant,
      action: 'feed.create',
      target: id,
      ip: ipOf(req),
      detail: redactFeedConfig(parsed.config),
    });
    feeds().add(parsed.config);
    return { id, config: redactFeedConfig(parsed.config) };
  };

  const owned = async (id: string, tenant: string | null): Promise<void> => {
    const f = (await ctx().state.feeds(tenant)).find((x) => x.id === id);
    if (!f) throw new HttpError(404, 'no such feed', 'not_found');
  };

  const poll = async (req: FastifyRequest, id: string, tenant: string | null): Promise<unknown> => {
    await owned(id, tenant);
    await ctx().state.audit({
      at: ctx().now(),
      actor: actorName(who(req)),
      tenant,
      action: 'feed.poll_requested',
      target: id,
      ip: ipOf(req),
      detail: null,
    });
    return summary(await feeds().pollNow(id));
  };

  const remove = async (req: FastifyRequest, id: string, tenant: string | null): Promise<unknown> => {
    await owned(id, tenant);
    feeds().remove(id);
    await ctx().state.deleteFeed(id);
    await ctx().state.audit({
      at: ctx().now(),
      actor: actorName(who(req)),
      tenant,
      action: 'feed.delete',
      target: id,
      ip: ipOf(req),
      detail: null,
    });
    return { ok: true };
  };

  app.get(
    '/api/v1/tenants/:tenant/feeds',
    opts(
      { scope: 'tenant', role: 'admin' },
      { summary: "The tenant's feed subscriptions (credentials masked)", params: tenantParams },
    ),
    async (req) => ({
      items: await list((req.params as { tenant: string }).tenant),
    }),
  );
  app.post(
    '/api/v1/tenants/:tenant/feeds',
    opts(
      { scope: 'tenant', role: 'admin' },
      { summary: 'Subscribes the tenant to a feed', params: tenantParams, body: feedBody },
    ),
    async (req, reply) => reply.code(201).send(await create(req, (req.params as { tenant: string }).tenant)),
  );
  app.post(
    '/api/v1/tenants/:tenant/feeds/:id/poll',
    opts({ scope: 'tenant', role: 'admin' }, { summary: 'Polls a feed now', params: idParams }),
    async (req) => {
      const { tenant, id } = req.params as { tenant: string; id: string };
      return poll(req, id, tenant);
    },
  );
  app.delete(
    '/api/v1/tenants/:tenant/feeds/:id',
    opts({ scope: 'tenant', role: 'admin' }, { summary: 'Removes a feed subscription', params: idParams }),
    async (req) => {
      const { tenant, id } = req.params as { tenant: string; id: string };
      return remove(req, id, tenant);
    },
  );

  app.get('/api/v1/feeds', opts({ scope: 'operator' }, { summary: 'Feeds for all tenants' }), async () => ({
    items: await list(null),
  }));
  app.post(
    '/api/v1/feeds',
    opts({ scope: 'operator' }, { summary: 'Subscribes all tenants to a feed', body: feedBody }),
    async (req, reply) => reply.code(201).send(await create(req, null)),
  );
  app.post(
    '/api/v1/feeds/:id/poll',
    opts(
      { scope: 'operator' },
      {
        summary: 'Polls a global feed now',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } } },
      },
    ),
    async (req) => poll(req, (req.params as { id: string }).id, null),
  );
  app.delete(
    '/api/v1/feeds/:id',
    opts(
      { scope: 'operator' },
      {
        summary: 'Removes a global feed',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } } },
      },
    ),
    async (req) => remove(req, (req.params as { id: string }).id, null),
  );
}
