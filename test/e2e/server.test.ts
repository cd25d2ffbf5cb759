/**
 * Issue #13 acceptance, end to end on loopback: two tenants, the demo fleet uploaded for each, the
 * 3CX intel imported, cases opened; a later bundle showing 18.12.422 verifies the case clean, and
 * only that one.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../fixtures.js';
import { freshDatabase, pgSkipReason } from '../pg.js';
import { admin, Api, demoBundle, startServer, tempDataDir, type RunningServer } from '../server.js';

const HOSTS = ['linux-build-04', 'mac-design-02', 'win-finance-01', 'win-pbx-05', 'win-sales-03'];
const TENANTS = ['acme', 'globex'];
const PASSWORD = 'operator-password-1';
const KEY = 'advisory:CVE-2023-29059';

interface CaseRow {
  id: string;
  host: string;
  key: string;
  state: string;
  tenant: string;
}

/** The win-finance-01 bundle with 3CX at `version`, collected at `collectedAt`. */
function financeBundle(version: string, collectedAt: string): Buffer {
  return demoBundle('win-finance-01', (files) => {
    const reg = 'registry/HKU-alice-Uninstall.reg';
    const text = (files[reg] ?? Buffer.alloc(0)).toString('utf16le');
    expect(text).toContain('18.12.416');
    files[reg] = Buffer.from(text.replaceAll('18.12.416', version), 'utf16le');
    const m = JSON.parse((files['chainhunt-host.json'] ?? Buffer.alloc(0)).toString('utf8')) as Record<
      string,
      unknown
    >;
    files['chainhunt-host.json'] = Buffer.from(JSON.stringify({ ...m, collectedAt }));
  });
}

const skipPg = pgSkipReason();
const STORES = skipPg ? (['embedded'] as const) : (['embedded', 'postgres'] as const);

