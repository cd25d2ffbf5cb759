/**
 * `chainhunt serve`: the Fastify application. Builds the shared context (state store, evidence
 * store, intel, job queue), the auth hook and the routes; the OpenAPI document is generated from
 * the route schemas.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  DEFAULT_UPLOAD_LIMITS,
  type JobQueue,
  type ServerContext,
  type ServerEvent,
  type UploadLimits,
} from './context.js';
import { HttpError, installAuth } from './http.js';
import { LocalQueue } from './jobs/local.js';
import { bundleRoutes } from './routes/bundles.js';
import { caseRoutes } from './routes/cases.js';
import { intelRoutes } from './routes/intel.js';
import { systemRoutes } from './routes/system.js';
import { tenantRoutes } from './routes/tenants.js';
import { workerRoutes } from './routes/worker.js';
import { EvidenceService } from './services/evidence.js';
import { IntelService } from './services/intel.js';
import { FeedService } from './services/feeds.js';
import { webhookNotifier, type Notifier } from './services/notify.js';
import { feedRoutes } from './routes/feeds.js';
import { StateStore } from './state/store.js';
import type { AddressPolicy } from './webhooks/index.js';
import { registerDashboard } from './static.js';

export interface ServerOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  limits?: Partial<UploadLimits>;
  /** A job queue factory (NATS); default: in-process. */
  queue?: (ctx: () => ServerContext) => JobQueue;
  /** Runs no jobs here (a server whose workers run them elsewhere). */
  now?: () => string;
  version?: string;
  onEvent?: (e: ServerEvent) => void;
  logger?: boolean;
  trustProxy?: boolean;
  /**
   * Which webhook receivers may be called: `public-only` (the default) refuses loopback, private
   * and link-local addresses, so a tenant cannot point the server at internal services.
   */
  webhookAddressPolicy?: AddressPolicy;
  /** Poll feed subscriptions on their schedule (default true; `pollNow` works either way). */
  feeds?: boolean;
  /** The built dashboard served at `/` (default: dist/web beside dist/server). */
  dashboardDir?: string;
}

export interface Server {
  app: FastifyInstance;
  ctx: ServerContext;
  notifier: Notifier;
  close(): Promise<void>;
}

/** Opens the stores and builds the application (not yet listening). */
export async function createServer(o: ServerOptions): Promise<Server> {
  const dataDir = path.resolve(o.dataDir);
  const state = await StateStore.open({ dataDir, databaseUrl: o.databaseUrl });
  let evidence: EvidenceService;
  try {
    evidence = await EvidenceService.open(dataDir);
  } catch (err) {
    await state.close();
    throw err;
  }
  const notifier = webhookNotifier(state, { addressPolicy: o.webhookAddressPolicy ?? 'public-only' });
  // Routes and the queue reach the context through a getter (it refers to the queue it creates).
  const holder: { ctx?: ServerContext } = {};
  const getCtx = (): ServerContext => {
    if (!holder.ctx) throw new Error('server context used before it was built');
    return holder.ctx;
  };
  const ctx: ServerContext = {
    dataDir,
    state,
    evidence,
    intel: new IntelService(state, dataDir),
    queue: (o.queue ?? ((c) => new LocalQueue(c)))(getCtx),
    limits: { ...DEFAULT_UPLOAD_LIMITS, ...o.limits },
    now: o.now ?? (() => new Date().toISOString()),
    events: {
      stage: async (events, q) => ({ events, deliveries: await notifier.stage(events, q) }),
      publish: (staged) => {
        notifier.dispatch(staged.deliveries);
        if (o.onEvent)
          for (const e of staged.events) {
            try {
              o.onEvent(e);
            } catch {
              // A listener's failure never fails the change that caused it.
            }
          }
      },
    },
  };
  holder.ctx = ctx;

  const app = Fastify({
    logger: o.logger ?? false,
    bodyLimit: 4 * 1024 * 1024 + 65536,
    trustProxy: o.trustProxy ?? false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'chainhunt API',
        version: o.version ?? '1',
        description: 'Multi-tenant evidence, retro-hunt and remediation tracking.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'chainhunt_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  // Bundles and intel files are read as streams by their routes, never buffered by a parser.
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
  installAuth(app, getCtx);
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, _req, reply) => {
    if (err instanceof HttpError)
      return reply.code(err.status).send({ error: err.code, message: err.message });
    if (err.validation) return reply.code(400).send({ error: 'bad_request', message: err.message });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    return reply.code(status).send({
      error: status === 500 ? 'internal' : 'bad_request',
      message: status === 500 ? 'internal error' : err.message,
    });
  });
  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).send({ error: 'not_found', message: 'no such route' }),
  );

  systemRoutes(app, getCtx, o.version ?? '0');
  tenantRoutes(app, getCtx);
  bundleRoutes(app, getCtx);
  caseRoutes(app, getCtx);
  intelRoutes(app, getCtx);
  workerRoutes(app, getCtx);
  const feeds = new FeedService(getCtx);
  feedRoutes(app, getCtx, () => feeds);
  registerDashboard(app, o.dashboardDir ?? fileURLToPath(new URL('../web', import.meta.url)));

  await app.ready();
  await ctx.queue.start();
  // Webhook deliveries a previous process left pending (restart, crash) go out again.
  await notifier.resume();
  if (o.feeds !== false) await feeds.start();
  let closed = false;
  return {
    app,
    ctx,
    notifier,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await feeds.stop();
      await ctx.queue.close();
      await notifier.close();
      await evidence.close();
      await state.close();
    },
  };
}
