/** Signed webhooks from a running server: new critical findings and case state changes. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/server/webhooks/index.js';
import { repoRoot } from '../fixtures.js';
import { admin, Api, demoBundle, startServer, tempDataDir, type RunningServer } from '../server.js';

interface Delivery {
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * Uploads win-finance-01 and imports the 3CX intel: a critical finding and a case open, and the
 * webhook events follow. Resolves once a case event reached the receiver (or after 20 s).
 */
async function openThreeCxCase(op: Api, got: Delivery[]): Promise<void> {
  expect((await op.post('/api/v1/tenants/acme/bundles', demoBundle('win-finance-01'))).status).toBe(202);
  await op.settle('acme');
  const pack = readFileSync(path.join(repoRoot, 'intel', '3cx', '3cx.chainhunt.json'));
  expect((await op.post('/api/v1/tenants/acme/intel?name=3cx.json', pack)).status).toBe(201);
  await op.settle('acme');
  const until = Date.now() + 20_000;
  while (Date.now() < until && !got.some((d) => d.headers['chainhunt-event'] === 'case.state_changed'))
    await new Promise((r) => setTimeout(r, 100));
}

describe('webhooks', () => {
  let server: RunningServer;
  let op: Api;
  const got: Delivery[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const data = tempDataDir();
    admin(data, ['tenant-create', 'acme']);
    admin(data, ['user-create', 'op', '--password', 'operator-password-1', '--operator']);
    server = await startServer(data, { extraArgs: ['--webhook-any-address'] });
    op = new Api(server.url);
    expect(await op.login('op', 'operator-password-1')).toBe(200);
  });

  afterAll(async () => {
    await server?.stop();
    receiver.close();
  });

  it('delivers signed new-critical and case events that verify with the secret shown once', async () => {
    const port = (receiver.address() as AddressInfo).port;
    const hook = await op.post<{ id: string; secret: string }>('/api/v1/tenants/acme/webhooks', {
      url: `http://127.0.0.1:${port}/hook`,
    });
    expect(hook.status).toBe(201);
    const listed = await op.get<{ items: Record<string, unknown>[] }>('/api/v1/tenants/acme/webhooks');
    expect(listed.body.items[0]).not.toHaveProperty('secret');

    await openThreeCxCase(op, got);

    const types = got.map((d) => d.headers['chainhunt-event']);
    expect(types).toContain('finding.new_critical');
    expect(types).toContain('case.state_changed');
    for (const d of got) {
      const v = verifySignature(hook.body.secret, String(d.headers['chainhunt-signature']), d.body);
      expect(v.ok).toBe(true);
      expect(verifySignature('wrong-secret', String(d.headers['chainhunt-signature']), d.body).ok).toBe(
        false,
      );
      const event = JSON.parse(d.body) as { tenant: string; type: string };
      expect(event.tenant).toBe('acme');
    }
    const opened = got
      .map((d) => JSON.parse(d.body) as { type: string; data: { to?: string; host?: string } })
      .find((e) => e.type === 'case.state_changed');
    expect(opened?.data).toMatchObject({ to: 'open', host: 'win-finance-01' });
    // Each attempt is in the audit log.
    const audit = await op.get<{ items: { action: string }[] }>('/api/v1/tenants/acme/audit?limit=1000');
    expect(audit.body.items.some((e) => e.action === 'webhook.delivered')).toBe(true);
  });
});

describe('webhooks: the outbox survives a SIGKILL', () => {
  const servers: RunningServer[] = [];
  const got: Delivery[] = [];
  let answer = 503;
  // Refuses with a long Retry-After until told otherwise: deliveries stay pending.
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      if (answer === 503) res.writeHead(503, { 'retry-after': '3600' }).end();
      else res.writeHead(answer).end();
    });
  });
  const idsOf = (ds: Delivery[]): string[] =>
    [...new Set(ds.map((d) => String(d.headers['chainhunt-delivery'])))].sort();

  beforeAll(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  });

  afterAll(async () => {
    for (const s of servers) await s.stop();
    receiver.close();
  });

  it('re-sends pending deliveries after a restart with the same delivery id, the attempt count going on', async () => {
    const data = tempDataDir();
    admin(data, ['tenant-create', 'acme']);
    admin(data, ['user-create', 'op', '--password', 'operator-password-1', '--operator']);
    const first = await startServer(data, { extraArgs: ['--webhook-any-address'] });
    servers.push(first);
    let op = new Api(first.url);
    expect(await op.login('op', 'operator-password-1')).toBe(200);
    const port = (receiver.address() as AddressInfo).port;
    const hook = await op.post<{ id: string; secret: string }>('/api/v1/tenants/acme/webhooks', {
      url: `http://127.0.0.1:${port}/hook`,
    });
    expect(hook.status).toBe(201);
    await openThreeCxCase(op, got);
    // Give any remaining first attempts time to arrive, then kill the server mid-retry.
    await new Promise((r) => setTimeout(r, 500));
    const refused = idsOf(got);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    for (const d of got) expect(d.headers['chainhunt-attempt']).toBe('1');
    // The listing shows the backlog and the latest attempt.
    const before = await op.get<{
      items: { pending: number; lastAttempt: { status: string; httpStatus: number } }[];
    }>('/api/v1/tenants/acme/webhooks');
    expect(before.body.items[0]?.pending).toBe(refused.length);
    expect(before.body.items[0]?.lastAttempt).toMatchObject({ status: 'retrying', httpStatus: 503 });
    await first.kill();

    answer = 204;
    got.length = 0;
    const second = await startServer(data, { extraArgs: ['--webhook-any-address'] });
    servers.push(second);
    const until2 = Date.now() + 20_000;
    while (Date.now() < until2 && idsOf(got).length < refused.length)
      await new Promise((r) => setTimeout(r, 100));
    expect(idsOf(got)).toEqual(refused);
    for (const d of got) {
      expect(d.headers['chainhunt-attempt']).toBe('2');
      expect(verifySignature(hook.body.secret, String(d.headers['chainhunt-signature']), d.body).ok).toBe(
        true,
      );
    }
    op = new Api(second.url);
    expect(await op.login('op', 'operator-password-1')).toBe(200);
    const audit = await op.get<{ items: { action: string; detail: { deliveryId?: string } }[] }>(
      '/api/v1/tenants/acme/audit?limit=1000',
    );
    const delivered = audit.body.items.filter((e) => e.action === 'webhook.delivered');
    expect(delivered.map((e) => e.detail.deliveryId ?? '').sort()).toEqual(refused);
    const after = await op.get<{ items: { pending: number; lastAttempt: { status: string } }[] }>(
      '/api/v1/tenants/acme/webhooks',
    );
    expect(after.body.items[0]).toMatchObject({ pending: 0, lastAttempt: { status: 'delivered' } });

    // Delivered means gone from the outbox: a third start sends nothing.
    await second.stop();
    got.length = 0;
    const third = await startServer(data, { extraArgs: ['--webhook-any-address'] });
    servers.push(third);
    await new Promise((r) => setTimeout(r, 1000));
    expect(got).toEqual([]);
  }, 120_000);
});
