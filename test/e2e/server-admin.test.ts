/**
 * `chainhunt admin` against a running server (the embedded store admits one process): the CLI
 * hands the operation to the server over its admin channel in the data folder. Tenants, users and
 * tokens made that way work at once, and imported intel is retro-hunted at once. When the server
 * was killed, the CLI finds nobody listening and works on the store itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { repoRoot } from '../fixtures.js';
import { admin, Api, demoBundle, startServer, tempDataDir, type RunningServer } from '../server.js';

const PW = 'operator-password-1';

describe('chainhunt admin while the server runs', () => {
  const servers: RunningServer[] = [];
  const data = tempDataDir();

  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('creates a tenant, a user and a token through the running server; they work at once', async () => {
    admin(data, ['user-create', 'op', '--password', PW, '--operator']);
    const server = await startServer(data);
    servers.push(server);
    expect(existsSync(path.join(data, 'admin.sock'))).toBe(true);

    expect(admin(data, ['tenant-create', 'beta', '--name', 'Beta Ltd'])).toEqual({
      id: 'beta',
      name: 'Beta Ltd',
    });
    const user = admin<{ username: string }>(data, [
      'user-create',
      'ana',
      '--password',
      'analyst-password-1',
      '--tenant',
      'beta',
      '--role',
      'analyst',
    ]);
    expect(user.username).toBe('ana');
    const tok = admin<{ token: string }>(data, [
      'token-create',
      '--name',
      'up',
      '--purpose',
      'upload',
      '--tenant',
      'beta',
    ]);

    // A second server on the same data folder is refused, naming the process that holds it.
    const again = runCli(['serve', '--port', '0', '--data', data]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /state\.duckdb is in use by another process \(PID \d+\): one server per data folder/,
    );

    // Refusals come back as usage errors with the server's reason.
    const dup = runCli(['admin', '--data', data, 'tenant-create', 'beta']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('tenant beta exists');
    const weak = runCli(['admin', '--data', data, 'user-create', 'x', '--password', 'short']);
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('at least 12 characters');

    const up = new Api(server.url, tok.token);
    expect((await up.post('/api/v1/tenants/beta/bundles', demoBundle('win-finance-01'))).status).toBe(202);
    const ana = new Api(server.url);
    expect(await ana.login('ana', 'analyst-password-1')).toBe(200);
    await ana.settle('beta');

    // Intel imported through the CLI is hunted now, not at the next start.
    const imp = admin<{ huntsQueued: number; huntsRunning: boolean }>(data, [
      'intel-import',
      path.join(repoRoot, 'intel', '3cx', '3cx.chainhunt.json'),
      '--tenant',
      'beta',
    ]);
    expect(imp).toMatchObject({ huntsQueued: 1, huntsRunning: true });
    await ana.settle('beta');
    const cases = await ana.get<{ items: { host: string; state: string }[] }>('/api/v1/tenants/beta/cases');
    expect(cases.body.items.some((c) => c.host === 'win-finance-01' && c.state === 'open')).toBe(true);

    // Lists and a revocation, also through the running server; a revoked token is refused at once.
    expect(admin<{ id: string }[]>(data, ['tenant-list']).map((t) => t.id)).toEqual(['beta']);
    expect(
      admin<{ username: string }[]>(data, ['user-list', '--tenant', 'beta']).map((u) => u.username),
    ).toEqual(['ana']);
    const listed = admin<Record<string, unknown>[]>(data, ['token-list', '--tenant', 'beta']);
    expect(listed.map((t) => [t['name'], t['purpose'], t['revokedAt']])).toEqual([['up', 'upload', null]]);
    expect(JSON.stringify(listed)).not.toContain(tok.token);
    const id = String(listed[0]?.['id']);
    expect(admin(data, ['token-revoke', id])).toEqual({ id, revoked: true });
    expect((await up.post('/api/v1/tenants/beta/bundles', demoBundle('win-sales-03'))).status).toBe(401);
    const twice = runCli(['admin', '--data', data, 'token-revoke', id]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`no active token ${id}`);

    const op = new Api(server.url);
    expect(await op.login('op', PW)).toBe(200);
    const audit = await op.get<{ items: { actor: string; action: string }[] }>(
      '/api/v1/tenants/beta/audit?limit=100',
    );
    const byCli = audit.body.items.filter((e) => e.actor === 'admin-cli').map((e) => e.action);
    expect(byCli).toEqual(
      expect.arrayContaining(['tenant.create', 'user.create', 'token.create', 'intel.import']),
    );
  });

  it('after a SIGKILL, the CLI finds nobody listening and works on the store; a restart takes over', async () => {
    const first = servers[0];
    if (!first) throw new Error('the first test did not start a server');
    await first.kill();
    // The killed server left its socket and secret behind.
    expect(existsSync(path.join(data, 'admin.sock'))).toBe(true);
    const old = readFileSync(path.join(data, 'admin.secret'), 'utf8');
    expect(admin(data, ['tenant-create', 'gamma'])).toEqual({ id: 'gamma', name: 'gamma' });

    const second = await startServer(data);
    servers.push(second);
    expect(readFileSync(path.join(data, 'admin.secret'), 'utf8')).not.toBe(old);
    expect(admin(data, ['tenant-create', 'delta'])).toEqual({ id: 'delta', name: 'delta' });
    const op = new Api(second.url);
    expect(await op.login('op', PW)).toBe(200);
    const tenants = await op.get<{ items: { id: string }[] }>('/api/v1/tenants');
    expect(tenants.body.items.map((t) => t.id).sort()).toEqual(['beta', 'delta', 'gamma']);
    await second.stop();
    servers.pop();
    // A clean stop removes both files.
    expect(existsSync(path.join(data, 'admin.sock'))).toBe(false);
    expect(existsSync(path.join(data, 'admin.secret'))).toBe(false);
  });
});
