/**
 * PostgreSQL for tests: the run's throwaway server (test/global-setup.ts, scripts/postgres-test.sh)
 * and a fresh database per caller, so test files never see each other's rows.
 *
 * Tests that need PostgreSQL fail, with the reason, when it cannot be started; they are skipped
 * only when CHAINHUNT_SKIP_PG=1 is set (use {@link pgSkipReason} in `describe.skipIf`, and put the
 * reason in the title).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { repoRoot } from './fixtures.js';

const script = path.join(repoRoot, 'scripts', 'postgres-test.sh');

/** Why PostgreSQL tests are skipped in this run, or null when they run. */
export function pgSkipReason(): string | null {
  return process.env['CHAINHUNT_SKIP_PG'] === '1'
    ? 'CHAINHUNT_SKIP_PG=1 is set: PostgreSQL tests skipped on request'
    : null;
}

let started: Promise<string> | undefined;

async function start(): Promise<string> {
  const given = process.env['CHAINHUNT_TEST_PG_URL'];
  if (given) return given;
  const dir = process.env['CHAINHUNT_TEST_PG_DIR'];
  const owner = process.env['CHAINHUNT_TEST_PG_OWNER'];
  if (!dir || !owner)
    throw new Error(
      'no PostgreSQL test server: CHAINHUNT_TEST_PG_DIR is unset (run tests through vitest.config.ts, whose ' +
        'globalSetup test/global-setup.ts sets it), or set CHAINHUNT_TEST_PG_URL to an existing server',
    );
  try {
    const { stdout } = await promisify(execFile)('bash', [script, 'start', '--dir', dir, '--owner', owner], {
      timeout: 90_000,
    });
    const url = stdout.trim().split('\n').pop() ?? '';
    if (!url.startsWith('postgres://')) throw new Error(`unexpected output: ${JSON.stringify(stdout)}`);
    return url;
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    const why = (e.stderr ?? '').trim() || e.message || String(err);
    throw new Error(
      `PostgreSQL test server could not be started (scripts/postgres-test.sh): ${why}\n` +
        'Install it with scripts/setup-system.sh, or set CHAINHUNT_SKIP_PG=1 to skip the PostgreSQL tests.',
    );
  }
}

/**
 * The URL of this run's PostgreSQL server (its `chainhunt` database), starting the server on
 * first use. Rejects with the reason when it cannot be started.
 */
export function postgresUrl(): Promise<string> {
  started ??= start();
  return started;
}

/** Creates an empty database with a random name on the run's server; resolves to its URL. */
export async function freshDatabase(): Promise<string> {
  const admin = await postgresUrl();
  const name = `chainhunt_t_${randomBytes(8).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    // The name is ours (hex), not input: safe to put in the statement.
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
