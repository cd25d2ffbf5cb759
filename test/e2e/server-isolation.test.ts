/**
 * Issue #13 acceptance: tenant isolation and roles, checked on every route the server publishes.
 *
 * The route list comes from the server's own OpenAPI document (each operation carries the need its
 * route declares in `x-chainhunt-need`), path parameters are filled with real ids of tenant A, and
 * every route is called with tenant B's users and tokens, with no credentials, with expired,
 * revoked and malformed ones; every such call must be refused (401/403) and no response may carry
 * any of tenant A's distinctive strings. Then each role and token purpose of tenant A must get
 * exactly what the route declares.
 *
 * An already-expired token or session cannot be made through the CLI or the API (expiry is at least
 * a day ahead), so the test writes those rows through the state store before the server starts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digest } from '../../src/server/auth/secrets.js';
import { StateStore } from '../../src/server/state/store.js';
import { repoRoot } from '../fixtures.js';
import { admin, Api, demoBundle, startServer, tempDataDir, type RunningServer } from '../server.js';

const A = 'acme';
const B = 'globex';
const A_NAME = 'Acme Secret Holdings';
const PASSWORD = 'isolation-password-1';
const ROLE_NAMES = ['viewer', 'analyst', 'admin'] as const;
const PURPOSES = ['upload', 'read', 'automation'] as const;
/** Host names only tenant A has (the demo bundles renamed). */
const A_HOSTS: Record<string, string> = {
  'win-finance-01': 'acmeonly-finance-7731',
  'mac-design-02': 'acmeonly-design-4412',
};
const A_WEBHOOK = 'https://acmeonly-hooks.invalid/notify-7731';
const A_REVIEW_TITLE = 'Acmeonly internal advisory zebra-5521';

type Need =
  | 'public'
  | { scope: 'tenant'; role: 'viewer' | 'analyst' | 'admin'; upload?: boolean }
  | { scope: 'operator' | 'worker' | 'user' | 'any' };

interface Route {
  method: string;
  path: string;
  need: Need | undefined;
}

/** Who calls: headers for a request with `method`. */
interface Caller {
  name: string;
  kind: 'user' | 'token' | 'none';
  /** Role or token purpose, for the matrix. */
  as?: string;
  username?: string;
  headers(method: string): Record<string, string>;
}

