/**
 * The state store's contract, run unchanged against both engines: embedded DuckDB (a file in a
 * temp folder) and a real PostgreSQL server (scripts/postgres-test.sh via test/pg.ts, a fresh
 * database per test). Whatever one engine does, the other must do the same.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { freshDatabase, pgSkipReason } from '../../../test/pg.js';
import { STATE_MIGRATIONS } from './migrations.js';
import { StateStore } from './store.js';
import type { Case, HostBundle, StoredFinding, Upload } from './types.js';

/** An ISO time `s` seconds after a fixed origin. */
const t = (s: number): string => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();

interface Engine {
  name: 'duckdb' | 'postgres';
  skip: string | null;
  /** Where a store lives: a data folder, or a database URL. */
  place(): Promise<{ dataDir: string; databaseUrl?: string }>;
}

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'chainhunt-state-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const engines: Engine[] = [
  { name: 'duckdb', skip: null, place: () => Promise.resolve({ dataDir: tmp() }) },
  {
    name: 'postgres',
    skip: pgSkipReason(),
    place: async () => ({ dataDir: tmp(), databaseUrl: await freshDatabase() }),
  },
];

const bundle = (
  host: string,
  bundleId: string,
  collectedAt: string,
  extra: Partial<HostBundle & { hostname: string | null; os: string | null }> = {},
): HostBundle & { hostname: string | null; os: string | null } => ({
  tenant: 'acme',
  host,
  bundleId,
  ingestId: `ing-${bundleId}`,
  collectedAt,
  ingestedAt: t(1000),
  kinds: { apps: 3 },
  uploadId: null,
  hostname: `${host}.corp`,
  os: 'windows',
  ...extra,
});

const finding = (
  id: string,
  host: string,
  severity: string,
  extra: Partial<StoredFinding> = {},
): Omit<StoredFinding, 'tenant'> => ({
  id,
  host,
  kind: 'app',
  severity,
  title: `Finding ${id}`,
  caseKey: `key-${id}`,
  firstSeen: t(10),
  lastSeen: t(10),
  finding: { id, nested: { n: 1 } },
  ...extra,
});

const aCase = (id: string, extra: Partial<Case> = {}): Case => ({
  id,
  tenant: 'acme',
  host: 'h1',
  key: `key-${id}`,
  title: `Case ${id}`,
  severity: 'high',
  kind: 'app',
  state: 'open',
  openedAt: t(0),
  updatedAt: t(0),
  containedAt: null,
  remediatedAt: null,
  verifiedAt: null,
  lastEvidenceAt: t(0),
  lastBundleId: 'b1',
  detail: { why: ['x'] },
  ...extra,
});

const upload = (id: string, tenant: string, sha256: string, uploadedAt: string): Upload => ({
  id,
  tenant,
  sha256,
  size: 123_456_789_012,
  filename: `${id}.zip`,
  path: `/data/uploads/${id}`,
  uploadedAt,
  uploadedBy: 'alice',
  jobId: `job-${id}`,
});

