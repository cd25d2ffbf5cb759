/**
 * Feed subscriptions through the server, against feeds served on loopback: an RSS advisory feed
 * (prose → review queue → publish → retro-hunt) polled with conditional requests, and an OSV feed
 * (structured → imported → retro-hunt).
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../fixtures.js';
import { admin, Api, demoBundle, startServer, tempDataDir, type RunningServer } from '../server.js';

const fixtures = path.join(repoRoot, 'src', 'server', 'feeds', '__fixtures__');

describe('feeds through the server', () => {
  let server: RunningServer;
  let op: Api;
  let base = '';
  const conditional: string[] = [];
  const feedServer = createServer((req, res) => {
    const file =
      req.url === '/advisories.rss'
        ? 'vendor-advisories.rss'
        : req.url === '/osv.json'
          ? 'osv-list.json'
          : null;
    if (!file) return void res.writeHead(404).end();
    const body = readFileSync(path.join(fixtures, file));
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match']) conditional.push(`${req.url ?? ''} ${req.headers['if-none-match']}`);
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
    res.writeHead(200, {
      'content-type': file.endsWith('.rss') ? 'application/rss+xml' : 'application/json',
      etag,
    });
    res.end(body);
  });

  beforeAll(async () => {
    await new Promise<void>((r) => feedServer.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;
    const data = tempDataDir();
    admin(data, ['tenant-create', 'acme']);
    admin(data, ['user-create', 'op', '--password', 'operator-password-1', '--operator']);
    server = await startServer(data);
    op = new Api(server.url);
    expect(await op.login('op', 'operator-password-1')).toBe(200);
    expect((await op.post('/api/v1/tenants/acme/bundles', demoBundle('win-finance-01'))).status).toBe(202);
    await op.settle('acme');
  });

  afterAll(async () => {
    await server?.stop();
    feedServer.close();
  });

  it('an RSS advisory becomes a reviewed draft; publishing it opens the 3CX case; the next poll is conditional', async () => {
    const feed = await op.post<{ id: string }>('/api/v1/tenants/acme/feeds', {
      kind: 'rss',
      url: `${base}/advisories.rss`,
    });
    expect(feed.status, JSON.stringify(feed.body)).toBe(201);
    const first = await op.post<{ ok: boolean; reviews: number; notModified: boolean }>(
      `/api/v1/tenants/acme/feeds/${feed.body.id}/poll`,
    );
    expect(first.body).toMatchObject({ ok: true, notModified: false });
    expect(first.body.reviews).toBeGreaterThan(0);
    const reviews = await op.get<{
      items: {
        id: string;
        title: string;
        state: string;
        draft: { products: { name: string; affected: string[] }[] };
      }[];
    }>('/api/v1/tenants/acme/reviews');
    const r = reviews.body.items.find((x) => /3CX/i.test(x.title));
    expect(r?.state).toBe('pending');
    expect(r?.draft.products.flatMap((p) => p.affected)).toEqual(
      expect.arrayContaining(['18.12.407', '18.12.416']),
    );
    const published = await op.post<{ jobs: unknown[] }>(
      `/api/v1/tenants/acme/reviews/${r?.id ?? ''}/publish`,
    );
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    await op.settle('acme');
    const cases = await op.get<{ items: { host: string; state: string }[] }>('/api/v1/tenants/acme/cases');
    expect(cases.body.items).toContainEqual(
      expect.objectContaining({ host: 'win-finance-01', state: 'open' }),
    );

    const second = await op.post<{ notModified: boolean; reviews: number }>(
      `/api/v1/tenants/acme/feeds/${feed.body.id}/poll`,
    );
    expect(second.body).toMatchObject({ notModified: true, reviews: 0 });
    expect(conditional.some((c) => c.startsWith('/advisories.rss'))).toBe(true);
  });

  it('an OSV feed is imported as tenant intel and queues a retro-hunt', async () => {
    const before = (await op.get<{ total: number }>('/api/v1/tenants/acme/jobs')).body.total;
    const feed = await op.post<{ id: string }>('/api/v1/tenants/acme/feeds', {
      kind: 'osv',
      url: `${base}/osv.json`,
    });
    const polled = await op.post<{ imported: { advisories: number }[] }>(
      `/api/v1/tenants/acme/feeds/${feed.body.id}/poll`,
    );
    expect(polled.body.imported.length).toBe(1);
    expect(polled.body.imported[0]?.advisories).toBeGreaterThan(0);
    const sources = await op.get<{ items: { importedBy: string }[] }>('/api/v1/tenants/acme/intel');
    expect(sources.body.items.some((s) => s.importedBy === `feed:${feed.body.id}`)).toBe(true);
    await op.settle('acme');
    const after = await op.get<{ total: number; items: { type: string }[] }>('/api/v1/tenants/acme/jobs');
    expect(after.body.total).toBeGreaterThan(before);
    expect(after.body.items[0]?.type).toBe('hunt');
  });

  it('refuses a feed with a bad config and hides credentials', async () => {
    const bad = await op.post('/api/v1/tenants/acme/feeds', { kind: 'gopher', url: `${base}/x` });
    expect(bad.status).toBe(400);
    const withAuth = await op.post('/api/v1/tenants/acme/feeds', {
      kind: 'taxii',
      url: `${base}/taxii2/`,
      auth: { type: 'basic', username: 'u', password: 'secret-password' },
    });
    expect(withAuth.status).toBe(201);
    const list = await op.get('/api/v1/tenants/acme/feeds');
    expect(JSON.stringify(list.body)).not.toContain('secret-password');
  });
});