interface Reply {
  status: number;
  text: string;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const RANK = { viewer: 1, analyst: 2, admin: 3 } as const;

/** A demo host's bundle for `tenant`, renamed to `host` when given. */
function bundleFor(tenant: string, demoHost: string, host?: string): Buffer {
  return demoBundle(demoHost, (files) => {
    const m = JSON.parse((files['chainhunt-host.json'] ?? Buffer.alloc(0)).toString('utf8')) as Record<
      string,
      unknown
    >;
    files['chainhunt-host.json'] = Buffer.from(
      JSON.stringify({
        ...m,
        tenant,
        ...(host ? { hostId: host, hostname: host.toUpperCase() } : {}),
      }),
    );
  });
}

function bearer(token: string): Caller['headers'] {
  return () => ({ authorization: `Bearer ${token}` });
}

describe('chainhunt serve: tenant isolation and roles on every route', () => {
  let server: RunningServer;
  let data: string;
  let op: Api;
  let routes: Route[] = [];
  const tokens: Record<string, { id: string; token: string }> = {};
  const sessions: Record<string, { cookie: string; csrf: string }> = {};
  /** Real ids of tenant A's objects, by path parameter. */
  const ids: Record<string, string> = {};
  /** Strings only tenant A's data contains. */
  const secrets = new Set<string>([A_NAME, ...Object.values(A_HOSTS), A_WEBHOOK, A_REVIEW_TITLE]);
  let expiredSession = '';
  const counts = { calls: 0, routes: 0 };
  /** Figures for the report: what each test checked. */
  const figures: string[] = [];

  const call = async (method: string, url: string, headers: Record<string, string>): Promise<Reply> => {
    counts.calls++;
    const r = await fetch(`${server.url}${url}`, { method, headers });
    return { status: r.status, text: await r.text() };
  };
  /** Tenant A's strings in `text`, except those the caller sent in `url` (an echo is no leak). */
  const leaked = (text: string, url = ''): string[] =>
    [...secrets].filter((s) => text.includes(s) && !decodeURIComponent(url).includes(s));
  const fill = (p: string): string =>
    p.replace(/\{([^}]+)\}/g, (_m, name: string, offset: number) => {
      if (name === 'tenant') return A;
      if (name === 'host') return ids['host'] ?? 'none';
      // `{id}` after `/cases`, `/jobs`, ... is that collection's id.
      const before = p.slice(0, offset).split('/').filter(Boolean).pop() ?? '';
      return encodeURIComponent(ids[before] ?? '00000000-0000-4000-8000-000000000000');
    });
  const userCaller = (username: string, as?: string): Caller => ({
    name: `user ${username}`,
    kind: 'user',
    username,
    ...(as ? { as } : {}),
    headers: (method) => {
      const s = sessions[username];
      if (!s) throw new Error(`no session for ${username}`);
      return { cookie: s.cookie, ...(UNSAFE.has(method) ? { 'x-csrf-token': s.csrf } : {}) };
    },
  });
  const tokenCaller = (key: string, as?: string): Caller => ({
    name: `token ${key}`,
    kind: 'token',
    ...(as ? { as } : {}),
    headers: (method) => bearer(tokens[key]?.token ?? 'missing-token-missing')(method),
  });
  /** Logs in `username` afresh (for calls that end the session). */
  const freshSession = async (username: string): Promise<{ cookie: string; csrf: string }> => {
    const r = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(r.status).toBe(200);
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const csrf = ((await r.json()) as { csrfToken: string }).csrfToken;
    return { cookie, csrf };
  };
  /** Calls `route` as `c`; a user's logout runs on a throwaway session so later calls keep theirs. */
  const callAs = async (c: Caller, route: Route): Promise<Reply> => {
    let headers = c.headers(route.method);
    if (c.kind === 'user' && route.path === '/api/v1/auth/logout' && c.username) {
      const s = await freshSession(c.username);
      headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    }
    return call(route.method, fill(route.path), headers);
  };

  beforeAll(async () => {
    data = tempDataDir();
    admin(data, ['tenant-create', A, '--name', A_NAME]);
    admin(data, ['tenant-create', B, '--name', 'Globex']);
    const opId = admin<{ id: string }>(data, ['user-create', 'op', '--password', PASSWORD, '--operator']).id;
    tokens['worker'] = admin<{ id: string; token: string }>(data, [
      'token-create',
      '--purpose',
      'worker',
      '--name',
      'worker',
    ]);
    // Tenant A's expired tokens (every purpose) and an expired session of the operator.
    const state = await StateStore.open({ dataDir: data });
    try {
      for (const purpose of PURPOSES) {
        const token = `cht_expired-${purpose}-token-of-acme-0123456789abcdef`;
        const id = `00000000-0000-4000-8000-0000000000e${PURPOSES.indexOf(purpose)}`;
        await state.createToken({
          id,
          tokenHash: digest(token),
          tenant: A,
          purpose,
          name: `expired-${purpose}`,
          createdBy: 'test',
          createdAt: '2024-01-01T00:00:00.000Z',
          expiresAt: '2024-01-02T00:00:00.000Z',
          revokedAt: null,
        });
        tokens[`expired-${purpose}`] = { id, token };
      }
      expiredSession = 'expiredSessionOfTheOperator0123456789abcdefXYZ';
      await state.createSession({
        idHash: digest(expiredSession),
        userId: opId,
        csrf: 'expired-csrf',
        createdAt: '2024-01-01T00:00:00.000Z',
        expiresAt: '2024-01-01T12:00:00.000Z',
        ip: '127.0.0.1',
      });
    } finally {
      await state.close();
    }

    server = await startServer(data);
    op = new Api(server.url);
    expect(await op.login('op', PASSWORD)).toBe(200);
    // Users of every role and tokens of every purpose in both tenants, made by the operator.
    for (const t of [A, B]) {
      for (const role of ROLE_NAMES) {
        const u = await op.post(`/api/v1/tenants/${t}/users`, {
          username: `${t}-${role}`,
          password: PASSWORD,
          role,
        });
        expect(u.status, JSON.stringify(u.body)).toBe(201);
        sessions[`${t}-${role}`] = await freshSession(`${t}-${role}`);
      }
      for (const purpose of PURPOSES) {
        const k = await op.post<{ id: string; token: string }>(`/api/v1/tenants/${t}/tokens`, {
          name: `${t}-${purpose}`,
          purpose,
        });
        expect(k.status, JSON.stringify(k.body)).toBe(201);
        tokens[`${t}-${purpose}`] = k.body;
      }
    }

    // Evidence for both tenants: A's hosts carry names only A has.
    for (const [demo, renamed] of Object.entries(A_HOSTS)) {
      const r = await new Api(server.url, tokens[`${A}-upload`]?.token).post(
        `/api/v1/tenants/${A}/bundles`,
        bundleFor(A, demo, renamed),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(202);
    }
    for (const demo of Object.keys(A_HOSTS)) {
      const r = await new Api(server.url, tokens[`${B}-upload`]?.token).post(
        `/api/v1/tenants/${B}/bundles`,
        bundleFor(B, demo),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(202);
    }
    const pack = readFileSync(path.join(repoRoot, 'intel', '3cx', '3cx.chainhunt.json'));
    expect((await op.post('/api/v1/intel?name=3cx.chainhunt.json', pack)).status).toBe(201);
    for (const t of [A, B]) await op.settle(t);

    // Tenant A's objects, for real path parameters.
    const review = await op.post<{ review: { id: string } }>(`/api/v1/tenants/${A}/intel/extract`, {
      text: 'The 3CX DesktopApp 18.12.416 update was trojanized. Block akamaicontainer.com.',
      title: A_REVIEW_TITLE,
    });
    expect(review.status, JSON.stringify(review.body)).toBe(201);
    const hook = await op.post<{ id: string }>(`/api/v1/tenants/${A}/webhooks`, {
      url: A_WEBHOOK,
      events: ['case.state_changed'],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const spare = await op.post<{ id: string }>(`/api/v1/tenants/${A}/tokens`, {
      name: 'spare-token-to-revoke',
      purpose: 'read',
    });
    expect(spare.status).toBe(201);
    const list = async <T>(what: string): Promise<T[]> => {
      const r = await op.get<{ items: T[] }>(`/api/v1/tenants/${A}/${what}?limit=1000`);
      expect(r.status, what).toBe(200);
      return r.body.items;
    };
    const cases = await list<{ id: string }>('cases');
    const jobs = await list<{ id: string }>('jobs');
    const uploads = await list<{ id: string; sha256: string }>('bundles');
    const hosts = await list<{ host: string; lastBundleId: string | null }>('hosts');
    const reviews = await list<{ id: string }>('reviews');
    const hooks = await list<{ id: string }>('webhooks');
    const toks = await list<{ id: string }>('tokens');
    expect(cases.length).toBeGreaterThan(0);
    expect(hosts.map((h) => h.host).sort()).toEqual(Object.values(A_HOSTS).sort());
    Object.assign(ids, {
      cases: cases[0]?.id,
      jobs: jobs[0]?.id,
      reviews: review.body.review.id,
      webhooks: hook.body.id,
      tokens: spare.body.id,
      uploads: uploads[0]?.id,
      host: hosts[0]?.host,
    });
    for (const x of [...cases, ...jobs, ...uploads, ...reviews, ...hooks, ...toks]) secrets.add(x.id);
    for (const u of uploads) secrets.add(u.sha256);
    for (const h of hosts) if (h.lastBundleId) secrets.add(h.lastBundleId);
    for (const role of ROLE_NAMES) secrets.add(`${A}-${role}`);

    const doc = await op.get<{ paths: Record<string, Record<string, { 'x-chainhunt-need'?: Need }>> }>(
      '/api/v1/openapi.json',
    );
    expect(doc.status).toBe(200);
    routes = Object.entries(doc.body.paths)
      .filter(([p]) => p.startsWith('/api/'))
      .flatMap(([p, ops]) =>
        Object.entries(ops).map(([method, o]) => ({
          method: method.toUpperCase(),
          path: p,
          need: o['x-chainhunt-need'],
        })),
      )
      .filter((r) => r.method !== 'HEAD')
      // Logout last: it ends sessions.
      .sort((x, y) => Number(x.path === '/api/v1/auth/logout') - Number(y.path === '/api/v1/auth/logout'));
    counts.routes = routes.length;
  });

  afterAll(async () => {
    await server?.stop();
    // Figures for the report.
    process.stderr.write(
      `isolation: ${counts.routes} routes (${tenantRoutes().length} per tenant), ${counts.calls} calls\n${figures.join('\n')}\n`,
    );
  });

  const tenantRoutes = (): Route[] => routes.filter((r) => r.path.startsWith('/api/v1/tenants/{tenant}'));
  const globalRoutes = (): Route[] => routes.filter((r) => !r.path.startsWith('/api/v1/tenants/{tenant}'));

  it('publishes every route with its need; only health and login are public', () => {
    expect(tenantRoutes().length).toBeGreaterThanOrEqual(25);
    for (const r of routes) expect(r.need, `${r.method} ${r.path} declares no need`).toBeDefined();
    const pub = routes.filter((r) => r.need === 'public').map((r) => `${r.method} ${r.path}`);
    expect(pub.sort()).toEqual(['GET /api/v1/health', 'POST /api/v1/auth/login']);
    for (const r of tenantRoutes()) {
      expect(typeof r.need === 'object' && r.need.scope, `${r.method} ${r.path}`).toBe('tenant');
      // Changes need at least an analyst; people, tokens, hooks and the audit log an admin.
      const role = typeof r.need === 'object' && r.need.scope === 'tenant' ? r.need.role : 'none';
      if (r.method !== 'GET') expect(['analyst', 'admin'], `${r.method} ${r.path}`).toContain(role);
      if (/\/(users|tokens|webhooks|audit)(\/|$)/.test(r.path)) expect(role, r.path).toBe('admin');
    }
    const operatorOnly = globalRoutes()
      .filter((r) => typeof r.need === 'object' && r.need.scope === 'operator')
      .map((r) => `${r.method} ${r.path}`);
    for (const x of ['POST /api/v1/tenants', 'GET /api/v1/intel', 'POST /api/v1/intel', 'GET /api/v1/audit'])
      expect(operatorOnly).toContain(x);
    // The leak check is not vacuous: the operator sees tenant A's strings.
    expect(secrets.size).toBeGreaterThan(20);
  });

  it('refuses every non-public route without credentials, or with expired, revoked or malformed ones', async () => {
    const revoked = await op.req(`DELETE`, `/api/v1/tenants/${A}/tokens/${tokens[`${A}-read`]?.id ?? ''}`);
    expect(revoked.status).toBe(200);
    const bad: [string, Record<string, string>][] = [
      ['no credentials', {}],
      ...PURPOSES.map((p): [string, Record<string, string>] => [
        `expired ${p} token`,
        { authorization: `Bearer ${tokens[`expired-${p}`]?.token ?? ''}` },
      ]),
      ['revoked read token', { authorization: `Bearer ${tokens[`${A}-read`]?.token ?? ''}` }],
      ['empty bearer', { authorization: 'Bearer ' }],
      ['bare Bearer', { authorization: 'Bearer' }],
      ['too short', { authorization: 'Bearer cht_abc' }],
      ['not base64url', { authorization: `Bearer cht_${'%$#@!*'.repeat(8)}` }],
      ['10 KB long', { authorization: `Bearer cht_${'A'.repeat(10 * 1024)}` }],
      ['Bearer missing', { authorization: tokens[`${A}-automation`]?.token ?? '' }],
      ['Basic scheme', { authorization: `Basic ${Buffer.from('op:' + PASSWORD).toString('base64')}` }],
      ['two spaces', { authorization: `Bearer  ${tokens[`${A}-automation`]?.token ?? ''}` }],
      ['unknown well-formed token', { authorization: `Bearer cht_${'Q'.repeat(43)}` }],
      ['garbage session cookie', { cookie: 'chainhunt_session=%00garbage;;=' }],
      ['unknown session cookie', { cookie: `chainhunt_session=${'x'.repeat(43)}` }],
      [
        'expired session cookie',
        { cookie: `chainhunt_session=${expiredSession}`, 'x-csrf-token': 'expired-csrf' },
      ],
    ];
    const failures: string[] = [];
    const checked = routes.filter((r) => r.need !== 'public');
    figures.push(
      `bad credentials: ${checked.length} routes x ${bad.length} = ${checked.length * bad.length}`,
    );
    for (const r of routes) {
      if (r.need === 'public') continue;
      for (const [what, headers] of bad) {
        const got = await call(r.method, fill(r.path), headers);
        if (got.status !== 401)
          failures.push(`${r.method} ${r.path} with ${what}: ${got.status} ${got.text.slice(0, 200)}`);
        const l = leaked(got.text);
        if (l.length) failures.push(`${r.method} ${r.path} with ${what} leaks ${l.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("refuses every tenant route to the other tenant's users and tokens and leaks none of its data", async () => {
    const others: Caller[] = [
      ...ROLE_NAMES.map((role) => userCaller(`${B}-${role}`)),
      ...PURPOSES.map((p) => tokenCaller(`${B}-${p}`)),
      tokenCaller('worker'),
    ];
    const failures: string[] = [];
    figures.push(
      `other tenant on tenant routes: ${tenantRoutes().length} x ${others.length} = ${tenantRoutes().length * others.length}`,
    );
    for (const r of tenantRoutes())
      for (const c of others) {
        const got = await callAs(c, r);
        if (got.status !== 403)
          failures.push(`${r.method} ${r.path} as ${c.name}: ${got.status} ${got.text.slice(0, 200)}`);
        const l = leaked(got.text);
        if (l.length) failures.push(`${r.method} ${r.path} as ${c.name} leaks ${l.join(', ')}`);
        // HEAD (answered for every GET) would give away sizes.
        if (r.method === 'GET') {
          const head = await call('HEAD', fill(r.path), c.headers('HEAD'));
          if (head.status !== 403) failures.push(`HEAD ${r.path} as ${c.name}: ${head.status}`);
        }
      }
    expect(failures).toEqual([]);
    // A tenant that does not exist is refused the same way: no probing for tenant names.
    const bAdmin = userCaller(`${B}-admin`).headers('GET');
    const ghost = await call('GET', '/api/v1/tenants/no-such-tenant/hosts', bAdmin);
    const real = await call('GET', `/api/v1/tenants/${A}/hosts`, bAdmin);
    expect([ghost.status, ghost.text]).toEqual([real.status, real.text]);
    // The control: tenant A's own admin sees its data on the same routes.
    const own = await call('GET', `/api/v1/tenants/${A}/hosts`, userCaller(`${A}-admin`).headers('GET'));
    expect(own.status).toBe(200);
    expect(leaked(own.text)).toEqual(expect.arrayContaining(Object.values(A_HOSTS)));
  });

  it('global routes: operator routes refuse everyone else; the rest show no other tenant', async () => {
    const everyone: Caller[] = [
      ...ROLE_NAMES.map((role) => userCaller(`${B}-${role}`, role)),
      ...PURPOSES.map((p) => tokenCaller(`${B}-${p}`, p)),
      tokenCaller('worker', 'worker'),
    ];
    const failures: string[] = [];
    const checked = globalRoutes().filter((r) => r.need !== 'public');
    figures.push(
      `global routes: ${checked.length} x ${everyone.length} = ${checked.length * everyone.length}`,
    );
    for (const r of globalRoutes()) {
      if (r.need === 'public' || r.need === undefined) continue;
      for (const c of everyone) {
        const allowed =
          r.need.scope === 'any' ||
          (r.need.scope === 'user' && c.kind === 'user') ||
          (r.need.scope === 'worker' && c.as === 'worker');
        const got = await callAs(c, r);
        const refused = got.status === 401 || got.status === 403;
        if (refused === allowed)
          failures.push(
            `${r.method} ${r.path} as ${c.name}: ${got.status} (${allowed ? 'allowed' : 'refused'} expected)`,
          );
        // Workers serve every tenant: what they are allowed is theirs to see (only echoes here).
        const l = leaked(got.text, allowed ? fill(r.path) : '');
        if (l.length) failures.push(`${r.method} ${r.path} as ${c.name} leaks ${l.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
    // Tenant lists show the caller's own tenant only.
    const seen = await call('GET', '/api/v1/tenants', userCaller(`${B}-admin`).headers('GET'));
    expect((JSON.parse(seen.text) as { items: { id: string }[] }).items.map((t) => t.id)).toEqual([B]);
  });

  it('refuses unsafe calls from a cookie session without, or with a wrong, x-csrf-token', async () => {
    const s = sessions[`${A}-admin`];
    if (!s) throw new Error('no session');
    const failures: string[] = [];
    let n = 0;
    for (const r of routes) {
      if (!UNSAFE.has(r.method) || r.need === 'public') continue;
      for (const [what, headers] of [
        ['no x-csrf-token', { cookie: s.cookie }],
        ['a wrong x-csrf-token', { cookie: s.cookie, 'x-csrf-token': `${s.csrf.slice(0, -2)}xx` }],
        ['an empty x-csrf-token', { cookie: s.cookie, 'x-csrf-token': '' }],
      ] as const) {
        n++;
        const got = await call(r.method, fill(r.path), headers);
        if (got.status !== 403) failures.push(`${r.method} ${r.path} with ${what}: ${got.status}`);
        else if (!/x-csrf-token/.test(got.text)) failures.push(`${r.method} ${r.path}: ${got.text}`);
      }
    }
    figures.push(`csrf: ${n} unsafe calls (route x variant)`);
    expect(n).toBeGreaterThanOrEqual(30);
    expect(failures).toEqual([]);
  });

  it("refuses tenant A's object ids through tenant B's own routes (no cross-tenant ids)", async () => {
    const bAdmin = userCaller(`${B}-admin`, 'admin');
    const failures: string[] = [];
    let n = 0;
    for (const r of tenantRoutes()) {
      if (!/\{(id|host)\}/.test(r.path)) continue;
      n++;
      const url = fill(r.path).replace(`/tenants/${A}/`, `/tenants/${B}/`);
      const got = await call(r.method, url, bAdmin.headers(r.method));
      // Not found (or refused, or a bad request before any lookup): never A's object.
      if (got.status < 400 || got.status >= 500)
        failures.push(`${r.method} ${url}: ${got.status} ${got.text.slice(0, 200)}`);
      const l = leaked(got.text, url);
      if (l.length) failures.push(`${r.method} ${url} leaks ${l.join(', ')}`);
    }
    figures.push(`cross-tenant ids: ${n} routes with ids`);
    expect(n).toBeGreaterThanOrEqual(8);
    expect(failures).toEqual([]);
    // Nothing of A's changed: its webhook, spare token, case and review are as they were.
    const hooks = await op.get<{ items: { id: string }[] }>(`/api/v1/tenants/${A}/webhooks`);
    expect(hooks.body.items.map((h) => h.id)).toContain(ids['webhooks']);
    const toks = await op.get<{ items: { id: string; revokedAt: string | null }[] }>(
      `/api/v1/tenants/${A}/tokens`,
    );
    expect(toks.body.items.find((t) => t.id === ids['tokens'])?.revokedAt).toBeNull();
    const reviews = await op.get<{ items: { id: string; state: string }[] }>(`/api/v1/tenants/${A}/reviews`);
    expect(reviews.body.items.find((x) => x.id === ids['reviews'])?.state).toBe('pending');
  });

  it("gives each of tenant A's roles and token purposes exactly what every route declares", async () => {
    const mine: Caller[] = [
      ...ROLE_NAMES.map((role) => userCaller(`${A}-${role}`, role)),
      tokenCaller(`${A}-upload`, 'upload'),
      tokenCaller(`${A}-automation`, 'automation'),
    ];
    // The read token was revoked above: a fresh one.
    const read = await op.post<{ token: string; id: string }>(`/api/v1/tenants/${A}/tokens`, {
      name: 'reader-2',
      purpose: 'read',
    });
    expect(read.status).toBe(201);
    tokens[`${A}-read2`] = read.body;
    mine.push(tokenCaller(`${A}-read2`, 'read'));
    const level = (as: string | undefined): number =>
      as === 'read' ? 1 : as === 'automation' ? 2 : as && as in RANK ? RANK[as as keyof typeof RANK] : 0;
    const failures: string[] = [];
    let checked = 0;
    for (const r of tenantRoutes()) {
      const need = r.need;
      if (typeof need !== 'object' || need.scope !== 'tenant') continue;
      for (const c of mine) {
        const allowed = c.as === 'upload' ? need.upload === true : level(c.as) >= RANK[need.role];
        const got = await callAs(c, r);
        checked++;
        const status = got.status;
        if (allowed && (status === 401 || status === 403))
          failures.push(
            `${r.method} ${r.path} as ${c.name}: ${status} but the route needs ${JSON.stringify(need)}`,
          );
        if (!allowed && status !== 403)
          failures.push(
            `${r.method} ${r.path} as ${c.name}: ${status}, 403 expected (needs ${JSON.stringify(need)})`,
          );
        if (status >= 500)
          failures.push(`${r.method} ${r.path} as ${c.name}: ${status} ${got.text.slice(0, 200)}`);
      }
    }
    figures.push(`role matrix: ${tenantRoutes().length} routes x ${mine.length} = ${checked}`);
    expect(checked).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });
});
