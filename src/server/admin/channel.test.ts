/** The admin channel's protocol and authentication, against a real embedded state store. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../state/store.js';
import type { Job } from '../state/types.js';
import { adminSocketPath, callAdmin, listenAdmin, MAX_REQUEST, type AdminChannel } from './channel.js';

let dir: string;
let state: StateStore;
let channel: AdminChannel | null;
const submitted: Job[] = [];

/** Sends raw bytes and returns the answer line. */
function raw(
  payload: string | Buffer,
  end = true,
): Promise<{ ok: boolean; error?: string; result?: unknown }> {
  return new Promise((resolve, reject) => {
    const c = net.connect(adminSocketPath(dir));
    let text = '';
    c.on('data', (d: Buffer) => (text += d.toString()));
    c.on('error', reject);
    c.on('close', () => resolve(JSON.parse(text) as { ok: boolean; error?: string }));
    c.write(payload);
    if (end) c.end();
  });
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'chadm-'));
  state = await StateStore.open({ dataDir: dir });
  submitted.length = 0;
  channel = await listenAdmin(
    {
      state,
      dataDir: dir,
      now: () => '2026-01-01T00:00:00.000Z',
      submit: (j) => {
        submitted.push(j);
        return Promise.resolve();
      },
    },
    undefined,
    300,
  );
});

afterEach(async () => {
  await channel?.close();
  await state.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('admin channel', () => {
  it('listens on a 0600 socket with a 0600 secret, and runs operations in the host', async () => {
    expect(channel).not.toBeNull();
    expect(statSync(adminSocketPath(dir)).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'admin.secret')).mode & 0o777).toBe(0o600);
    expect(await callAdmin(dir, 'tenant-create', { id: 'acme', name: 'Acme' })).toEqual({
      ok: true,
      result: { id: 'acme', name: 'Acme' },
    });
    expect(await state.tenant('acme')).toMatchObject({ name: 'Acme' });
    expect(await callAdmin(dir, 'tenant-create', { id: 'acme' })).toEqual({
      ok: false,
      error: 'tenant acme exists',
    });
    expect(await callAdmin(dir, 'tenant-create', { id: 'Not OK' })).toMatchObject({ ok: false });
    const tok = await callAdmin(dir, 'token-create', { name: 'up', purpose: 'upload', tenant: 'acme' });
    expect(tok).toMatchObject({ ok: true, result: { tenant: 'acme', purpose: 'upload' } });
    expect(await callAdmin(dir, 'token-create', { name: 'up', purpose: 'upload', tenant: 'nope' })).toEqual({
      ok: false,
      error: 'no tenant nope',
    });
    // Every change is audited with the admin actor.
    const audit = (await state.auditLog('acme', 10, 0)).items;
    expect(audit.map((e) => [e.actor, e.action])).toEqual(
      expect.arrayContaining([
        ['admin-cli', 'tenant.create'],
        ['admin-cli', 'token.create'],
      ]),
    );
  });

  it('queues and submits a retro-hunt per tenant when intel is imported', async () => {
    await callAdmin(dir, 'tenant-create', { id: 'acme' });
    await callAdmin(dir, 'tenant-create', { id: 'zeta' });
    const file = path.resolve('intel/3cx/3cx.chainhunt.json');
    const r = await callAdmin(dir, 'intel-import', { files: [file] });
    expect(r).toMatchObject({ ok: true, result: { huntsQueued: 2, huntsRunning: true } });
    expect(submitted.map((j) => [j.tenant, j.type]).sort()).toEqual([
      ['acme', 'hunt'],
      ['zeta', 'hunt'],
    ]);
    expect(await callAdmin(dir, 'intel-import', { files: ['relative.json'] })).toMatchObject({ ok: false });
    expect(await callAdmin(dir, 'intel-import', { files: [path.join(dir, 'missing.json')] })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^cannot read /) as unknown,
    });
  });

  it('refuses a wrong or missing secret, an unknown operation, non-JSON and oversized requests', async () => {
    const secret = readFileSync(path.join(dir, 'admin.secret'), 'utf8').trim();
    const wrong = secret.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    for (const s of [wrong, '', 42, undefined])
      expect(await raw(`${JSON.stringify({ secret: s, op: 'tenant-create', args: { id: 'x' } })}\n`)).toEqual(
        {
          ok: false,
          error: 'not authenticated: wrong or missing admin secret',
        },
      );
    expect(await state.tenant('x')).toBeNull();
    expect(await raw(`${JSON.stringify({ secret, op: 'drop-everything', args: {} })}\n`)).toMatchObject({
      ok: false,
      error: 'unknown operation "drop-everything"',
    });
    expect(await raw(`${JSON.stringify({ secret, op: 'toString', args: {} })}\n`)).toMatchObject({
      ok: false,
    });
    expect(await raw(`${JSON.stringify({ secret, op: 'tenant-create', args: null })}\n`)).toMatchObject({
      ok: false,
      error: 'args must be an object',
    });
    expect(await raw('{not json\n')).toEqual({ ok: false, error: 'the request is not JSON' });
    expect(await raw(Buffer.alloc(MAX_REQUEST + 10, 0x20), false)).toEqual({
      ok: false,
      error: `request over ${MAX_REQUEST} bytes`,
    });
  });

  it('answers a request that never completes with a timeout', async () => {
    expect(await raw('{"secret":', false)).toEqual({ ok: false, error: 'no complete request within 300 ms' });
  });

  it('a data folder too deep for a Unix socket path gets a private socket folder under /tmp', async () => {
    const deep = path.join(dir, 'a-rather-long-folder-name-for-the-data'.repeat(3));
    mkdirSync(deep, { recursive: true });
    const sock = adminSocketPath(deep);
    expect(sock.startsWith('/tmp/chainhunt-admin-')).toBe(true);
    const longState = await StateStore.open({ dataDir: deep });
    const ch = await listenAdmin({ state: longState, dataDir: deep, now: () => '2026-01-01T00:00:00.000Z' });
    try {
      expect(ch?.path).toBe(sock);
      expect(statSync(path.dirname(sock)).mode & 0o777).toBe(0o700);
      expect(await callAdmin(deep, 'tenant-create', { id: 'deep' })).toEqual({
        ok: true,
        result: { id: 'deep', name: 'deep' },
      });
    } finally {
      await ch?.close();
      await longState.close();
    }
    expect(existsSync(path.dirname(sock))).toBe(false);
  });

  it('is gone after close: callers get null and fall back to the store', async () => {
    await channel?.close();
    channel = null;
    expect(await callAdmin(dir, 'tenant-create', { id: 'acme' })).toBeNull();
    expect(await state.tenant('acme')).toBeNull();
  });
});