for (const engine of engines) {
  const title = engine.skip ? `${engine.name} (skipped: ${engine.skip})` : engine.name;
  describe.skipIf(engine.skip !== null)(`StateStore contract on ${title}`, () => {
    let place: { dataDir: string; databaseUrl?: string };
    let store: StateStore;
    const opened: StateStore[] = [];
    const open = async (): Promise<StateStore> => {
      const s = await StateStore.open(place);
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      place = await engine.place();
      store = await open();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('opens on the expected engine', () => {
      expect(store.engine).toBe(engine.name);
    });

    it('migrates once: reopening keeps the data and the schema version', async () => {
      await store.createTenant({ id: 'acme', name: 'Acme', createdAt: t(0) });
      await store.close();
      store = await open();
      await store.close();
      store = await open();
      expect(await store.tenants()).toEqual([{ id: 'acme', name: 'Acme', createdAt: t(0) }]);
      const v = await store.db.query(`SELECT version FROM schema_version`);
      expect(v).toEqual([{ version: STATE_MIGRATIONS.length }]);
    });

    it('upgrades a store made at schema 1 (before the indexes and the outbox) and keeps its data', async () => {
      await store.createJob({ id: 'j1', tenant: 'acme', type: 'ingest', payload: {}, at: t(0) });
      // Undo every migration after schema 1 (they only create indexes and tables).
      const later = STATE_MIGRATIONS.slice(1).flat();
      const undo = later.map((sql) => {
        const m = /^CREATE (INDEX|TABLE) (\w+)/.exec(sql);
        if (!m) throw new Error(`no undo for: ${sql}`);
        return `DROP ${m[1] ?? ''} ${m[2] ?? ''}`;
      });
      expect(undo).toContain('DROP INDEX jobs_state_created');
      expect(undo).toContain('DROP TABLE webhook_outbox');
      for (const sql of undo.reverse()) await store.db.exec(sql);
      await store.db.exec(`UPDATE schema_version SET version = 1`);
      await store.close();
      store = await open();
      expect(await store.db.query(`SELECT version FROM schema_version`)).toEqual([
        { version: STATE_MIGRATIONS.length },
      ]);
      expect((await store.claimJob(t(1)))?.id).toBe('j1');
      // The indexes and tables exist again: using them works (and would fail if they did not).
      expect(await store.outbox()).toEqual([]);
      await store.db.exec(`DROP INDEX jobs_state_created`);
    });

    it('refuses a schema newer than this build', async () => {
      await store.db.exec(`UPDATE schema_version SET version = $1`, [STATE_MIGRATIONS.length + 1]);
      await store.close();
      await expect(open()).rejects.toThrow(/newer than this chainhunt/);
    });

    it('tenants: create, list in id order, look up, reject a duplicate id', async () => {
      await store.createTenant({ id: 'zeta', name: 'Zeta', createdAt: t(1) });
      await store.createTenant({ id: 'acme', name: 'Acme', createdAt: t(2) });
      expect((await store.tenants()).map((x) => x.id)).toEqual(['acme', 'zeta']);
      expect(await store.tenant('zeta')).toEqual({ id: 'zeta', name: 'Zeta', createdAt: t(1) });
      expect(await store.tenant('nope')).toBeNull();
      await expect(store.createTenant({ id: 'acme', name: 'again', createdAt: t(3) })).rejects.toThrow();
      expect(await store.tenant('acme')).toMatchObject({ name: 'Acme' });
    });

    it('tenants: a tenant once found is answered from memory; a miss is asked again', async () => {
      const query = vi.spyOn(store.db, 'query');
      expect(await store.tenant('acme')).toBeNull();
      expect(await store.tenant('acme')).toBeNull();
      expect(query).toHaveBeenCalledTimes(2);
      await store.createTenant({ id: 'acme', name: 'Acme', createdAt: t(0) });
      const first = await store.tenant('acme');
      expect(first).toEqual({ id: 'acme', name: 'Acme', createdAt: t(0) });
      expect(query).toHaveBeenCalledTimes(3);
      // Callers get their own copy.
      if (first) first.name = 'changed';
      expect(await store.tenant('acme')).toEqual({ id: 'acme', name: 'Acme', createdAt: t(0) });
      expect(query).toHaveBeenCalledTimes(3);
      query.mockRestore();
    });

    it('users and roles', async () => {
      await store.createUser({
        id: 'u1',
        username: 'root',
        passwordHash: 'h1',
        operator: true,
        createdAt: t(0),
      });
      await store.createUser({
        id: 'u2',
        username: 'bob',
        passwordHash: 'h2',
        operator: false,
        createdAt: t(1),
      });
      await expect(
        store.createUser({ id: 'u3', username: 'bob', passwordHash: 'h3', operator: false, createdAt: t(2) }),
      ).rejects.toThrow();

      const root = await store.userByName('root');
      expect(root).toEqual({
        passwordHash: 'h1',
        user: { id: 'u1', username: 'root', operator: true, disabled: false, createdAt: t(0), roles: {} },
      });
      expect((await store.user('u2'))?.operator).toBe(false);
      expect(await store.user('nope')).toBeNull();
      expect(await store.userByName('nope')).toBeNull();

      await store.setRole('u2', 'acme', 'viewer');
      await store.setRole('u2', 'zeta', 'analyst');
      await store.setRole('u2', 'acme', 'admin'); // replaces, does not add
      expect((await store.user('u2'))?.roles).toEqual({ acme: 'admin', zeta: 'analyst' });
      expect((await store.users('acme')).map((u) => u.username)).toEqual(['bob']);
      expect((await store.users(null)).map((u) => u.username)).toEqual(['bob', 'root']);
      await store.setRole('u2', 'acme', null);
      expect((await store.user('u2'))?.roles).toEqual({ zeta: 'analyst' });
      expect(await store.users('acme')).toEqual([]);

      await store.setPassword('u2', 'h2-new');
      expect((await store.userByName('bob'))?.passwordHash).toBe('h2-new');
    });

    it('tokens: by hash, per tenant, revoked once, expiry kept', async () => {
      const base = { purpose: 'upload' as const, createdBy: 'alice', revokedAt: null };
      await store.createToken({
        ...base,
        id: 't1',
        tokenHash: 'hash1',
        tenant: 'acme',
        name: 'fleet',
        createdAt: t(1),
        expiresAt: t(9999),
      });
      await store.createToken({
        ...base,
        id: 't2',
        tokenHash: 'hash2',
        tenant: null,
        purpose: 'worker',
        name: 'w',
        createdAt: t(2),
        expiresAt: null,
      });
      await store.createToken({
        ...base,
        id: 't3',
        tokenHash: 'hash3',
        tenant: 'zeta',
        name: 'z',
        createdAt: t(3),
        expiresAt: null,
      });
      await expect(
        store.createToken({
          ...base,
          id: 't4',
          tokenHash: 'hash1',
          tenant: 'acme',
          name: 'dup',
          createdAt: t(4),
          expiresAt: null,
        }),
      ).rejects.toThrow();

      expect(await store.tokenByHash('hash1')).toEqual({
        id: 't1',
        tenant: 'acme',
        purpose: 'upload',
        name: 'fleet',
        createdBy: 'alice',
        createdAt: t(1),
        expiresAt: t(9999),
        revokedAt: null,
      });
      expect(await store.tokenByHash('hash2')).toMatchObject({
        tenant: null,
        purpose: 'worker',
        expiresAt: null,
      });
      expect(await store.tokenByHash('nope')).toBeNull();
      expect((await store.tokens('acme')).map((x) => x.id)).toEqual(['t1']);
      expect((await store.tokens(null)).map((x) => x.id)).toEqual(['t1', 't2', 't3']);

      expect(await store.revokeToken('t1', t(50))).toBe(true);
      expect(await store.revokeToken('t1', t(60))).toBe(false);
      expect(await store.revokeToken('nope', t(60))).toBe(false);
      expect((await store.tokenByHash('hash1'))?.revokedAt).toBe(t(50));
    });

    it('sessions: create, read, delete', async () => {
      await store.createSession({
        idHash: 's1',
        userId: 'u1',
        csrf: 'c1',
        createdAt: t(0),
        expiresAt: t(3600),
        ip: null,
      });
      await store.createSession({
        idHash: 's2',
        userId: 'u2',
        csrf: 'c2',
        createdAt: t(0),
        expiresAt: t(60),
        ip: '10.0.0.1',
      });
      expect(await store.session('s1')).toEqual({ userId: 'u1', csrf: 'c1', expiresAt: t(3600) });
      await store.deleteSession('s1');
      expect(await store.session('s1')).toBeNull();
      expect(await store.session('s2')).toEqual({ userId: 'u2', csrf: 'c2', expiresAt: t(60) });
    });

    it('audit: newest first, tenant filter, pages, total, detail kept', async () => {
      const tenants = ['acme', 'zeta', 'acme', null, 'acme'];
      for (const [i, tenant] of tenants.entries())
        await store.audit({
          at: t(i),
          actor: `actor${i}`,
          tenant,
          action: 'x.do',
          target: i % 2 ? `target${i}` : null,
          ip: i === 0 ? '::1' : null,
          detail: i === 4 ? undefined : { i, list: [i, 'a'] },
        });
      const all = await store.auditLog(null, 100, 0);
      expect(all.total).toBe(5);
      expect(all.items.map((e) => e.actor)).toEqual(['actor4', 'actor3', 'actor2', 'actor1', 'actor0']);
      const ids = all.items.map((e) => e.id);
      expect(ids.every((id) => typeof id === 'number')).toBe(true);
      expect([...ids].sort((a, b) => b - a)).toEqual(ids);
      expect(new Set(ids).size).toBe(5);
      expect(all.items[4]).toEqual({
        id: ids[4],
        at: t(0),
        actor: 'actor0',
        tenant: 'acme',
        action: 'x.do',
        target: null,
        ip: '::1',
        detail: { i: 0, list: [0, 'a'] },
      });
      expect(all.items[0]?.detail).toBeNull();
      expect(all.items[1]?.tenant).toBeNull();

      const acme = await store.auditLog('acme', 100, 0);
      expect(acme.total).toBe(3);
      expect(acme.items.map((e) => e.actor)).toEqual(['actor4', 'actor2', 'actor0']);
      const page = await store.auditLog('acme', 1, 1);
      expect(page.total).toBe(3);
      expect(page.items.map((e) => e.actor)).toEqual(['actor2']);
      expect((await store.auditLog('nobody', 10, 0)).total).toBe(0);
    });

    it('uploads: unique per (tenant, sha256), looked up by sha and id, listed newest first', async () => {
      await store.createUpload(upload('up1', 'acme', 'aa', t(1)));
      await store.createUpload(upload('up2', 'acme', 'bb', t(2)));
      await store.createUpload(upload('up3', 'zeta', 'aa', t(3))); // same sha, other tenant: fine
      await expect(store.createUpload(upload('up4', 'acme', 'aa', t(4)))).rejects.toThrow();

      expect(await store.uploadBySha('acme', 'aa')).toEqual(upload('up1', 'acme', 'aa', t(1)));
      expect((await store.uploadBySha('zeta', 'aa'))?.id).toBe('up3');
      expect(await store.uploadBySha('zeta', 'bb')).toBeNull();
      expect((await store.upload('up2'))?.size).toBe(123_456_789_012);
      expect(await store.upload('nope')).toBeNull();
      expect((await store.uploads('acme', 10, 0)).map((u) => u.id)).toEqual(['up2', 'up1']);
      expect((await store.uploads('acme', 1, 1)).map((u) => u.id)).toEqual(['up1']);
    });

    it('jobs: create, list, claim the oldest, progress, finish, requeue after a crash', async () => {
      await store.createJob({
        id: 'j2',
        tenant: 'acme',
        type: 'ingest',
        payload: { uploadId: 'up2' },
        at: t(2),
      });
      await store.createJob({ id: 'j1', tenant: 'acme', type: 'hunt', payload: { all: true }, at: t(1) });
      await store.createJob({ id: 'j3', tenant: 'zeta', type: 'ingest', payload: {}, at: t(3) });

      expect(await store.job('j2')).toEqual({
        id: 'j2',
        tenant: 'acme',
        type: 'ingest',
        state: 'queued',
        payload: { uploadId: 'up2' },
        progress: null,
        result: null,
        error: null,
        attempts: 0,
        createdAt: t(2),
        startedAt: null,
        finishedAt: null,
        updatedAt: t(2),
      });
      expect(await store.job('nope')).toBeNull();
      const acme = await store.jobs('acme', 10, 0);
      expect(acme.total).toBe(2);
      expect(acme.items.map((j) => j.id)).toEqual(['j2', 'j1']);
      expect((await store.jobs(null, 1, 0)).total).toBe(3);
      expect((await store.jobs(null, 1, 0)).items.map((j) => j.id)).toEqual(['j3']);

      // The oldest queued job of the wanted types.
      const first = await store.claimJob(t(10), ['ingest']);
      expect(first).toMatchObject({
        id: 'j2',
        state: 'running',
        attempts: 1,
        startedAt: t(10),
        updatedAt: t(10),
      });
      const second = await store.claimJob(t(11));
      expect(second?.id).toBe('j1');
      expect((await store.jobs(null, 10, 0, 'running')).items.map((j) => j.id).sort()).toEqual(['j1', 'j2']);
      expect((await store.jobs(null, 10, 0, 'queued')).total).toBe(1);

      await store.jobProgress('j2', { done: 1, total: 4, message: 'reading' }, t(12));
      expect(await store.job('j2')).toMatchObject({
        progress: { done: 1, total: 4, message: 'reading' },
        updatedAt: t(12),
      });

      // A crash: running jobs go back to the queue, and are claimed again (attempts counted).
      expect((await store.requeueRunning(t(20))).sort()).toEqual(['j1', 'j2']);
      expect(await store.job('j1')).toMatchObject({ state: 'queued', updatedAt: t(20), attempts: 1 });
      expect(await store.requeueRunning(t(21))).toEqual([]);
      const again = await store.claimJob(t(22), ['hunt']);
      expect(again).toMatchObject({ id: 'j1', attempts: 2, startedAt: t(22) });

      await store.finishJob('j1', { state: 'done', result: { findings: 7 } }, t(30));
      expect(await store.job('j1')).toMatchObject({
        state: 'done',
        result: { findings: 7 },
        error: null,
        finishedAt: t(30),
        updatedAt: t(30),
      });
      await store.finishJob('j3', { state: 'failed', error: 'bad bundle' }, t(31));
      expect(await store.job('j3')).toMatchObject({ state: 'failed', result: null, error: 'bad bundle' });

      // startJob: a specific queued job (queue-driven workers); not a finished one.
      expect(await store.startJob('j2', t(40))).toMatchObject({ id: 'j2', state: 'running', attempts: 2 });
      expect(await store.startJob('j1', t(41))).toBeNull();
      expect(await store.claimJob(t(42))).toBeNull();
    });

    it('jobs: 20 concurrent claims over 10 jobs hand out each job exactly once', async () => {
      for (let i = 0; i < 10; i++)
        await store.createJob({ id: `j${i}`, tenant: 'acme', type: 'ingest', payload: { i }, at: t(i) });
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claimJob(t(100 + i))));
      const got = claims.filter((c) => c !== null).map((c) => c.id);
      expect(got).toHaveLength(10);
      expect(new Set(got).size).toBe(10);
      const jobs = await store.jobs('acme', 100, 0);
      expect(jobs.items.every((j) => j.state === 'running' && j.attempts === 1)).toBe(true);
    });

    it('hosts: latest moves only to a later bundle; a bundle is recorded once', async () => {
      const rec = (b: ReturnType<typeof bundle>): Promise<boolean> =>
        store.tx((q) => store.recordBundle(b, q));
      expect(await rec(bundle('h1', 'b2', t(200), { kinds: { apps: 2 } }))).toBe(true);
      expect(await store.host('acme', 'h1')).toEqual({
        tenant: 'acme',
        host: 'h1',
        hostname: 'h1.corp',
        os: 'windows',
        lastBundleId: 'b2',
        lastIngestId: 'ing-b2',
        lastCollectedAt: t(200),
        lastKinds: { apps: 2 },
        bundles: 1,
      });
      // Older evidence arriving late: counted, but the latest stays.
      expect(await rec(bundle('h1', 'b1', t(100), { hostname: 'old' }))).toBe(true);
      expect(await store.host('acme', 'h1')).toMatchObject({
        lastBundleId: 'b2',
        hostname: 'h1.corp',
        bundles: 2,
      });
      // Later evidence: the latest moves.
      expect(await rec(bundle('h1', 'b3', t(300), { os: 'macos', uploadId: 'up1' }))).toBe(true);
      expect(await store.host('acme', 'h1')).toMatchObject({ lastBundleId: 'b3', os: 'macos', bundles: 3 });
      // The same bundle again: no change.
      expect(await rec(bundle('h1', 'b3', t(400)))).toBe(false);
      expect(await store.host('acme', 'h1')).toMatchObject({
        lastBundleId: 'b3',
        lastCollectedAt: t(300),
        bundles: 3,
      });

      await rec(bundle('h0', 'c1', t(50)));
      await rec({ ...bundle('h1', 'z1', t(50)), tenant: 'zeta' });
      expect((await store.hosts('acme')).map((h) => h.host)).toEqual(['h0', 'h1']);
      expect((await store.hosts('zeta')).map((h) => h.bundles)).toEqual([1]);
      expect(await store.host('acme', 'nope')).toBeNull();
      const bundles = await store.hostBundles('acme', 'h1');
      expect(bundles.map((b) => b.bundleId)).toEqual(['b1', 'b2', 'b3']);
      expect(bundles[2]).toEqual({
        tenant: 'acme',
        host: 'h1',
        bundleId: 'b3',
        ingestId: 'ing-b3',
        collectedAt: t(300),
        ingestedAt: t(1000),
        kinds: { apps: 3 },
        uploadId: 'up1',
      });
    });

    it('hosts: concurrent ingests of one host lose no bundle', async () => {
      const times = [5, 1, 9, 3, 7, 2, 8, 4, 6, 0];
      const results = await Promise.all(
        times.map((s, i) => store.tx((q) => store.recordBundle(bundle('h1', `b${i}`, t(s)), q))),
      );
      expect(results.every(Boolean)).toBe(true);
      expect(await store.host('acme', 'h1')).toMatchObject({
        bundles: 10,
        lastBundleId: 'b2',
        lastCollectedAt: t(9),
      });
      expect(await store.hostBundles('acme', 'h1')).toHaveLength(10);
    });

    it('findings: concurrent upserts of the same findings report each as new exactly once', async () => {
      const list = ['f1', 'f2', 'f3'].map((id) => finding(id, 'h1', 'high'));
      const fresh = await Promise.all(
        Array.from({ length: 5 }, () => store.tx((q) => store.upsertFindings('acme', list, q))),
      );
      expect(fresh.flatMap((f) => [...f]).sort()).toEqual(['f1', 'f2', 'f3']);
      expect((await store.findings({ tenant: 'acme', limit: 10, offset: 0 })).total).toBe(3);
    });

    it('text: NUL and unpaired surrogates are stored as U+FFFD; other text round-trips', async () => {
      const odd = 'tab\there \u{1F600} \u00e9\u0301 \'quote\' "dq" \\ back\nline';
      await store.tx((q) =>
        store.upsertFindings(
          'acme',
          [
            finding('nul', 'host\0evil', 'high', { title: 'a\0b', finding: { raw: 'x\0y' } }),
            finding('sur', 'h2', 'high', { title: 'lone \uD800 surrogate' }),
            finding('odd', 'h3', 'high', { title: odd }),
          ],
          q,
        ),
      );
      const items = (await store.findings({ tenant: 'acme', limit: 10, offset: 0 })).items;
      const byId = new Map(items.map((f) => [f.id, f]));
      expect(byId.get('nul')).toMatchObject({
        host: 'host\uFFFDevil',
        title: 'a\uFFFDb',
        finding: { raw: 'x\0y' },
      });
      expect(byId.get('sur')?.title).toBe('lone \uFFFD surrogate');
      expect(byId.get('odd')?.title).toBe(odd);
      // Looking up with the same text finds it on both engines.
      expect((await store.findings({ tenant: 'acme', host: 'host\0evil', limit: 10, offset: 0 })).total).toBe(
        1,
      );
      await store.createTenant({ id: 'a\0', name: '', createdAt: t(0) });
      expect(await store.tenant('a\0')).toEqual({ id: 'a\uFFFD', name: '', createdAt: t(0) });
    });

    it('findings: upsert returns only new ids and keeps first_seen', async () => {
      const first = await store.tx((q) =>
        store.upsertFindings('acme', [finding('f1', 'h1', 'high'), finding('f2', 'h1', 'low')], q),
      );
      expect([...first].sort()).toEqual(['f1', 'f2']);
      const second = await store.tx((q) =>
        store.upsertFindings(
          'acme',
          [
            finding('f2', 'h1', 'low', { firstSeen: t(99), lastSeen: t(99), finding: { v: 2 } }),
            finding('f3', 'h2', 'critical'),
          ],
          q,
        ),
      );
      expect([...second]).toEqual(['f3']);
      // Same id in another tenant is another finding.
      const other = await store.tx((q) => store.upsertFindings('zeta', [finding('f1', 'h1', 'high')], q));
      expect([...other]).toEqual(['f1']);
      const f2 = (await store.findings({ tenant: 'acme', caseKey: 'key-f2', limit: 10, offset: 0 })).items;
      expect(f2).toEqual([
        {
          tenant: 'acme',
          id: 'f2',
          host: 'h1',
          kind: 'app',
          severity: 'low',
          title: 'Finding f2',
          caseKey: 'key-f2',
          firstSeen: t(10),
          lastSeen: t(99),
          finding: { v: 2 },
        },
      ]);
    });

    it('findings: filters, severity order, pages and total', async () => {
      await store.tx((q) =>
        store.upsertFindings(
          'acme',
          [
            finding('a', 'web-01', 'low', { title: '3CX DesktopApp trojanized', kind: 'app' }),
            finding('b', 'web-02', 'critical', { title: 'ffmpeg.dll', kind: 'file', firstSeen: t(50) }),
            finding('c', 'db-01', 'critical', { title: 'Beacon to C2', kind: 'network' }),
            finding('d', 'web-01', 'medium', {
              title: 'npm package',
              caseKey: '3cx-UPDATE',
              kind: 'package',
            }),
            finding('e', 'db-01', 'high', { title: 'Other', firstSeen: t(60) }),
            finding('f', 'WEB-3CX', 'info', { title: 'Info' }),
            finding('g', 'münchen-01', 'other', { title: 'Überwachung_Dienst' }),
          ],
          q,
        ),
      );
      await store.tx((q) => store.upsertFindings('zeta', [finding('z', 'web-01', 'critical')], q));
      const ids = async (f: Partial<Parameters<StateStore['findings']>[0]>): Promise<[number, string[]]> => {
        const r = await store.findings({ tenant: 'acme', limit: 100, offset: 0, ...f });
        return [r.total, r.items.map((x) => x.id)];
      };
      // critical < high < medium < low < anything else; then host, id.
      expect(await ids({})).toEqual([7, ['c', 'b', 'e', 'd', 'a', 'f', 'g']]);
      expect(await ids({ severity: 'critical' })).toEqual([2, ['c', 'b']]);
      expect(await ids({ host: 'web-01' })).toEqual([2, ['d', 'a']]);
      expect(await ids({ kind: 'file' })).toEqual([1, ['b']]);
      expect(await ids({ caseKey: '3cx-UPDATE' })).toEqual([1, ['d']]);
      expect(await ids({ since: t(50) })).toEqual([2, ['b', 'e']]);
      // q: case-insensitive substring of title, host or case key.
      expect(await ids({ q: '3cx' })).toEqual([3, ['d', 'a', 'f']]);
      expect(await ids({ q: 'DB-0' })).toEqual([2, ['c', 'e']]);
      // Not a LIKE pattern: % and _ are themselves; non-ASCII letters fold too.
      expect(await ids({ q: '%' })).toEqual([0, []]);
      expect(await ids({ q: 'ber_a' })).toEqual([0, []]);
      expect(await ids({ q: 'G_DIENST' })).toEqual([1, ['g']]);
      expect(await ids({ q: 'üBER' })).toEqual([1, ['g']]);
      expect(await ids({ q: 'MÜNCHEN' })).toEqual([1, ['g']]);
      expect(await ids({ q: 'web', severity: 'critical' })).toEqual([1, ['b']]);
      expect(await ids({ limit: 2, offset: 1 })).toEqual([7, ['b', 'e']]);
      expect(await ids({ limit: 10, offset: 7 })).toEqual([7, []]);
      expect(await ids({ tenant: 'zeta' })).toEqual([1, ['z']]);
      expect(await ids({ tenant: 'nobody' })).toEqual([0, []]);
    });

    it('cases: insert, update, per host, filters, events', async () => {
      await store.tx(async (q) => {
        await store.insertCase(aCase('c1', { severity: 'medium', title: '3CX update' }), q);
        await store.insertCase(aCase('c2', { host: 'h2', severity: 'critical', state: 'contained' }), q);
        await store.insertCase(aCase('c3', { key: 'zz', severity: 'critical' }), q);
        await store.insertCase(aCase('c4', { tenant: 'zeta' }), q);
      });
      // One case per (tenant, host, key).
      await expect(store.tx((q) => store.insertCase(aCase('c5', { key: 'key-c1' }), q))).rejects.toThrow();

      expect(await store.case('acme', 'c1')).toEqual(
        aCase('c1', { severity: 'medium', title: '3CX update' }),
      );
      expect(await store.case('zeta', 'c1')).toBeNull();
      expect((await store.casesOfHost('acme', 'h1')).map((c) => c.id)).toEqual(['c1', 'c3']);

      const updated = aCase('c1', {
        severity: 'high',
        title: '3CX update (signed)',
        state: 'remediated',
        updatedAt: t(5),
        containedAt: t(3),
        remediatedAt: t(5),
        lastEvidenceAt: t(5),
        lastBundleId: 'b9',
        detail: { why: ['y'] },
      });
      await store.tx((q) => store.updateCase(updated, q));
      expect(await store.case('acme', 'c1')).toEqual(updated);

      const ids = async (f: Partial<Parameters<StateStore['cases']>[0]>): Promise<[number, string[]]> => {
        const r = await store.cases({ tenant: 'acme', limit: 100, offset: 0, ...f });
        return [r.total, r.items.map((x) => x.id)];
      };
      expect(await ids({})).toEqual([3, ['c3', 'c2', 'c1']]);
      expect(await ids({ state: 'contained' })).toEqual([1, ['c2']]);
      expect(await ids({ host: 'h1' })).toEqual([2, ['c3', 'c1']]);
      expect(await ids({ key: 'zz' })).toEqual([1, ['c3']]);
      expect(await ids({ q: '3cX' })).toEqual([1, ['c1']]);
      expect(await ids({ q: 'H2' })).toEqual([1, ['c2']]);
      expect(await ids({ q: '_' })).toEqual([0, []]);
      expect(await ids({ limit: 1, offset: 1 })).toEqual([3, ['c2']]);
      // A page past the end still tells the total; a filter matching nothing says 0.
      expect(await ids({ limit: 5, offset: 3 })).toEqual([3, []]);
      expect(await ids({ state: 'remediated', offset: 2 })).toEqual([1, []]);
      expect(await ids({ key: 'nope', offset: 2 })).toEqual([0, []]);
      expect((await store.jobs(null, 1, 5)).total).toBe(0);
      expect((await store.allCases('acme')).map((c) => c.id)).toEqual(['c1', 'c3', 'c2']);
      expect((await store.allCases(null)).map((c) => c.id)).toEqual(['c1', 'c3', 'c2', 'c4']);

      await store.tx(async (q) => {
        await store.addCaseEvent(
          {
            caseId: 'c1',
            tenant: 'acme',
            at: t(3),
            actor: 'alice',
            from: 'open',
            to: 'contained',
            reason: 'isolated',
            evidence: null,
          },
          q,
        );
        await store.addCaseEvent(
          {
            caseId: 'c2',
            tenant: 'acme',
            at: t(4),
            actor: 'system',
            from: null,
            to: 'open',
            reason: 'found',
            evidence: { bundle: 'b1' },
          },
          q,
        );
        await store.addCaseEvent(
          {
            caseId: 'c1',
            tenant: 'acme',
            at: t(5),
            actor: 'system',
            from: 'contained',
            to: 'remediated',
            reason: 'gone',
            evidence: ['b9'],
          },
          q,
        );
        await store.addCaseEvent(
          {
            caseId: 'c4',
            tenant: 'zeta',
            at: t(6),
            actor: 'system',
            from: null,
            to: 'open',
            reason: 'found',
            evidence: undefined,
          },
          q,
        );
      });
      const c1 = await store.caseEvents('acme', 'c1');
      expect(c1.map((e) => [e.from, e.to, e.evidence])).toEqual([
        ['open', 'contained', null],
        ['contained', 'remediated', ['b9']],
      ]);
      expect(c1[0]).toMatchObject({
        caseId: 'c1',
        tenant: 'acme',
        at: t(3),
        actor: 'alice',
        reason: 'isolated',
      });
      expect(typeof c1[0]?.id).toBe('number');
      expect((c1[1]?.id ?? 0) > (c1[0]?.id ?? 0)).toBe(true);
      expect((await store.caseEvents('acme')).map((e) => e.caseId)).toEqual(['c1', 'c2', 'c1']);
      expect(await store.caseEvents('zeta')).toMatchObject([{ caseId: 'c4', evidence: null }]);
    });

    it('intel sources: a tenant sees its own and the global ones', async () => {
      const src = (id: string, tenant: string | null, at: number, counts: Record<string, number> | null) => ({
        id,
        tenant,
        name: `pack ${id}`,
        sha256: `sha-${id}`,
        size: 2 ** 40,
        path: `/intel/${id}`,
        importedAt: t(at),
        importedBy: 'alice',
        counts,
      });
      await store.addIntelSource(src('g1', null, 1, { indicators: 12 }));
      await store.addIntelSource(src('a1', 'acme', 2, null));
      await store.addIntelSource(src('z1', 'zeta', 3, { apps: 1 }));
      await store.addIntelSource(src('g2', null, 4, null));
      expect(await store.intelSources('acme')).toEqual([
        src('g1', null, 1, { indicators: 12 }),
        src('a1', 'acme', 2, null),
        src('g2', null, 4, null),
      ]);
      expect((await store.intelSources(null)).map((s) => s.id)).toEqual(['g1', 'g2']);
      expect((await store.intelSources('zeta')).map((s) => s.id)).toEqual(['g1', 'z1', 'g2']);
    });

    it('feeds: save replaces, state updates, per tenant, delete', async () => {
      const feed = (id: string, tenant: string | null, config: Record<string, unknown>) => ({
        id,
        tenant,
        config,
        state: {},
        createdAt: t(0),
        createdBy: 'alice',
      });
      await store.saveFeed(feed('f1', null, { kind: 'osv' }));
      await store.saveFeed(feed('f2', 'acme', { kind: 'rss', url: 'https://x' }));
      await store.saveFeed(feed('f1', null, { kind: 'osv', every: 60 })); // replaced, not doubled
      expect(await store.feeds()).toEqual([
        feed('f1', null, { kind: 'osv', every: 60 }),
        feed('f2', 'acme', { kind: 'rss', url: 'https://x' }),
      ]);
      expect((await store.feeds(null)).map((f) => f.id)).toEqual(['f1']);
      expect((await store.feeds('acme')).map((f) => f.id)).toEqual(['f2']);
      expect(await store.feeds('zeta')).toEqual([]);
      await store.setFeedState('f2', { cursor: 'abc', seen: 3 });
      expect((await store.feeds('acme'))[0]?.state).toEqual({ cursor: 'abc', seen: 3 });
      await store.deleteFeed('f1');
      expect((await store.feeds()).map((f) => f.id)).toEqual(['f2']);
    });

    it('reviews: listed with the global ones, newest first, decided once', async () => {
      const review = (id: string, tenant: string | null, at: number) => ({
        id,
        tenant,
        source: 'rss:vendor',
        title: `Advisory ${id}`,
        link: id === 'r1' ? null : `https://example.org/${id}`,
        text: 'text',
        draft: { indicators: [id] },
        state: 'pending' as const,
        createdAt: t(at),
        decidedBy: null,
        decidedAt: null,
      });
      await store.addReview(review('r1', null, 1));
      await store.addReview(review('r2', 'acme', 2));
      await store.addReview(review('r3', 'zeta', 3));
      expect((await store.reviews('acme')).map((r) => r.id)).toEqual(['r2', 'r1']);
      expect((await store.reviews(null)).map((r) => r.id)).toEqual(['r1']);
      expect(await store.review('r1')).toEqual(review('r1', null, 1));
      expect(await store.review('nope')).toBeNull();

      expect(await store.decideReview('r2', 'published', 'alice', t(10))).toBe(true);
      expect(await store.decideReview('r2', 'dismissed', 'bob', t(11))).toBe(false);
      expect(await store.decideReview('nope', 'dismissed', 'bob', t(11))).toBe(false);
      expect(await store.review('r2')).toMatchObject({
        state: 'published',
        decidedBy: 'alice',
        decidedAt: t(10),
      });
      // Concurrent decisions: exactly one wins.
      const race = await Promise.all([
        store.tx((q) => store.decideReview('r3', 'published', 'a', t(20), q)),
        store.tx((q) => store.decideReview('r3', 'dismissed', 'b', t(21), q)),
        store.decideReview('r3', 'dismissed', 'c', t(22)),
      ]);
      expect(race.filter(Boolean)).toHaveLength(1);
    });

    it('webhooks: per tenant, deleted by their tenant only', async () => {
      const hook = (id: string, tenant: string, at: number) => ({
        id,
        tenant,
        url: `https://hooks.example/${id}`,
        secret: `s-${id}`,
        events: ['case.opened', 'case.state_changed'],
        createdAt: t(at),
        createdBy: 'alice',
      });
      await store.addWebhook(hook('w2', 'acme', 2));
      await store.addWebhook(hook('w1', 'acme', 1));
      await store.addWebhook(hook('w3', 'zeta', 3));
      expect(await store.webhooks('acme')).toEqual([hook('w1', 'acme', 1), hook('w2', 'acme', 2)]);
      expect(await store.deleteWebhook('zeta', 'w1')).toBe(false);
      expect(await store.deleteWebhook('acme', 'w1')).toBe(true);
      expect(await store.deleteWebhook('acme', 'w1')).toBe(false);
      expect((await store.webhooks('acme')).map((w) => w.id)).toEqual(['w2']);
      expect((await store.webhooks('zeta')).map((w) => w.id)).toEqual(['w3']);
    });

    it('webhook outbox: pending deliveries oldest first, attempts counted, cleared with their webhook', async () => {
      for (const [id, tenant] of [
        ['h1', 'acme'],
        ['h2', 'acme'],
        ['h3', 'zeta'],
      ] as const)
        await store.addWebhook({
          id,
          tenant,
          url: `https://hooks.example/${id}`,
          secret: 's',
          events: [],
          createdAt: t(0),
          createdBy: 'alice',
        });
      const row = (deliveryId: string, tenant: string, webhookId: string, at: number) => ({
        deliveryId,
        tenant,
        webhookId,
        event: {
          id: `evt_${deliveryId}`,
          type: 'case.state_changed',
          tenant,
          data: { to: 'open', note: 'ü "q"' },
        },
        attempts: 0,
        createdAt: t(at),
      });
      await store.outboxAdd(row('d2', 'acme', 'h1', 2));
      await store.outboxAdd(row('d1', 'acme', 'h2', 1));
      await store.outboxAdd(row('d3', 'zeta', 'h3', 3));
      await store.outboxAdd(row('d4', 'acme', 'h1', 4));
      await expect(store.outboxAdd(row('d4', 'acme', 'h1', 5))).rejects.toThrow();
      expect(await store.outbox()).toEqual([
        row('d1', 'acme', 'h2', 1),
        row('d2', 'acme', 'h1', 2),
        row('d3', 'zeta', 'h3', 3),
        row('d4', 'acme', 'h1', 4),
      ]);
      expect((await store.outbox(2)).map((d) => d.deliveryId)).toEqual(['d1', 'd2']);
      expect(await store.outbox(0)).toEqual([]);
      await store.outboxAttempted('d2', 3);
      await store.outboxAttempted('gone', 3);
      await store.outboxRemove('d3');
      await store.outboxRemove('d3');
      expect((await store.outbox()).map((d) => [d.deliveryId, d.attempts])).toEqual([
        ['d1', 0],
        ['d2', 3],
        ['d4', 0],
      ]);
      // Deleting h1 clears its deliveries only; another tenant cannot delete it.
      expect(await store.deleteWebhook('zeta', 'h1')).toBe(false);
      expect((await store.outbox()).map((d) => d.deliveryId)).toEqual(['d1', 'd2', 'd4']);
      expect(await store.deleteWebhook('acme', 'h1')).toBe(true);
      expect((await store.outbox()).map((d) => d.deliveryId)).toEqual(['d1']);

      // Status per webhook: pending from the outbox, the latest attempt from the audit log.
      const attempt = (
        target: string,
        tenant: string,
        action: string,
        at: number,
        httpStatus: number | null,
      ) =>
        store.audit({
          at: t(at),
          actor: 'system',
          tenant,
          action,
          target,
          ip: null,
          detail: {
            deliveryId: 'd',
            attempt: 1,
            httpStatus,
            error: httpStatus === 200 ? null : `HTTP ${httpStatus}`,
          },
        });
      await attempt('h2', 'acme', 'webhook.retrying', 10, 503);
      await attempt('h2', 'acme', 'webhook.delivered', 11, 200);
      await attempt('h3', 'zeta', 'webhook.failed', 12, 400);
      await attempt('h2', 'acme', 'webhook.create', 13, null);
      const st = await store.webhookStatus('acme');
      expect(st.get('h2')).toEqual({
        pending: 1,
        last: { status: 'delivered', at: t(11), httpStatus: 200, error: null },
      });
      expect(st.has('h3')).toBe(false);
      expect((await store.webhookStatus('zeta')).get('h3')).toEqual({
        pending: 0,
        last: { status: 'failed', at: t(12), httpStatus: 400, error: 'HTTP 400' },
      });
    });

    it('transactions: commit returns the value; a throw rolls back everything written in it', async () => {
      const value = await store.tx(async (q) => {
        await store.createTenant({ id: 'kept', name: 'Kept', createdAt: t(0) }, q);
        return 42;
      });
      expect(value).toBe(42);

      await expect(
        store.tx(async (q) => {
          await store.createTenant({ id: 'acme', name: 'Acme', createdAt: t(0) }, q);
          await store.createJob({ id: 'j1', tenant: 'acme', type: 'ingest', payload: {}, at: t(0) }, q);
          await store.audit(
            { at: t(0), actor: 'a', tenant: 'acme', action: 'x', target: null, ip: null, detail: null },
            q,
          );
          await store.recordBundle(bundle('h1', 'b1', t(1)), q);
          await store.upsertFindings('acme', [finding('f1', 'h1', 'high')], q);
          await store.insertCase(aCase('c1'), q);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      // A failing statement (duplicate key) rolls back the earlier ones too.
      await expect(
        store.tx(async (q) => {
          await store.createJob({ id: 'j2', tenant: 'kept', type: 'hunt', payload: {}, at: t(0) }, q);
          await store.createTenant({ id: 'kept', name: 'again', createdAt: t(0) }, q);
        }),
      ).rejects.toThrow();

      expect((await store.tenants()).map((x) => x.id)).toEqual(['kept']);
      expect(await store.job('j1')).toBeNull();
      expect(await store.job('j2')).toBeNull();
      expect((await store.auditLog(null, 10, 0)).total).toBe(0);
      expect(await store.hosts('acme')).toEqual([]);
      expect(await store.hostBundles('acme', 'h1')).toEqual([]);
      expect((await store.findings({ tenant: 'acme', limit: 10, offset: 0 })).total).toBe(0);
      expect(await store.allCases(null)).toEqual([]);
      // The store still works after a rollback.
      await store.createTenant({ id: 'after', name: 'After', createdAt: t(0) });
      expect((await store.tenants()).map((x) => x.id)).toEqual(['after', 'kept']);
    });

    it('transactions: rows written and rewritten several times in one transaction', async () => {
      await store.tx(async (q) => {
        // One ingest with several bundles of one host (the host row is updated twice).
        for (const [i, s] of [1, 3, 2].entries()) await store.recordBundle(bundle('h1', `b${i}`, t(s)), q);
        // A finding inserted then updated; a case inserted then updated.
        await store.upsertFindings(
          'acme',
          [finding('f1', 'h1', 'high'), finding('f1', 'h1', 'high', { lastSeen: t(5) })],
          q,
        );
        await store.insertCase(aCase('c1'), q);
        await store.updateCase(aCase('c1', { state: 'contained', updatedAt: t(1) }), q);
        await store.updateCase(aCase('c1', { state: 'remediated', updatedAt: t(2) }), q);
        // A job created, then its (indexed) state changed twice.
        await store.createJob({ id: 'j1', tenant: 'acme', type: 'ingest', payload: {}, at: t(0) }, q);
        await store.finishJob('j1', { state: 'failed', error: 'x' }, t(1), q);
        await store.finishJob('j1', { state: 'done', result: {} }, t(2), q);
      });
      for (const n of [1, 2, 3])
        await store.saveFeed({
          id: 'f',
          tenant: null,
          config: { n },
          state: {},
          createdAt: t(0),
          createdBy: 'a',
        });
      expect(await store.host('acme', 'h1')).toMatchObject({
        bundles: 3,
        lastBundleId: 'b1',
        lastCollectedAt: t(3),
      });
      const f = (await store.findings({ tenant: 'acme', limit: 10, offset: 0 })).items;
      expect(f.map((x) => [x.id, x.lastSeen])).toEqual([['f1', t(5)]]);
      expect((await store.case('acme', 'c1'))?.state).toBe('remediated');
      expect(await store.job('j1')).toMatchObject({ state: 'done', error: null, finishedAt: t(2) });
      expect((await store.jobs(null, 10, 0, 'done')).total).toBe(1);
      expect((await store.feeds()).map((x) => x.config)).toEqual([{ n: 3 }]);
    });

    it('transactions: a failed statement spoils the transaction even if the error is caught', async () => {
      await store.createTenant({ id: 'acme', name: 'Acme', createdAt: t(0) });
      await expect(
        store.tx(async (q) => {
          await store.createJob({ id: 'j1', tenant: 'acme', type: 'ingest', payload: {}, at: t(0) }, q);
          await store.createTenant({ id: 'acme', name: 'dup', createdAt: t(0) }, q).catch(() => undefined);
          await store.createJob({ id: 'j2', tenant: 'acme', type: 'ingest', payload: {}, at: t(0) }, q);
        }),
      ).rejects.toThrow();
      expect((await store.jobs(null, 10, 0)).total).toBe(0);
    });

    it('transactions: a read outside a transaction neither waits for one nor sees its rows', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const tx = store.tx(async (q) => {
        await store.createTenant({ id: 'acme', name: 'Acme', createdAt: t(0) }, q);
        entered();
        await gate;
      });
      await inside;
      // The transaction is open (and holds the writer): the read answers now, from committed rows.
      // (When reads shared the writer's lock, this read waited for the gate: the test timed out.)
      expect(await store.tenants()).toEqual([]);
      expect(await store.jobs(null, 10, 0)).toEqual({ total: 0, items: [] });
      release();
      await tx;
      expect((await store.tenants()).map((x) => x.id)).toEqual(['acme']);
    });

    it('transactions: reads interleaved with concurrent writes see every committed write', async () => {
      await store.createTenant({ id: 'acme', name: 'Acme', createdAt: t(0) });
      const seen: number[] = [];
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          await store.createJob({ id: `j${i}`, tenant: 'acme', type: 'ingest', payload: {}, at: t(i) });
          // Read after our own write committed: it is there.
          expect(await store.job(`j${i}`)).toMatchObject({ id: `j${i}`, state: 'queued' });
          seen.push((await store.jobs('acme', 100, 0)).total);
        }),
      );
      expect(seen.every((n) => n >= 1 && n <= 20)).toBe(true);
      expect((await store.jobs('acme', 100, 0)).total).toBe(20);
    });

    it('transactions: a query on the store itself from inside a transaction is an error, not a hang', async () => {
      await expect(store.tx(() => store.tenants())).rejects.toThrow(/inside a transaction/);
      await expect(store.tx(() => store.tx(() => Promise.resolve(1)))).rejects.toThrow(
        /inside a transaction/,
      );
      expect(await store.tenants()).toEqual([]);
    });
  });
}

