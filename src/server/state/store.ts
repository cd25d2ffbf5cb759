/**
 * The server's state store: tenants, users, tokens, sessions, the audit log, uploads, jobs, hosts,
 * findings, cases and their history, intel sources, feeds, the review queue and webhooks. One
 * class over either engine (src/server/state/sql.ts); tests run the same suite against both.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDuckDb } from './duckdb.js';
import { STATE_MIGRATIONS } from './migrations.js';
import { openPostgres } from './pg.js';
import type { Param, Row, SqlDb, SqlRunner } from './sql.js';
import type {
  AuditEntry,
  Case,
  CaseEvent,
  CaseState,
  FeedRecord,
  HostBundle,
  HostRecord,
  IntelSource,
  Job,
  JobState,
  JobType,
  OutboxDelivery,
  Review,
  Role,
  StoredFinding,
  Tenant,
  TokenPurpose,
  TokenRecord,
  Upload,
  User,
  Webhook,
  WebhookStatus,
} from './types.js';

type Cell = Row[string] | undefined;
const SEVERITY_ORDER = `CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END`;
const str = (v: Cell): string => (v === null || v === undefined ? '' : String(v));
const opt = (v: Cell): string | null => (v === null || v === undefined ? null : String(v));
const json = <T>(v: unknown, fallback: T): T => {
  if (typeof v !== 'string' || v === '') return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
};

/** Filters for listing findings. */
export interface FindingFilter {
  tenant: string;
  host?: string;
  severity?: string;
  kind?: string;
  caseKey?: string;
  /** Case-insensitive substring of the title, host or case key. */
  q?: string;
  /** Only findings first seen at or after this time. */
  since?: string;
  limit: number;
  offset: number;
}

export interface CaseFilter {
  tenant: string;
  host?: string;
  state?: CaseState;
  key?: string;
  q?: string;
  limit: number;
  offset: number;
}

/**
 * A case-insensitive search of title, host and case key: a plain substring (strpos, not LIKE, so
 * `%` and `_` are not wildcards). Adds its parameter to `params`.
 */
function searchClause(params: Param[], q: string): string {
  const n = params.push(q.toLowerCase());
  return `(strpos(lower(title), $${n}) > 0 OR strpos(lower(host), $${n}) > 0 OR strpos(lower(case_key), $${n}) > 0)`;
}

export class StateStore {
  private readonly knownTenants = new Map<string, Tenant>();

  private constructor(readonly db: SqlDb) {}

  /** Opens the embedded store in `dataDir`, or PostgreSQL at `databaseUrl`, and migrates it. */
  static async open(opts: { dataDir: string; databaseUrl?: string | undefined }): Promise<StateStore> {
    let db: SqlDb;
    if (opts.databaseUrl) db = await openPostgres(opts.databaseUrl);
    else {
      mkdirSync(opts.dataDir, { recursive: true });
      db = await openDuckDb(path.join(opts.dataDir, 'state.duckdb'));
    }
    const store = new StateStore(db);
    // PostgreSQL: servers starting together on a fresh database race to create the schema; the
    // losers fail (duplicate type/table, serialization) and, retried, find it migrated.
    const race = new Set(['23505', '42P07', '42710', '40001', '40P01']);
    for (let attempt = 1; ; attempt++) {
      try {
        await store.migrate();
        return store;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (db.engine === 'postgres' && typeof code === 'string' && race.has(code) && attempt < 5) {
          await new Promise((r) => setTimeout(r, 50 * attempt));
          continue;
        }
        await db.close();
        throw err;
      }
    }
  }

