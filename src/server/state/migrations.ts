/**
 * State schema, forward-only migrations in the SQL both engines accept. Times are ISO-8601 text
 * (sortable, engine-neutral); JSON documents are text.
 */
export const STATE_MIGRATIONS: readonly string[][] = [
  [
    `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)`,
    `CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL)`,
    `CREATE TABLE users (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
       operator BOOLEAN NOT NULL, disabled BOOLEAN NOT NULL, created_at TEXT NOT NULL)`,
    `CREATE TABLE memberships (user_id TEXT NOT NULL, tenant TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (user_id, tenant))`,
    `CREATE TABLE tokens (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, tenant TEXT, purpose TEXT NOT NULL,
       name TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT)`,
    `CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, csrf TEXT NOT NULL, created_at TEXT NOT NULL,
       expires_at TEXT NOT NULL, ip TEXT)`,
    `CREATE SEQUENCE audit_seq`,
    `CREATE TABLE audit (id BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'), occurred_at TEXT NOT NULL, actor TEXT NOT NULL,
       tenant TEXT, action TEXT NOT NULL, target TEXT, ip TEXT, detail TEXT)`,
    `CREATE TABLE uploads (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, sha256 TEXT NOT NULL, size BIGINT NOT NULL,
       filename TEXT, path TEXT NOT NULL, uploaded_at TEXT NOT NULL, uploaded_by TEXT NOT NULL, job_id TEXT NOT NULL,
       UNIQUE (tenant, sha256))`,
    `CREATE TABLE jobs (id TEXT PRIMARY KEY, tenant TEXT, type TEXT NOT NULL, state TEXT NOT NULL, payload TEXT NOT NULL,
       progress TEXT, result TEXT, error TEXT, attempts BIGINT NOT NULL, created_at TEXT NOT NULL, started_at TEXT,
       finished_at TEXT, updated_at TEXT NOT NULL)`,
    `CREATE TABLE hosts (tenant TEXT NOT NULL, host TEXT NOT NULL, hostname TEXT, os TEXT, last_bundle_id TEXT,
       last_ingest_id TEXT, last_collected_at TEXT, last_kinds TEXT, bundles BIGINT NOT NULL, PRIMARY KEY (tenant, host))`,
    `CREATE TABLE host_bundles (tenant TEXT NOT NULL, host TEXT NOT NULL, bundle_id TEXT NOT NULL, ingest_id TEXT NOT NULL,
       collected_at TEXT NOT NULL, ingested_at TEXT NOT NULL, kinds TEXT NOT NULL, upload_id TEXT, PRIMARY KEY (tenant, bundle_id))`,
    `CREATE TABLE findings (tenant TEXT NOT NULL, id TEXT NOT NULL, host TEXT NOT NULL, kind TEXT NOT NULL,
       severity TEXT NOT NULL, title TEXT NOT NULL, case_key TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
       finding TEXT NOT NULL, PRIMARY KEY (tenant, id))`,
    `CREATE TABLE cases (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, host TEXT NOT NULL, case_key TEXT NOT NULL,
       title TEXT NOT NULL, severity TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL, opened_at TEXT NOT NULL,
       updated_at TEXT NOT NULL, contained_at TEXT, remediated_at TEXT, verified_at TEXT, last_evidence_at TEXT NOT NULL,
       last_bundle_id TEXT, detail TEXT NOT NULL, UNIQUE (tenant, host, case_key))`,
    `CREATE SEQUENCE case_event_seq`,
    `CREATE TABLE case_events (id BIGINT PRIMARY KEY DEFAULT nextval('case_event_seq'), case_id TEXT NOT NULL,
       tenant TEXT NOT NULL, occurred_at TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL,
       reason TEXT NOT NULL, evidence TEXT)`,
    `CREATE TABLE intel_sources (id TEXT PRIMARY KEY, tenant TEXT, name TEXT NOT NULL, sha256 TEXT NOT NULL,
       size BIGINT NOT NULL, path TEXT NOT NULL, imported_at TEXT NOT NULL, imported_by TEXT NOT NULL, counts TEXT)`,
    `CREATE TABLE feeds (id TEXT PRIMARY KEY, tenant TEXT, config TEXT NOT NULL, state TEXT NOT NULL,
       created_at TEXT NOT NULL, created_by TEXT NOT NULL)`,
    `CREATE TABLE reviews (id TEXT PRIMARY KEY, tenant TEXT, source TEXT NOT NULL, title TEXT NOT NULL, link TEXT,
       text TEXT NOT NULL, draft TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL, decided_by TEXT,
       decided_at TEXT)`,
    `CREATE TABLE webhooks (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, url TEXT NOT NULL, secret TEXT NOT NULL,
       events TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL)`,
  ],
  // 2: indexes for the lookups that the keys above do not cover (the job queue, a host's
  // bundles, a case's history, a tenant's audit log and members). Plain (non-unique) indexes only:
  // DuckDB checks unique indexes eagerly inside a transaction.
  [
    `CREATE INDEX jobs_state_created ON jobs (state, created_at)`,
    `CREATE INDEX host_bundles_host ON host_bundles (tenant, host, collected_at)`,
    `CREATE INDEX case_events_case ON case_events (tenant, case_id)`,
    `CREATE INDEX audit_tenant ON audit (tenant)`,
    `CREATE INDEX memberships_tenant ON memberships (tenant)`,
  ],
  [
    `CREATE INDEX cases_tenant_key ON cases (tenant, case_key)`,
    `CREATE INDEX findings_tenant_host ON findings (tenant, host)`,
  ],
  // 4: the webhook outbox. A delivery is written here before its first attempt and removed when it
  // is delivered or fails for good, so a restart (or a SIGKILL) re-sends what was still pending.
  [
    `CREATE TABLE webhook_outbox (delivery_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, webhook_id TEXT NOT NULL,
       event TEXT NOT NULL, attempts BIGINT NOT NULL, created_at TEXT NOT NULL)`,
  ],
];