describe.skipIf(pgSkipReason() !== null)(
  `StateStore on postgres only${pgSkipReason() ? ` (skipped: ${pgSkipReason()})` : ''}`,
  () => {
    it('several servers opening one fresh database together all migrate it once', async () => {
      const databaseUrl = await freshDatabase();
      const dataDir = tmp();
      const opened = await Promise.allSettled(
        Array.from({ length: 6 }, () => StateStore.open({ dataDir, databaseUrl })),
      );
      const stores = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      try {
        expect(opened.filter((r) => r.status === 'rejected')).toEqual([]);
        const v = await stores[0]!.db.query(`SELECT version FROM schema_version`);
        expect(v).toEqual([{ version: STATE_MIGRATIONS.length }]);
        await stores[1]!.createTenant({ id: 'acme', name: 'Acme', createdAt: t(0) });
        expect((await stores[5]!.tenants()).map((x) => x.id)).toEqual(['acme']);
      } finally {
        for (const s of stores) await s.close();
      }
    });

    it('a wrong database URL fails at open with the server reason', async () => {
      const good = await freshDatabase();
      const url = new URL(good);
      url.password = 'wrong';
      await expect(StateStore.open({ dataDir: tmp(), databaseUrl: url.toString() })).rejects.toThrow(
        /password authentication failed/,
      );
      const missing = new URL(good);
      missing.pathname = '/no_such_database';
      await expect(StateStore.open({ dataDir: tmp(), databaseUrl: missing.toString() })).rejects.toThrow(
        /does not exist/,
      );
    });
  },
);