describe.each(STORES)('chainhunt serve (%s state store): from upload to verified clean', (store) => {
  let server: RunningServer;
  let op: Api;
  const upload: Record<string, Api> = {};

  beforeAll(async () => {
    const data = tempDataDir();
    const db = store === 'postgres' ? await freshDatabase() : undefined;
    for (const t of TENANTS) admin(data, ['tenant-create', t], db);
    admin(data, ['user-create', 'op', '--password', PASSWORD, '--operator'], db);
    const tokens: Record<string, string> = {};
    for (const t of TENANTS)
      tokens[t] = admin<{ token: string }>(
        data,
        ['token-create', '--tenant', t, '--purpose', 'upload', '--name', `collector-${t}`],
        db,
      ).token;
    server = await startServer(data, db ? { databaseUrl: db } : {});
    op = new Api(server.url);
    expect(await op.login('op', PASSWORD)).toBe(200);
    for (const t of TENANTS) upload[t] = new Api(server.url, tokens[t]);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('answers health without credentials', async () => {
    const r = await new Api(server.url).get<{ status: string; store: string }>('/api/v1/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', store });
  });

  it('ingests the demo fleet for both tenants; a second identical upload is recognised', async () => {
    for (const t of TENANTS) {
      for (const h of HOSTS) {
        const r = await upload[t]!.post(`/api/v1/tenants/${t}/bundles`, demoBundle(h), {
          'content-type': 'application/zip',
        });
        expect(r.status, JSON.stringify(r.body)).toBe(202);
      }
      const again = await upload[t]!.post<{ duplicate: boolean }>(
        `/api/v1/tenants/${t}/bundles`,
        demoBundle('win-finance-01'),
      );
      expect(again.status).toBe(200);
      expect(again.body.duplicate).toBe(true);
      const jobs = await op.settle(t);
      expect(jobs.filter((j) => j.state !== 'done')).toEqual([]);
      const hosts = await op.get<{ items: { host: string }[] }>(`/api/v1/tenants/${t}/hosts`);
      expect(hosts.body.items.map((h) => h.host).sort()).toEqual(HOSTS);
    }
    // No intel yet: no cases.
    const cases = await op.get<{ total: number }>(`/api/v1/tenants/acme/cases`);
    expect(cases.body.total).toBe(0);
  });

  it('importing the 3CX intel retro-hunts every tenant and opens one case per affected host', async () => {
    const pack = readFileSync(path.join(repoRoot, 'intel', '3cx', '3cx.chainhunt.json'));
    const r = await op.post<{ jobs: unknown[] }>('/api/v1/intel?name=3cx.chainhunt.json', pack);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.jobs).toHaveLength(2);
    for (const t of TENANTS) {
      await op.settle(t);
      const cases = await op.get<{ items: CaseRow[] }>(
        `/api/v1/tenants/${t}/cases?key=${encodeURIComponent(KEY)}`,
      );
      expect(cases.body.items.map((c) => c.host).sort()).toEqual(['mac-design-02', 'win-finance-01']);
      expect(cases.body.items.every((c) => c.state === 'open' && c.tenant === t)).toBe(true);
      const findings = await op.get<{ items: { new: boolean; host: string }[] }>(
        `/api/v1/tenants/${t}/findings`,
      );
      expect(findings.body.items.length).toBeGreaterThan(0);
      expect(findings.body.items.every((f) => f.new)).toBe(true);
      const summary = await op.get<{ clean: boolean; hosts: { affected: number } }>(
        `/api/v1/tenants/${t}/summary`,
      );
      expect(summary.body).toMatchObject({ clean: false, hosts: { affected: 2 } });
    }
  });

  it('refuses verified_clean by hand; accepts contained with a reason', async () => {
    const c = (
      await op.get<{ items: CaseRow[] }>(
        `/api/v1/tenants/acme/cases?host=win-finance-01&key=${encodeURIComponent(KEY)}`,
      )
    ).body.items[0]!;
    const byHand = await op.post<{ message: string }>(`/api/v1/tenants/acme/cases/${c.id}/transition`, {
      to: 'verified_clean',
      reason: 'trust me',
    });
    expect(byHand.status).toBe(409);
    expect(byHand.body.message).toMatch(/only from evidence/);
    const contained = await op.post(`/api/v1/tenants/acme/cases/${c.id}/transition`, {
      to: 'contained',
      reason: 'host isolated by EDR',
    });
    expect(contained.status).toBe(200);
    const got = await op.get<{ case: CaseRow; events: { to: string; actor: string; reason: string }[] }>(
      `/api/v1/tenants/acme/cases/${c.id}`,
    );
    expect(got.body.case.state).toBe('contained');
    expect(got.body.events.map((e) => e.to)).toEqual(['open', 'contained']);
    expect(got.body.events[1]).toMatchObject({ actor: 'user:op', reason: 'host isolated by EDR' });
  });

  it('a later bundle still at 18.12.416 keeps the case; one at 18.12.422 verifies it clean', async () => {
    const caseOf = async (t: string): Promise<CaseRow> =>
      (
        await op.get<{ items: CaseRow[] }>(
          `/api/v1/tenants/${t}/cases?host=win-finance-01&key=${encodeURIComponent(KEY)}`,
        )
      ).body.items[0]!;
    const still = await upload['acme']!.post(
      `/api/v1/tenants/acme/bundles`,
      financeBundle('18.12.416', '2023-04-02T09:00:00Z'),
    );
    expect(still.status).toBe(202);
    await op.settle('acme');
    expect((await caseOf('acme')).state).toBe('contained');

    const fixed = await upload['acme']!.post(
      `/api/v1/tenants/acme/bundles`,
      financeBundle('18.12.422', '2023-04-05T09:00:00Z'),
    );
    expect(fixed.status).toBe(202);
    await op.settle('acme');
    const c = await caseOf('acme');
    expect(c.state).toBe('verified_clean');
    const events = (
      await op.get<{
        events: {
          from: string;
          to: string;
          actor: string;
          reason: string;
          evidence: { bundleId?: string };
        }[];
      }>(`/api/v1/tenants/acme/cases/${c.id}`)
    ).body.events;
    const last = events.at(-1)!;
    expect(last).toMatchObject({ from: 'contained', to: 'verified_clean', actor: 'system' });
    expect(last.reason).toContain('18.12.422');
    expect(last.evidence.bundleId).toMatch(/^[0-9a-f]{64}$/);
    // The other tenant's identical host is untouched, and acme still has mac-design-02 open.
    expect((await caseOf('globex')).state).toBe('open');
    const summary = await op.get<{ clean: boolean; hosts: { affected: number } }>(
      `/api/v1/tenants/acme/summary`,
    );
    expect(summary.body).toMatchObject({ clean: false, hosts: { affected: 1 } });
    const impact = await op.get<{ burndown: { verified_clean: number }[] }>(
      `/api/v1/tenants/acme/impact?key=${encodeURIComponent(KEY)}`,
    );
    expect(impact.body.burndown.at(-1)?.verified_clean).toBe(1);
    // Across tenants: the operator sees the advisory once, with each tenant's progress.
    const overview = await op.get<{
      advisories: {
        key: string;
        tenantsAffected: number;
        hosts: Record<string, number>;
        tenants: { tenant: string; hosts: Record<string, number>; clean: boolean }[];
      }[];
    }>('/api/v1/overview');
    const across = overview.body.advisories.find((a) => a.key === KEY);
    expect(across).toMatchObject({ tenantsAffected: 2, hosts: { open: 3, verified_clean: 1 } });
    expect(
      across?.tenants.map((t) => [t.tenant, t.hosts['open'], t.hosts['verified_clean'], t.clean]),
    ).toEqual([
      ['acme', 1, 1, false],
      ['globex', 2, 0, false],
    ]);
    // An upload token (a collector's) reads nothing, not even its own tenant's overview.
    const mine = await upload['acme']!.get<{ items: unknown[]; advisories: unknown[] }>('/api/v1/overview');
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual({ items: [], advisories: [] });
    expect((await upload['acme']!.get('/api/v1/tenants')).body).toEqual({ items: [] });
  });

  it('searches the stored evidence across tenants: which hosts had or have the app, per tenant', async () => {
    type Hits = {
      tenants: number;
      hits: { tenant: string; host: string; latest: boolean }[];
      truncated: boolean;
    };
    const r = await op.get<Hits>('/api/v1/search?app=3cx%20desktop&version=18.12.416');
    expect(r.status).toBe(200);
    expect(r.body.tenants).toBe(2);
    const seen = [
      ...new Set(r.body.hits.map((h) => `${h.tenant}/${h.host}/${h.latest ? 'now' : 'before'}`)),
    ].sort();
    // acme's win-finance-01 was updated to 18.12.422 by a later bundle: past hits (the demo bundle and
    // the one still at 18.12.416), not a current one.
    expect(seen).toEqual(['acme/win-finance-01/before', 'globex/win-finance-01/now']);
    const narrowed = await op.get<Hits>('/api/v1/search?app=3cx%20desktop&tenant=globex');
    expect(new Set(narrowed.body.hits.map((h) => h.tenant))).toEqual(new Set(['globex']));
    const bad = await op.get<{ message: string }>('/api/v1/search?app=x&domain=y');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/exactly one of/);
    expect((await op.get('/api/v1/search')).status).toBe(400);
    // A collector's upload token searches nothing.
    const mine = await upload['acme']!.get<Hits>('/api/v1/search?app=3cx');
    expect(mine.body).toMatchObject({ tenants: 0, hits: [] });
  });

  it('writes every change to the audit log', async () => {
    const a = await op.get<{ items: { action: string; actor: string }[] }>(
      `/api/v1/tenants/acme/audit?limit=1000`,
    );
    const actions = new Set(a.body.items.map((e) => e.action));
    for (const x of ['tenant.create', 'bundle.upload', 'case.transition']) expect(actions).toContain(x);
    // The global import is in the operators' log, with who did it.
    const all = await op.get<{ items: { action: string; actor: string }[] }>(`/api/v1/audit?limit=1000`);
    expect(all.body.items).toContainEqual(
      expect.objectContaining({ action: 'intel.import', actor: 'user:op' }),
    );
  });

  it('publishes an OpenAPI document generated from the routes', async () => {
    const r = await op.get<{ openapi: string; paths: Record<string, unknown> }>('/api/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    for (const p of [
      '/api/v1/health',
      '/api/v1/tenants/{tenant}/bundles',
      '/api/v1/tenants/{tenant}/findings',
      '/api/v1/tenants/{tenant}/cases',
    ])
      expect(Object.keys(r.body.paths)).toContain(p);
  });
});
