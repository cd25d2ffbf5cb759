/**
 * Evidence store schema, versioned with forward-only migrations. Each observation table keeps the
 * key fields (for SQL candidate selection) and the observation itself as JSON (so a hunt re-runs
 * exactly the matchers a scan runs, giving the same findings).
 */

/** Migrations in order; migration i brings the schema from version i to i + 1. */
export const MIGRATIONS: readonly string[][] = [
  [
    `CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
    `CREATE TABLE bundles (bundle_id VARCHAR PRIMARY KEY, ingest_id VARCHAR NOT NULL, tenant VARCHAR NOT NULL, host VARCHAR NOT NULL,
       hostname VARCHAR, os VARCHAR, root VARCHAR, collected_at VARCHAR, ingested_at VARCHAR NOT NULL, files BIGINT, observations BIGINT,
       kind_counts VARCHAR)`,
    `CREATE TABLE obs_app (ingest_id VARCHAR NOT NULL, tenant VARCHAR NOT NULL, host VARCHAR NOT NULL, name VARCHAR, version VARCHAR,
       platform VARCHAR, publisher VARCHAR, obs VARCHAR NOT NULL)`,
    `CREATE TABLE obs_package (ingest_id VARCHAR NOT NULL, tenant VARCHAR NOT NULL, host VARCHAR NOT NULL, ecosystem VARCHAR,
       name VARCHAR, version VARCHAR, obs VARCHAR NOT NULL)`,
    `CREATE TABLE obs_file (ingest_id VARCHAR NOT NULL, tenant VARCHAR NOT NULL, host VARCHAR NOT NULL, path VARCHAR, size BIGINT,
       sha256 VARCHAR, sha1 VARCHAR, md5 VARCHAR, obs VARCHAR NOT NULL)`,
    `CREATE TABLE obs_contact (ingest_id VARCHAR NOT NULL, tenant VARCHAR NOT NULL, host VARCHAR NOT NULL, time VARCHAR, src VARCHAR,
       dst VARCHAR, fqdn VARCHAR, reg_domain VARCHAR, url VARCHAR, obs VARCHAR NOT NULL)`,
    `CREATE TABLE obs_event (ingest_id VARCHAR NOT NULL, tenant VARCHAR NOT NULL, host VARCHAR NOT NULL, time VARCHAR, channel VARCHAR,
       event_id INTEGER, image VARCHAR, command_line VARCHAR, parent_image VARCHAR, user_name VARCHAR, hashes VARCHAR,
       query_name VARCHAR, reg_domain VARCHAR, obs VARCHAR NOT NULL)`,
    `CREATE TABLE hunts (hunt_id INTEGER PRIMARY KEY, ran_at VARCHAR NOT NULL, intel_checksum VARCHAR, findings BIGINT, new_findings BIGINT)`,
    `CREATE TABLE hunt_findings (finding_id VARCHAR PRIMARY KEY, tenant VARCHAR NOT NULL, host VARCHAR NOT NULL, kind VARCHAR,
       severity VARCHAR, first_hunt INTEGER, last_hunt INTEGER, finding VARCHAR NOT NULL)`,
  ],
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Observation tables, for cleanup and export. */
export const OBS_TABLES = ['obs_app', 'obs_package', 'obs_file', 'obs_contact', 'obs_event'] as const;
