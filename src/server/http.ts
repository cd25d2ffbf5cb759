/**
 * Route plumbing: every route is declared with what it needs (`Need`), and one hook authenticates
 * (bearer token or session cookie, CSRF for cookie-authenticated changes) and authorises before any
 * handler runs. Errors are JSON `{ error, message }`.
 */
import type {} from '@fastify/cookie';
import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { authorize, type Need, type Principal } from './auth/principal.js';
import { digest, safeEqual } from './auth/secrets.js';
import type { ServerContext } from './context.js';

export const SESSION_COOKIE = 'chainhunt_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The client address, taken when the request arrives (gone once the client disconnects). */
    clientIp: string;
  }
  interface FastifyContextConfig {
    need?: Need | 'public';
  }
}

/** An error a handler throws to answer with a status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'error',
  ) {
    super(message);
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Resolves the caller from the request, or null. */
async function principalOf(ctx: ServerContext, req: FastifyRequest): Promise<Principal | null | 'bad'> {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer ([A-Za-z0-9_-]{16,200})$/.exec(auth);
    if (!m?.[1]) return 'bad';
    const t = await ctx.state.tokenByHash(digest(m[1]));
    if (!t || t.revokedAt !== null) return 'bad';
    if (t.expiresAt !== null && t.expiresAt <= ctx.now()) return 'bad';
    return { type: 'token', tokenId: t.id, name: t.name, tenant: t.tenant, purpose: t.purpose };
  }
  const sid = req.cookies[SESSION_COOKIE];
  if (sid === undefined) return null;
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(sid)) return 'bad';
  const sessionHash = digest(sid);
  const s = await ctx.state.session(sessionHash);
  if (!s || s.expiresAt <= ctx.now()) return 'bad';
  const u = await ctx.state.user(s.userId);
  if (!u || u.disabled) return 'bad';
  return {
    type: 'user',
    userId: u.id,
    username: u.username,
    operator: u.operator,
    roles: u.roles,
    csrf: s.csrf,
    sessionHash,
  };
}

/** Installs the authentication and authorisation hook. */
export function installAuth(app: FastifyInstance, ctx: () => ServerContext): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('clientIp', '');
  // onRequest: before the body is read, parsed or validated, so a refused caller learns nothing
  // from schema errors and makes the server parse nothing.
  app.addHook('onRequest', async (req, reply) => {
    req.clientIp = req.ip ?? 'unknown';
    const need = req.routeOptions.config.need;
    if (need === undefined) {
      // Every API route declares its need; one that does not is refused (fail closed).
      if (req.url.startsWith('/api/')) return deny(reply, 404, 'not found');
      return;
    }
    if (need === 'public') return;
    const p = await principalOf(ctx(), req);
    if (p === null) return deny(reply, 401, 'authentication required: a bearer token or a session');
    if (p === 'bad') return deny(reply, 401, 'invalid, expired or revoked credentials');
    if (p.type === 'user' && p.csrf !== null && UNSAFE.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, p.csrf))
        return deny(reply, 403, 'missing or wrong x-csrf-token header');
    }
    const tenant = (req.params as Record<string, string> | undefined)?.['tenant'];
    if (!authorize(p, need, tenant)) return deny(reply, 403, 'not allowed');
    if (tenant !== undefined && need.scope === 'tenant' && !(await ctx().state.tenant(tenant)))
      return deny(reply, 404, `no tenant ${tenant}`);
    req.principal = p;
  });
}

function deny(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply
    .code(status)
    .send({ error: status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'not_found', message });
}

/** The caller (routes behind the hook always have one). */
export function who(req: FastifyRequest): Principal {
  if (!req.principal) throw new HttpError(401, 'authentication required');
  return req.principal;
}

/** The client address for audit entries (also after the client went away). */
export function ipOf(req: FastifyRequest): string {
  return req.clientIp || (req.ip ?? 'unknown');
}

/**
 * Route options with a need and a schema. The need is published in the OpenAPI document as
 * `x-chainhunt-need` (public routes also as an empty `security`).
 */
export function opts(
  need: Need | 'public',
  schema: RouteShorthandOptions['schema'] = {},
): RouteShorthandOptions {
  return {
    config: { need },
    schema: {
      ...schema,
      ...{ 'x-chainhunt-need': need },
      ...(need === 'public' ? { security: [] } : {}),
    },
  };
}

/** Reads `limit`/`offset` query parameters with bounds. */
export function page(q: Record<string, unknown>, max = 1000): { limit: number; offset: number } {
  const limit = Math.min(max, Math.max(1, Number(q['limit'] ?? 100) || 100));
  const offset = Math.max(0, Number(q['offset'] ?? 0) || 0);
  return { limit, offset };
}
