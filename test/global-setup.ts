/**
 * Vitest global setup (registered in vitest.config.ts): one throwaway PostgreSQL server per test
 * run, for the tests that need one (test/pg.ts).
 *
 * The server starts lazily, the first time a test asks for it, so a run without PostgreSQL tests
 * costs nothing; every worker of the run shares it (scripts/postgres-test.sh serialises the start
 * with a lock and reuses a running server). Here we only choose its folder, hand it to the workers
 * through the environment, and stop it when the run ends. A run killed before its teardown leaves
 * the server behind; the next start sweeps it away (the folder names this process as its owner).
 *
 * With CHAINHUNT_TEST_PG_URL already set, tests use that server instead and nothing is started.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const script = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'scripts',
  'postgres-test.sh',
);

/** Picks the run's server folder and its owner (this process). */
export function setup(): void {
  if (process.env['CHAINHUNT_TEST_PG_URL']) return;
  const dir = path.join(os.tmpdir(), `chainhunt-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
  process.env['CHAINHUNT_TEST_PG_DIR'] = dir;
  process.env['CHAINHUNT_TEST_PG_OWNER'] = String(process.pid);
}

/** Stops the run's server, if a test started one, and removes its folder. */
export async function teardown(): Promise<void> {
  const dir = process.env['CHAINHUNT_TEST_PG_DIR'];
  if (!dir || !(existsSync(dir) || existsSync(`${dir}.lock`))) return;
  await promisify(execFile)('bash', [script, 'stop', '--dir', dir], { timeout: 60_000 });
}
