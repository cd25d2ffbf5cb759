/** The webhook notifier's transactional outbox, against a real embedded state store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../context.js';
import { StateStore } from '../state/store.js';
import { webhookNotifier } from './notify.js';

let dir: string;
let state: StateStore;
let receiver: Server;
let url: string;
const got: { delivery: string; attempt: string; body: string }[] = [];

const caseEvent = (tenant: string): ServerEvent => ({
  type: 'case.state_changed',
  tenant,
  caseId: 'c-1',
  host: 'win-finance-01',
  key: 'advisory:CVE-2023-29059',
  from: 'open',
  to: 'contained',
  actor: 'alice',
  reason: 'isolated',
  at: '2026-01-01T00:00:00.000Z',
  evidence: null,
});

async function hook(id: string, tenant: string, events: string[] = []): Promise<void> {
  await state.addWebhook({
    id,
    tenant,
    url,
    secret: 'whsec_test',
    events,
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'alice',
  });
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'chnotify-'));
  state = await StateStore.open({ dataDir: dir });
  got.length = 0;
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      got.push({
        delivery: String(req.headers['chainhunt-delivery']),
        attempt: String(req.headers['chainhunt-attempt']),
        body,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

afterEach(async () => {
  await new Promise<void>((r) => receiver.close(() => r()));
  await state.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('webhook notifier outbox', () => {
  it('stages deliveries in the transaction: a rollback leaves none, a commit keeps them for a restart', async () => {
    await hook('h1', 'acme');
    await hook('h2', 'acme', ['finding.new_critical']);
    const n = webhookNotifier(state, { addressPolicy: 'any' });
    await expect(
      state.tx(async (q) => {
        expect(await n.stage([caseEvent('acme')], q)).toHaveLength(1);
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    expect(await state.outbox()).toEqual([]);

    // Committed but never dispatched (the process died right after the commit).
    const staged = await state.tx((q) => n.stage([caseEvent('acme'), caseEvent('zeta')], q));
    expect(staged.map((d) => d.endpoint.id)).toEqual(['h1']);
    await n.close();
    const pending = await state.outbox();
    expect(pending.map((d) => [d.deliveryId, d.webhookId, d.attempts])).toEqual([
      [staged[0]?.deliveryId, 'h1', 0],
    ]);

    // The next process sends it, once, under the staged id, and the outbox empties.
    const next = webhookNotifier(state, { addressPolicy: 'any' });
    expect(await next.resume()).toBe(1);
    await next.drain();
    await next.close();
    expect(got.map((g) => [g.delivery, g.attempt])).toEqual([[staged[0]?.deliveryId, '1']]);
    expect(JSON.parse(got[0]?.body ?? '{}')).toMatchObject({ type: 'case.state_changed', tenant: 'acme' });
    expect(await state.outbox()).toEqual([]);
    const audit = (await state.auditLog('acme', 10, 0)).items.map((e) => e.action);
    expect(audit).toContain('webhook.delivered');
  });

  it('dispatches what it staged after the commit; nothing is left behind', async () => {
    await hook('h1', 'acme');
    const n = webhookNotifier(state, { addressPolicy: 'any' });
    const staged = await state.tx((q) => n.stage([caseEvent('acme')], q));
    n.dispatch(staged);
    await n.drain();
    await n.close();
    expect(got.map((g) => g.delivery)).toEqual(staged.map((d) => d.deliveryId));
    expect(await state.outbox()).toEqual([]);
  });

  it('a full queue defers deliveries in the outbox; the sweep sends them once there is room', async () => {
    await hook('h1', 'acme');
    let answer = 503;
    receiver.removeAllListeners('request');
    receiver.on('request', (req, res) => {
      req.resume();
      req.on('end', () => {
        got.push({ delivery: String(req.headers['chainhunt-delivery']), attempt: '', body: '' });
        res.writeHead(answer).end();
      });
    });
    const n = webhookNotifier(state, {
      addressPolicy: 'any',
      dispatcher: { maxQueue: 1, baseDelayMs: 20, maxDelayMs: 40, maxAttempts: 50 },
      sweepMs: 50,
    });
    const staged = await state.tx((q) =>
      n.stage([caseEvent('acme'), caseEvent('acme'), caseEvent('acme')], q),
    );
    n.dispatch(staged);
    await n.resume();
    // One is held and retrying; the other two wait in the outbox, none lost.
    await new Promise((r) => setTimeout(r, 200));
    expect(new Set(got.map((g) => g.delivery))).toEqual(new Set([staged[0]?.deliveryId]));
    expect((await state.outbox()).map((d) => d.deliveryId).sort()).toEqual(
      staged.map((d) => d.deliveryId).sort(),
    );
    answer = 204;
    const until = Date.now() + 10_000;
    while (Date.now() < until && (await state.outbox()).length > 0)
      await new Promise((r) => setTimeout(r, 50));
    await n.drain();
    await n.close();
    expect(await state.outbox()).toEqual([]);
    const delivered = (await state.auditLog('acme', 500, 0)).items
      .filter((e) => e.action === 'webhook.delivered')
      .map((e) => (e.detail as { deliveryId: string }).deliveryId)
      .sort();
    expect(delivered).toEqual(staged.map((d) => d.deliveryId).sort());
  });

  it('a delivery the dispatcher refuses leaves the outbox and is audited', async () => {
    await hook('h1', 'acme');
    // The public-only policy refuses a loopback receiver when it is queued.
    const n = webhookNotifier(state, { addressPolicy: 'public-only' });
    const staged = await state.tx((q) => n.stage([caseEvent('acme')], q));
    n.dispatch(staged);
    await n.drain();
    await n.close();
    expect(got).toEqual([]);
    expect(await state.outbox()).toEqual([]);
    const refused = (await state.auditLog('acme', 10, 0)).items.find((e) => e.action === 'webhook.refused');
    expect(JSON.stringify(refused?.detail)).toMatch(/not a public address/);
  });
});