  get engine(): SqlDb['engine'] {
    return this.db.engine;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  tx<T>(fn: (q: SqlRunner) => Promise<T>): Promise<T> {
    return this.db.tx(fn);
  }

  private async migrate(): Promise<void> {
    await this.db.exec(`CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)`);
    await this.db.tx(async (q) => {
      const rows = await q.query(`SELECT version FROM schema_version`);
      let v = rows.length ? Number(rows[0]?.['version']) : 0;
      if (!rows.length) await q.exec(`INSERT INTO schema_version VALUES (0)`);
      if (v > STATE_MIGRATIONS.length)
        throw new Error(`state schema ${v} is newer than this chainhunt (${STATE_MIGRATIONS.length})`);
      while (v < STATE_MIGRATIONS.length) {
        for (const sql of STATE_MIGRATIONS[v] ?? []) await q.exec(sql);
        v++;
        await q.exec(`UPDATE schema_version SET version = $1`, [v]);
      }
    });
  }

  /**
   * One page of a table's rows (`where` and `order` are ours, never input; values go in `params`)
   * and the count of all matching rows, in one query: a second one only for a page past the end.
   */
  private async page(
    table: string,
    where: string,
    params: readonly Param[],
    order: string,
    limit: number,
    offset: number,
  ): Promise<{ total: number; rows: Row[] }> {
    const rows = await this.db.query(
      `SELECT *, count(*) OVER () AS page_total__ FROM ${table} WHERE ${where}
         ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    if (rows.length > 0) return { total: Number(rows[0]?.['page_total__'] ?? 0), rows };
    if (offset === 0) return { total: 0, rows };
    const n = await this.db.query(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params);
    return { total: Number(n[0]?.['n'] ?? 0), rows };
  }

  // ---- tenants ----------------------------------------------------------------------------

  async createTenant(t: Tenant, q: SqlRunner = this.db): Promise<void> {
    await q.exec(`INSERT INTO tenants VALUES ($1, $2, $3)`, [t.id, t.name, t.createdAt]);
  }

  async tenants(): Promise<Tenant[]> {
    const rows = await this.db.query(`SELECT * FROM tenants ORDER BY id`);
    return rows.map((r) => ({ id: str(r['id']), name: str(r['name']), createdAt: str(r['created_at']) }));
  }

  /**
   * A tenant by id. Every tenant-scoped request asks, so a tenant once found is kept in memory:
   * tenants are never changed or deleted. A miss is not kept (another process may create it).
   */
  async tenant(id: string): Promise<Tenant | null> {
    const known = this.knownTenants.get(id);
    if (known) return { ...known };
    const rows = await this.db.query(`SELECT * FROM tenants WHERE id = $1`, [id]);
    const r = rows[0];
    if (!r) return null;
    const t = { id: str(r['id']), name: str(r['name']), createdAt: str(r['created_at']) };
    if (this.knownTenants.size < 100_000) this.knownTenants.set(id, t);
    return { ...t };
  }

  // ---- users ------------------------------------------------------------------------------

  async createUser(
    u: { id: string; username: string; passwordHash: string; operator: boolean; createdAt: string },
    q: SqlRunner = this.db,
  ): Promise<void> {
    await q.exec(`INSERT INTO users VALUES ($1, $2, $3, $4, FALSE, $5)`, [
      u.id,
      u.username,
      u.passwordHash,
      u.operator,
      u.createdAt,
    ]);
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.db.exec(`UPDATE users SET password_hash = $1 WHERE id = $2`, [passwordHash, userId]);
  }

  async setRole(userId: string, tenant: string, role: Role | null, q: SqlRunner = this.db): Promise<void> {
    await q.exec(`DELETE FROM memberships WHERE user_id = $1 AND tenant = $2`, [userId, tenant]);
    if (role) await q.exec(`INSERT INTO memberships VALUES ($1, $2, $3)`, [userId, tenant, role]);
  }

  private async toUser(r: Row): Promise<User> {
    const roles: Record<string, Role> = {};
    const m = await this.db.query(`SELECT tenant, role FROM memberships WHERE user_id = $1 ORDER BY tenant`, [
      str(r['id']),
    ]);
    for (const x of m) roles[str(x['tenant'])] = str(x['role']) as Role;
    return {
      id: str(r['id']),
      username: str(r['username']),
      operator: r['operator'] === true,
      disabled: r['disabled'] === true,
      createdAt: str(r['created_at']),
      roles,
    };
  }

  /** A user and the password hash, by user name. */
  async userByName(username: string): Promise<{ user: User; passwordHash: string } | null> {
    const r = (await this.db.query(`SELECT * FROM users WHERE username = $1`, [username]))[0];
    return r ? { user: await this.toUser(r), passwordHash: str(r['password_hash']) } : null;
  }

  async user(id: string): Promise<User | null> {
    const r = (await this.db.query(`SELECT * FROM users WHERE id = $1`, [id]))[0];
    return r ? this.toUser(r) : null;
  }

  /** Users with a role in `tenant` (and operators). */
  async users(tenant: string | null): Promise<User[]> {
    const rows =
      tenant === null
        ? await this.db.query(`SELECT * FROM users ORDER BY username`)
        : await this.db.query(
            `SELECT * FROM users WHERE id IN (SELECT user_id FROM memberships WHERE tenant = $1) ORDER BY username`,
            [tenant],
          );
    return Promise.all(rows.map((r) => this.toUser(r)));
  }

  // ---- tokens and sessions ------------------------------------------------------------------

  async createToken(t: TokenRecord & { tokenHash: string }, q: SqlRunner = this.db): Promise<void> {
    await q.exec(`INSERT INTO tokens VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)`, [
      t.id,
      t.tokenHash,
      t.tenant,
      t.purpose,
      t.name,
      t.createdBy,
      t.createdAt,
      t.expiresAt,
    ]);
  }

  private toToken(r: Row): TokenRecord {
    return {
      id: str(r['id']),
      tenant: opt(r['tenant']),
      purpose: str(r['purpose']) as TokenPurpose,
      name: str(r['name']),
      createdBy: str(r['created_by']),
      createdAt: str(r['created_at']),
      expiresAt: opt(r['expires_at']),
      revokedAt: opt(r['revoked_at']),
    };
  }

  async tokenByHash(hash: string): Promise<TokenRecord | null> {
    const r = (await this.db.query(`SELECT * FROM tokens WHERE token_hash = $1`, [hash]))[0];
    return r ? this.toToken(r) : null;
  }

  async tokens(tenant: string | null): Promise<TokenRecord[]> {
    const rows =
      tenant === null
        ? await this.db.query(`SELECT * FROM tokens ORDER BY created_at, id`)
        : await this.db.query(`SELECT * FROM tokens WHERE tenant = $1 ORDER BY created_at, id`, [tenant]);
    return rows.map((r) => this.toToken(r));
  }

  async revokeToken(id: string, at: string): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING id`,
      [at, id],
    );
    return r.length > 0;
  }

