/** Health, the OpenAPI document, login, logout and "who am I". */
import type { FastifyInstance } from 'fastify';
import { DUMMY_HASH, digest, randomSecret, verifyPassword } from '../auth/secrets.js';
import type { ServerContext } from '../context.js';
import { HttpError, ipOf, opts, SESSION_COOKIE, who } from '../http.js';

const SESSION_HOURS = 12;

/**
 * Login throttling: after MAX_FAILURES failed logins for one user name (from any address), or
 * MAX_IP_FAILURES from one address (offices share addresses), within WINDOW_MS, further attempts
 * are refused with 429 until the window passes.
 */
const MAX_FAILURES = 10;
const MAX_IP_FAILURES = 50;
const WINDOW_MS = 15 * 60_000;
const MAX_TRACKED = 100_000;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  private recent(key: string): number[] {
    const cut = this.now() - WINDOW_MS;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cut);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  blocked(user: string, ip: string): boolean {
    return (
      this.recent(`u:${user}`).length >= MAX_FAILURES || this.recent(`ip:${ip}`).length >= MAX_IP_FAILURES
    );
  }

  fail(user: string, ip: string): void {
    if (this.failures.size > MAX_TRACKED) this.failures.clear();
    for (const k of [`u:${user}`, `ip:${ip}`]) this.failures.set(k, [...this.recent(k), this.now()]);
  }

  succeed(user: string): void {
    this.failures.delete(`u:${user}`);
  }
}

export function systemRoutes(app: FastifyInstance, ctx: () => ServerContext, version: string): void {
  const throttle = new LoginThrottle();
  app.get(
    '/api/v1/health',
    opts('public', {
      summary: 'Liveness and what the server runs on (no data; no authentication)',
      response: {
        200: {
          type: 'object',
          properties: {
            status: { type: 'string' },
            version: { type: 'string' },
            store: { type: 'string' },
            queue: { type: 'string' },
          },
        },
      },
    }),
    () => ({
      status: 'ok',
      version,
      store: ctx().state.engine === 'duckdb' ? 'embedded' : 'postgres',
      queue: ctx().queue.kind,
    }),
  );

  app.get('/api/v1/openapi.json', opts({ scope: 'any' }, { summary: 'This API as OpenAPI 3' }), () =>
    (app as unknown as { swagger: () => unknown }).swagger(),
  );

  app.post(
    '/api/v1/auth/login',
    opts('public', {
      summary:
        'Starts a web session (HttpOnly SameSite=Strict cookie); returns the CSRF token to echo in x-csrf-token',
      body: {
        type: 'object',
        required: ['username', 'password'],
        additionalProperties: false,
        properties: {
          username: { type: 'string', maxLength: 200 },
          password: { type: 'string', maxLength: 1000 },
        },
      },
    }),
    async (req, reply) => {
      const { username, password } = req.body as { username: string; password: string };
      const c = ctx();
      if (throttle.blocked(username, ipOf(req)))
        throw new HttpError(429, 'too many failed logins; try again in 15 minutes', 'too_many_requests');
      const found = await c.state.userByName(username);
      const ok = await verifyPassword(password, found?.passwordHash ?? DUMMY_HASH);
      const at = c.now();
      if (!found || !ok || found.user.disabled) {
        await c.state.audit({
          at,
          actor: `anonymous`,
          tenant: null,
          action: 'auth.login_failed',
          target: username,
          ip: ipOf(req),
          detail: null,
        });
        throttle.fail(username, ipOf(req));
        throw new HttpError(401, 'wrong user name or password', 'unauthorized');
      }
      throttle.succeed(username);
      const sid = randomSecret(32);
      const csrf = randomSecret(32);
      await c.state.createSession({
        idHash: digest(sid),
        userId: found.user.id,
        csrf,
        createdAt: at,
        expiresAt: new Date(Date.parse(at) + SESSION_HOURS * 3600_000).toISOString(),
        ip: ipOf(req),
      });
      await c.state.audit({
        at,
        actor: `user:${username}`,
        tenant: null,
        action: 'auth.login',
        target: found.user.id,
        ip: ipOf(req),
        detail: null,
      });
      void reply.setCookie(SESSION_COOKIE, sid, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
        path: '/',
        maxAge: SESSION_HOURS * 3600,
      });
      return { user: found.user, csrfToken: csrf };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    opts({ scope: 'user' }, { summary: 'Ends the web session' }),
    async (req, reply) => {
      const p = who(req);
      if (p.type === 'user' && p.sessionHash) await ctx().state.deleteSession(p.sessionHash);
      await ctx().state.audit({
        at: ctx().now(),
        actor: p.type === 'user' ? `user:${p.username}` : 'token',
        tenant: null,
        action: 'auth.logout',
        target: null,
        ip: ipOf(req),
        detail: null,
      });
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  );

  app.get(
    '/api/v1/me',
    opts({ scope: 'any' }, { summary: 'The caller: user with roles, or token with tenant and purpose' }),
    async (req) => {
      const p = who(req);
      if (p.type === 'token') return { type: 'token', name: p.name, tenant: p.tenant, purpose: p.purpose };
      const u = await ctx().state.user(p.userId);
      return { type: 'user', user: u, csrfToken: p.csrf };
    },
  );
}