  async createSession(s: {
    idHash: string;
    userId: string;
    csrf: string;
    createdAt: string;
    expiresAt: string;
    ip: string | null;
  }): Promise<void> {
    await this.db.exec(`INSERT INTO sessions VALUES ($1, $2, $3, $4, $5, $6)`, [
      s.idHash,
      s.userId,
      s.csrf,
      s.createdAt,
      s.expiresAt,
      s.ip,
    ]);
  }

  async session(idHash: string): Promise<{ userId: string; csrf: string; expiresAt: string } | null> {
    const r = (await this.db.query(`SELECT * FROM sessions WHERE id_hash = $1`, [idHash]))[0];
    return r ? { userId: str(r['user_id']), csrf: str(r['csrf']), expiresAt: str(r['expires_at']) } : null;
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.exec(`DELETE FROM sessions WHERE id_hash = $1`, [idHash]);
  }

  // ---- audit ------------------------------------------------------------------------------

  async audit(e: Omit<AuditEntry, 'id'>, q: SqlRunner = this.db): Promise<void> {
    await q.exec(
      `INSERT INTO audit (occurred_at, actor, tenant, action, target, ip, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        e.at,
        e.actor,
        e.tenant,
        e.action,
        e.target,
        e.ip,
        e.detail === undefined ? null : JSON.stringify(e.detail),
      ],
    );
  }

  async auditLog(
    tenant: string | null,
    limit: number,
    offset: number,
  ): Promise<{ total: number; items: AuditEntry[] }> {
    const where = tenant === null ? 'TRUE' : 'tenant = $1';
    const params: Param[] = tenant === null ? [] : [tenant];
    const { total, rows } = await this.page('audit', where, params, 'id DESC', limit, offset);
    return {
      total,
      items: rows.map((r) => ({
        id: Number(r['id']),
        at: str(r['occurred_at']),
        actor: str(r['actor']),
        tenant: opt(r['tenant']),
        action: str(r['action']),
        target: opt(r['target']),
        ip: opt(r['ip']),
        detail: json<unknown>(r['detail'], null),
      })),
    };
  }

  // ---- uploads and jobs -------------------------------------------------------------------

  async uploadBySha(tenant: string, sha256: string): Promise<Upload | null> {
    const r = (
      await this.db.query(`SELECT * FROM uploads WHERE tenant = $1 AND sha256 = $2`, [tenant, sha256])
    )[0];
    return r ? this.toUpload(r) : null;
  }

  async upload(id: string): Promise<Upload | null> {
    const r = (await this.db.query(`SELECT * FROM uploads WHERE id = $1`, [id]))[0];
    return r ? this.toUpload(r) : null;
  }

  async uploads(tenant: string, limit: number, offset: number): Promise<Upload[]> {
    const rows = await this.db.query(
      `SELECT * FROM uploads WHERE tenant = $1 ORDER BY uploaded_at DESC, id LIMIT ${limit} OFFSET ${offset}`,
      [tenant],
    );
    return rows.map((r) => this.toUpload(r));
  }

  private toUpload(r: Row): Upload {
    return {
      id: str(r['id']),
      tenant: str(r['tenant']),
      sha256: str(r['sha256']),
      size: Number(r['size']),
      filename: opt(r['filename']),
      path: str(r['path']),
      uploadedAt: str(r['uploaded_at']),
      uploadedBy: str(r['uploaded_by']),
      jobId: str(r['job_id']),
    };
  }

  async createUpload(u: Upload, q: SqlRunner = this.db): Promise<void> {
    await q.exec(`INSERT INTO uploads VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
      u.id,
      u.tenant,
      u.sha256,
      u.size,
      u.filename,
      u.path,
      u.uploadedAt,
      u.uploadedBy,
      u.jobId,
    ]);
  }

  async createJob(
    j: { id: string; tenant: string | null; type: JobType; payload: Record<string, unknown>; at: string },
    q: SqlRunner = this.db,
  ): Promise<void> {
    await q.exec(
      `INSERT INTO jobs VALUES ($1, $2, $3, 'queued', $4, NULL, NULL, NULL, 0, $5, NULL, NULL, $5)`,
      [j.id, j.tenant, j.type, JSON.stringify(j.payload), j.at],
    );
  }

  private toJob(r: Row): Job {
    return {
      id: str(r['id']),
      tenant: opt(r['tenant']),
      type: str(r['type']) as JobType,
      state: str(r['state']) as JobState,
      payload: json<Record<string, unknown>>(r['payload'], {}),
      progress: json<Job['progress']>(r['progress'], null),
      result: json<Record<string, unknown> | null>(r['result'], null),
      error: opt(r['error']),
      attempts: Number(r['attempts']),
      createdAt: str(r['created_at']),
      startedAt: opt(r['started_at']),
      finishedAt: opt(r['finished_at']),
      updatedAt: str(r['updated_at']),
    };
  }

  async job(id: string): Promise<Job | null> {
    const r = (await this.db.query(`SELECT * FROM jobs WHERE id = $1`, [id]))[0];
    return r ? this.toJob(r) : null;
  }

  async jobs(
    tenant: string | null,
    limit: number,
    offset: number,
    state?: JobState,
  ): Promise<{ total: number; items: Job[] }> {
    const parts: string[] = [];
    const params: Param[] = [];
    if (tenant !== null) parts.push(`tenant = $${params.push(tenant)}`);
    if (state) parts.push(`state = $${params.push(state)}`);
    const where = parts.length ? parts.join(' AND ') : 'TRUE';
    const { total, rows } = await this.page('jobs', where, params, 'created_at DESC, id', limit, offset);
    return { total, items: rows.map((r) => this.toJob(r)) };
  }

  /** Takes the oldest queued job (of `types`), marking it running; null when none. */
  async claimJob(at: string, types?: readonly JobType[]): Promise<Job | null> {
    return this.db.tx(async (q) => {
      const filter = types?.length ? `AND type IN (${types.map((t) => `'${t}'`).join(',')})` : '';
      const r = (
        await q.query(`SELECT * FROM jobs WHERE state = 'queued' ${filter} ORDER BY created_at, id LIMIT 1`)
      )[0];
      if (!r) return null;
      const claimed = await q.query(
        `UPDATE jobs SET state = 'running', started_at = $1, updated_at = $1, attempts = attempts + 1
           WHERE id = $2 AND state = 'queued' RETURNING *`,
        [at, str(r['id'])],
      );
      return claimed[0] ? this.toJob(claimed[0]) : null;
    });
  }

  /** Marks a specific queued (or re-delivered running) job as running: for queue-driven workers. */
  async startJob(id: string, at: string): Promise<Job | null> {
    const r = await this.db.query(
      `UPDATE jobs SET state = 'running', started_at = $1, updated_at = $1, attempts = attempts + 1
         WHERE id = $2 AND state IN ('queued', 'running') RETURNING *`,
      [at, id],
    );
    return r[0] ? this.toJob(r[0]) : null;
  }

  async jobProgress(id: string, progress: Job['progress'], at: string): Promise<void> {
    await this.db.exec(`UPDATE jobs SET progress = $1, updated_at = $2 WHERE id = $3`, [
      JSON.stringify(progress),
      at,
      id,
    ]);
  }

  async finishJob(
    id: string,
    outcome: { state: 'done' | 'failed'; result?: Record<string, unknown>; error?: string },
    at: string,
    q: SqlRunner = this.db,
  ): Promise<void> {
    await q.exec(
      `UPDATE jobs SET state = $1, result = $2, error = $3, finished_at = $4, updated_at = $4 WHERE id = $5`,
      [outcome.state, outcome.result ? JSON.stringify(outcome.result) : null, outcome.error ?? null, at, id],
    );
  }

  /** After a crash: jobs left running go back to the queue. Returns their ids. */
  async requeueRunning(at: string): Promise<string[]> {
    const r = await this.db.query(
      `UPDATE jobs SET state = 'queued', updated_at = $1 WHERE state = 'running' RETURNING id`,
      [at],
    );
    return r.map((x) => str(x['id']));
  }

  // ---- hosts and bundles ------------------------------------------------------------------

  /** Records a bundle of a host; the host's "latest" moves only to a later-collected bundle. */
  async recordBundle(
    b: HostBundle & { hostname: string | null; os: string | null },
    q: SqlRunner,
  ): Promise<boolean> {
    const exists = await q.query(`SELECT 1 AS x FROM host_bundles WHERE tenant = $1 AND bundle_id = $2`, [
      b.tenant,
      b.bundleId,
    ]);
    if (exists.length) return false;
    await q.exec(`INSERT INTO host_bundles VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      b.tenant,
      b.host,
      b.bundleId,
      b.ingestId,
      b.collectedAt,
      b.ingestedAt,
      JSON.stringify(b.kinds),
      b.uploadId,
    ]);
    const cur = (
      await q.query(`SELECT last_collected_at FROM hosts WHERE tenant = $1 AND host = $2`, [b.tenant, b.host])
    )[0];
    if (!cur)
      await q.exec(`INSERT INTO hosts VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)`, [
        b.tenant,
        b.host,
        b.hostname,
        b.os,
        b.bundleId,
        b.ingestId,
        b.collectedAt,
        JSON.stringify(b.kinds),
      ]);
    else if (str(cur['last_collected_at']) <= b.collectedAt)
      await q.exec(
        `UPDATE hosts SET hostname = $3, os = $4, last_bundle_id = $5, last_ingest_id = $6, last_collected_at = $7,
           last_kinds = $8, bundles = bundles + 1 WHERE tenant = $1 AND host = $2`,
        [b.tenant, b.host, b.hostname, b.os, b.bundleId, b.ingestId, b.collectedAt, JSON.stringify(b.kinds)],
      );
    else
      await q.exec(`UPDATE hosts SET bundles = bundles + 1 WHERE tenant = $1 AND host = $2`, [
        b.tenant,
        b.host,
      ]);
    return true;
  }

  private toHost(r: Row): HostRecord {
    return {
      tenant: str(r['tenant']),
      host: str(r['host']),
      hostname: opt(r['hostname']),
      os: opt(r['os']),
      lastBundleId: opt(r['last_bundle_id']),
      lastIngestId: opt(r['last_ingest_id']),
      lastCollectedAt: opt(r['last_collected_at']),
      lastKinds: json<Record<string, number>>(r['last_kinds'], {}),
      bundles: Number(r['bundles']),
    };
  }

  async hosts(tenant: string, q: SqlRunner = this.db): Promise<HostRecord[]> {
    const rows = await q.query(`SELECT * FROM hosts WHERE tenant = $1 ORDER BY host`, [tenant]);
    return rows.map((r) => this.toHost(r));
  }

  async host(tenant: string, host: string, q: SqlRunner = this.db): Promise<HostRecord | null> {
    const r = (await q.query(`SELECT * FROM hosts WHERE tenant = $1 AND host = $2`, [tenant, host]))[0];
    return r ? this.toHost(r) : null;
  }

  async hostBundles(tenant: string, host: string): Promise<HostBundle[]> {
    const rows = await this.db.query(
      `SELECT * FROM host_bundles WHERE tenant = $1 AND host = $2 ORDER BY collected_at, bundle_id`,
      [tenant, host],
    );
    return rows.map((r) => ({
      tenant: str(r['tenant']),
      host: str(r['host']),
      bundleId: str(r['bundle_id']),
      ingestId: str(r['ingest_id']),
      collectedAt: str(r['collected_at']),
      ingestedAt: str(r['ingested_at']),
      kinds: json<Record<string, number>>(r['kinds'], {}),
      uploadId: opt(r['upload_id']),
    }));
  }

  // ---- findings ---------------------------------------------------------------------------

  /** Upserts findings; returns the ids that were not stored before. */
  async upsertFindings(
    tenant: string,
    list: readonly Omit<StoredFinding, 'tenant'>[],
    q: SqlRunner,
  ): Promise<Set<string>> {
    const fresh = new Set<string>();
    for (const f of list) {
      // Insert first: a concurrent transaction inserting the same finding makes this a no-op
      // (never a unique-key error), and only the inserting one reports it as new.
      const inserted = await q.query(
        `INSERT INTO findings VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (tenant, id) DO NOTHING RETURNING id`,
        [
          tenant,
          f.id,
          f.host,
          f.kind,
          f.severity,
          f.title,
          f.caseKey,
          f.firstSeen,
          f.lastSeen,
          JSON.stringify(f.finding),
        ],
      );
      if (inserted.length) fresh.add(f.id);
      else
        await q.exec(`UPDATE findings SET last_seen = $3, finding = $4 WHERE tenant = $1 AND id = $2`, [
          tenant,
          f.id,
          f.lastSeen,
          JSON.stringify(f.finding),
        ]);
    }
    return fresh;
  }

  async findings(f: FindingFilter): Promise<{ total: number; items: StoredFinding[] }> {
    const parts = ['tenant = $1'];
    const params: Param[] = [f.tenant];
    if (f.host) parts.push(`host = $${params.push(f.host)}`);
    if (f.severity) parts.push(`severity = $${params.push(f.severity)}`);
    if (f.kind) parts.push(`kind = $${params.push(f.kind)}`);
    if (f.caseKey) parts.push(`case_key = $${params.push(f.caseKey)}`);
    if (f.since) parts.push(`first_seen >= $${params.push(f.since)}`);
    if (f.q) parts.push(searchClause(params, f.q));
    const where = parts.join(' AND ');
    const { total, rows } = await this.page(
      'findings',
      where,
      params,
      `${SEVERITY_ORDER}, host, id`,
      f.limit,
      f.offset,
    );
    return {
      total,
      items: rows.map((r) => ({
        tenant: str(r['tenant']),
        id: str(r['id']),
        host: str(r['host']),
        kind: str(r['kind']),
        severity: str(r['severity']),
        title: str(r['title']),
        caseKey: str(r['case_key']),
        firstSeen: str(r['first_seen']),
        lastSeen: str(r['last_seen']),
        finding: json<Record<string, unknown>>(r['finding'], {}),
      })),
    };
  }

  // ---- cases ------------------------------------------------------------------------------

  private toCase(r: Row): Case {
    return {
      id: str(r['id']),
      tenant: str(r['tenant']),
      host: str(r['host']),
      key: str(r['case_key']),
      title: str(r['title']),
      severity: str(r['severity']),
      kind: str(r['kind']),
      state: str(r['state']) as CaseState,
      openedAt: str(r['opened_at']),
      updatedAt: str(r['updated_at']),
      containedAt: opt(r['contained_at']),
      remediatedAt: opt(r['remediated_at']),
      verifiedAt: opt(r['verified_at']),
      lastEvidenceAt: str(r['last_evidence_at']),
      lastBundleId: opt(r['last_bundle_id']),
      detail: json<Record<string, unknown>>(r['detail'], {}),
    };
  }

  async case(tenant: string, id: string, q: SqlRunner = this.db): Promise<Case | null> {
    const r = (await q.query(`SELECT * FROM cases WHERE tenant = $1 AND id = $2`, [tenant, id]))[0];
    return r ? this.toCase(r) : null;
  }

  async casesOfHost(tenant: string, host: string, q: SqlRunner = this.db): Promise<Case[]> {
    const rows = await q.query(`SELECT * FROM cases WHERE tenant = $1 AND host = $2 ORDER BY case_key`, [
      tenant,
      host,
    ]);
    return rows.map((r) => this.toCase(r));
  }

  async cases(f: CaseFilter): Promise<{ total: number; items: Case[] }> {
    const parts = ['tenant = $1'];
    const params: Param[] = [f.tenant];
    if (f.host) parts.push(`host = $${params.push(f.host)}`);
    if (f.state) parts.push(`state = $${params.push(f.state)}`);
    if (f.key) parts.push(`case_key = $${params.push(f.key)}`);
    if (f.q) parts.push(searchClause(params, f.q));
    const where = parts.join(' AND ');
    const { total, rows } = await this.page(
      'cases',
      where,
      params,
      `${SEVERITY_ORDER}, host, case_key`,
      f.limit,
      f.offset,
    );
    return { total, items: rows.map((r) => this.toCase(r)) };
  }

  /** Every case of a tenant (for summaries). */
  async allCases(tenant: string | null): Promise<Case[]> {
    const rows =
      tenant === null
        ? await this.db.query(`SELECT * FROM cases ORDER BY tenant, host, case_key`)
        : await this.db.query(`SELECT * FROM cases WHERE tenant = $1 ORDER BY host, case_key`, [tenant]);
    return rows.map((r) => this.toCase(r));
  }

  /**
   * Case counts per (key, state) with the key's title and worst severity, computed in SQL (the
   * summaries read this instead of every case).
   */
  async caseCounts(
    tenant: string,
  ): Promise<{ key: string; title: string; severity: string; state: CaseState; n: number }[]> {
    const rows = await this.db.query(
      `SELECT case_key, min(title) AS title,
         min(CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END) AS sev,
         state, count(*) AS n
       FROM cases WHERE tenant = $1 GROUP BY case_key, state ORDER BY case_key, state`,
      [tenant],
    );
    const SEV = ['critical', 'high', 'medium', 'low', 'info'];
    return rows.map((r) => ({
      key: str(r['case_key']),
      title: str(r['title']),
      severity: SEV[Number(r['sev'])] ?? 'info',
      state: str(r['state']) as CaseState,
      n: Number(r['n']),
    }));
  }

  /** Per host: cases still active (open, contained, remediated) and all cases. */
  async caseStateByHost(tenant: string): Promise<Map<string, { active: number; total: number }>> {
    const rows = await this.db.query(
      `SELECT host, sum(CASE WHEN state IN ('open', 'contained', 'remediated') THEN 1 ELSE 0 END) AS active, count(*) AS n
       FROM cases WHERE tenant = $1 GROUP BY host`,
      [tenant],
    );
    return new Map(rows.map((r) => [str(r['host']), { active: Number(r['active']), total: Number(r['n']) }]));
  }

  /** Host count of a tenant. */
  async hostCount(tenant: string): Promise<number> {
    const r = await this.db.query(`SELECT count(*) AS n FROM hosts WHERE tenant = $1`, [tenant]);
    return Number(r[0]?.['n'] ?? 0);
  }

  /** Cases of one key (advisory or indicator). */
  async casesOfKey(tenant: string, key: string): Promise<Case[]> {
    const rows = await this.db.query(
      `SELECT * FROM cases WHERE tenant = $1 AND case_key = $2 ORDER BY host`,
      [tenant, key],
    );
    return rows.map((r) => this.toCase(r));
  }

  async insertCase(c: Case, q: SqlRunner): Promise<void> {
    await q.exec(
      `INSERT INTO cases VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        c.id,
        c.tenant,
        c.host,
        c.key,
        c.title,
        c.severity,
        c.kind,
        c.state,
        c.openedAt,
        c.updatedAt,
        c.containedAt,
        c.remediatedAt,
        c.verifiedAt,
        c.lastEvidenceAt,
        c.lastBundleId,
        JSON.stringify(c.detail),
      ],
    );
  }

  async updateCase(c: Case, q: SqlRunner): Promise<void> {
    await q.exec(
      `UPDATE cases SET title = $3, severity = $4, state = $5, updated_at = $6, contained_at = $7, remediated_at = $8,
         verified_at = $9, last_evidence_at = $10, last_bundle_id = $11, detail = $12 WHERE tenant = $1 AND id = $2`,
      [
        c.tenant,
        c.id,
        c.title,
        c.severity,
        c.state,
        c.updatedAt,
        c.containedAt,
        c.remediatedAt,
        c.verifiedAt,
        c.lastEvidenceAt,
        c.lastBundleId,
        JSON.stringify(c.detail),
      ],
    );
  }

  async addCaseEvent(e: Omit<CaseEvent, 'id'>, q: SqlRunner): Promise<void> {
    await q.exec(
      `INSERT INTO case_events (case_id, tenant, occurred_at, actor, from_state, to_state, reason, evidence)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        e.caseId,
        e.tenant,
        e.at,
        e.actor,
        e.from,
        e.to,
        e.reason,
        e.evidence === undefined ? null : JSON.stringify(e.evidence),
      ],
    );
  }

  /** History of one case, of the cases of one key or one host, or of the whole tenant. */
  async caseEvents(tenant: string, caseId?: string | { key?: string; host?: string }): Promise<CaseEvent[]> {
    const rows =
      typeof caseId === 'string'
        ? await this.db.query(`SELECT * FROM case_events WHERE tenant = $1 AND case_id = $2 ORDER BY id`, [
            tenant,
            caseId,
          ])
        : caseId?.key !== undefined || caseId?.host !== undefined
          ? await this.db.query(
              `SELECT e.* FROM case_events e JOIN cases c ON c.id = e.case_id
               WHERE e.tenant = $1 AND c.tenant = $1 AND ${caseId.key !== undefined ? 'c.case_key' : 'c.host'} = $2 ORDER BY e.id`,
              [tenant, caseId.key ?? caseId.host ?? ''],
            )
          : await this.db.query(`SELECT * FROM case_events WHERE tenant = $1 ORDER BY id`, [tenant]);
    return rows.map((r) => ({
      id: Number(r['id']),
      caseId: str(r['case_id']),
      tenant: str(r['tenant']),
      at: str(r['occurred_at']),
      actor: str(r['actor']),
      from: opt(r['from_state']) as CaseState | null,
      to: str(r['to_state']) as CaseState,
      reason: str(r['reason']),
      evidence: json<unknown>(r['evidence'], null),
    }));
  }

  // ---- intel sources, feeds, reviews, webhooks -------------------------------------------

  async addIntelSource(s: IntelSource, q: SqlRunner = this.db): Promise<void> {
    await q.exec(`INSERT INTO intel_sources VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
      s.id,
      s.tenant,
      s.name,
      s.sha256,
      s.size,
      s.path,
      s.importedAt,
      s.importedBy,
      s.counts ? JSON.stringify(s.counts) : null,
    ]);
  }

  /** Sources that apply to `tenant`: its own and the global ones (`null` = global only). */
  async intelSources(tenant: string | null): Promise<IntelSource[]> {
    const rows =
      tenant === null
        ? await this.db.query(`SELECT * FROM intel_sources WHERE tenant IS NULL ORDER BY imported_at, id`)
        : await this.db.query(
            `SELECT * FROM intel_sources WHERE tenant IS NULL OR tenant = $1 ORDER BY imported_at, id`,
            [tenant],
          );
    return rows.map((r) => ({
      id: str(r['id']),
      tenant: opt(r['tenant']),
      name: str(r['name']),
      sha256: str(r['sha256']),
      size: Number(r['size']),
      path: str(r['path']),
      importedAt: str(r['imported_at']),
      importedBy: str(r['imported_by']),
      counts: json<Record<string, number> | null>(r['counts'], null),
    }));
  }

  async saveFeed(f: FeedRecord): Promise<void> {
    await this.db.tx(async (q) => {
      await q.exec(`DELETE FROM feeds WHERE id = $1`, [f.id]);
      await q.exec(`INSERT INTO feeds VALUES ($1, $2, $3, $4, $5, $6)`, [
        f.id,
        f.tenant,
        JSON.stringify(f.config),
        JSON.stringify(f.state),
        f.createdAt,
        f.createdBy,
      ]);
    });
  }

  async feeds(tenant?: string | null): Promise<FeedRecord[]> {
    const rows =
      tenant === undefined
        ? await this.db.query(`SELECT * FROM feeds ORDER BY id`)
        : tenant === null
          ? await this.db.query(`SELECT * FROM feeds WHERE tenant IS NULL ORDER BY id`)
          : await this.db.query(`SELECT * FROM feeds WHERE tenant = $1 ORDER BY id`, [tenant]);
    return rows.map((r) => ({
      id: str(r['id']),
      tenant: opt(r['tenant']),
      config: json<Record<string, unknown>>(r['config'], {}),
      state: json<Record<string, unknown>>(r['state'], {}),
      createdAt: str(r['created_at']),
      createdBy: str(r['created_by']),
    }));
  }

  async setFeedState(id: string, state: Record<string, unknown>): Promise<void> {
    await this.db.exec(`UPDATE feeds SET state = $1 WHERE id = $2`, [JSON.stringify(state), id]);
  }

  async deleteFeed(id: string): Promise<void> {
    await this.db.exec(`DELETE FROM feeds WHERE id = $1`, [id]);
  }

  async addReview(r: Review, q: SqlRunner = this.db): Promise<void> {
    await q.exec(`INSERT INTO reviews VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
      r.id,
      r.tenant,
      r.source,
      r.title,
      r.link,
      r.text,
      JSON.stringify(r.draft),
      r.state,
      r.createdAt,
      r.decidedBy,
      r.decidedAt,
    ]);
  }

  private toReview(r: Row): Review {
    return {
      id: str(r['id']),
      tenant: opt(r['tenant']),
      source: str(r['source']),
      title: str(r['title']),
      link: opt(r['link']),
      text: str(r['text']),
      draft: json<Record<string, unknown>>(r['draft'], {}),
      state: str(r['state']) as Review['state'],
      createdAt: str(r['created_at']),
      decidedBy: opt(r['decided_by']),
      decidedAt: opt(r['decided_at']),
    };
  }

  async reviews(tenant: string | null): Promise<Review[]> {
    const rows =
      tenant === null
        ? await this.db.query(`SELECT * FROM reviews WHERE tenant IS NULL ORDER BY created_at DESC, id`)
        : await this.db.query(
            `SELECT * FROM reviews WHERE tenant IS NULL OR tenant = $1 ORDER BY created_at DESC, id`,
            [tenant],
          );
    return rows.map((r) => this.toReview(r));
  }

  async review(id: string): Promise<Review | null> {
    const r = (await this.db.query(`SELECT * FROM reviews WHERE id = $1`, [id]))[0];
    return r ? this.toReview(r) : null;
  }

  async decideReview(
    id: string,
    state: 'published' | 'dismissed',
    by: string,
    at: string,
    q: SqlRunner = this.db,
  ): Promise<boolean> {
    const r = await q.query(
      `UPDATE reviews SET state = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND state = 'pending' RETURNING id`,
      [state, by, at, id],
    );
    return r.length > 0;
  }

  async addWebhook(w: Webhook): Promise<void> {
    await this.db.exec(`INSERT INTO webhooks VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      w.id,
      w.tenant,
      w.url,
      w.secret,
      JSON.stringify(w.events),
      w.createdAt,
      w.createdBy,
    ]);
  }

  async webhooks(tenant: string, q: SqlRunner = this.db): Promise<Webhook[]> {
    const rows = await q.query(`SELECT * FROM webhooks WHERE tenant = $1 ORDER BY created_at, id`, [tenant]);
    return rows.map((r) => ({
      id: str(r['id']),
      tenant: str(r['tenant']),
      url: str(r['url']),
      secret: str(r['secret']),
      events: json<string[]>(r['events'], []),
      createdAt: str(r['created_at']),
      createdBy: str(r['created_by']),
    }));
  }

  /** Deletes a webhook and its pending deliveries. */
  async deleteWebhook(tenant: string, id: string): Promise<boolean> {
    return this.db.tx(async (q) => {
      const r = await q.query(`DELETE FROM webhooks WHERE tenant = $1 AND id = $2 RETURNING id`, [
        tenant,
        id,
      ]);
      if (r.length)
        await q.exec(`DELETE FROM webhook_outbox WHERE tenant = $1 AND webhook_id = $2`, [tenant, id]);
      return r.length > 0;
    });
  }

  /** Records a delivery before its first attempt. */
  async outboxAdd(d: OutboxDelivery, q: SqlRunner = this.db): Promise<void> {
    await q.exec(`INSERT INTO webhook_outbox VALUES ($1, $2, $3, $4, $5, $6)`, [
      d.deliveryId,
      d.tenant,
      d.webhookId,
      JSON.stringify(d.event),
      d.attempts,
      d.createdAt,
    ]);
  }

  /** Counts an attempt of a pending delivery (no-op when it is gone). */
  async outboxAttempted(deliveryId: string, attempts: number): Promise<void> {
    await this.db.exec(`UPDATE webhook_outbox SET attempts = $1 WHERE delivery_id = $2`, [
      attempts,
      deliveryId,
    ]);
  }

  /** Removes a delivery that was delivered or given up on. */
  async outboxRemove(deliveryId: string): Promise<void> {
    await this.db.exec(`DELETE FROM webhook_outbox WHERE delivery_id = $1`, [deliveryId]);
  }

  /**
   * Per webhook of a tenant: deliveries pending in the outbox, and the latest attempt recorded in
   * the audit log (among the tenant's latest 1,000 webhook attempts).
   */
  async webhookStatus(tenant: string): Promise<Map<string, WebhookStatus>> {
    const out = new Map<string, WebhookStatus>();
    const entry = (id: string) => {
      let e = out.get(id);
      if (!e) out.set(id, (e = { pending: 0, last: null }));
      return e;
    };
    for (const r of await this.db.query(
      `SELECT webhook_id, COUNT(*) AS n FROM webhook_outbox WHERE tenant = $1 GROUP BY webhook_id`,
      [tenant],
    ))
      entry(str(r['webhook_id'])).pending = Number(r['n']);
    const attempts = await this.db.query(
      `SELECT target, action, occurred_at, detail FROM audit WHERE tenant = $1 AND action IN
         ('webhook.delivered', 'webhook.retrying', 'webhook.failed', 'webhook.refused') ORDER BY id DESC LIMIT 1000`,
      [tenant],
    );
    for (const r of attempts) {
      const e = entry(str(r['target']));
      if (e.last) continue;
      const d = json<{ httpStatus?: number | null; error?: string | null }>(r['detail'], {});
      e.last = {
        status: str(r['action']).slice('webhook.'.length),
        at: str(r['occurred_at']),
        httpStatus: typeof d.httpStatus === 'number' ? d.httpStatus : null,
        error: typeof d.error === 'string' ? d.error : null,
      };
    }
    return out;
  }

  /** Pending deliveries, oldest first (at most `limit`). */
  async outbox(limit?: number): Promise<OutboxDelivery[]> {
    const rows = await this.db.query(
      `SELECT * FROM webhook_outbox ORDER BY created_at, delivery_id${limit === undefined ? '' : ' LIMIT $1'}`,
      limit === undefined ? [] : [Math.max(0, Math.trunc(limit))],
    );
    return rows.map((r) => ({
      deliveryId: str(r['delivery_id']),
      tenant: str(r['tenant']),
      webhookId: str(r['webhook_id']),
      event: json<unknown>(r['event'], null),
      attempts: Number(r['attempts']),
      createdAt: str(r['created_at']),
    }));
  }
}
