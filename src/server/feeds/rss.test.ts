/**
 * RSS and Atom feeds served on loopback: first poll imports structured items and queues prose
 * items for review (the 3CX alert with its affected and fixed versions); the second poll is
 * conditional and gets 304; a new item later yields only that item.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollFeed } from './poll.js';
import { initialFeedState } from './config.js';
import { recordingImporter, startFeedServer, type FeedTestServer } from './test-server.js';
import type { FeedConfig, PollDeps } from './types.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const T0 = Date.parse('2023-03-30T10:00:00Z');

let srv: FeedTestServer;
beforeEach(async () => {
  srv = await startFeedServer();
});
afterEach(async () => {
  await srv.close();
});

function rssConfig(extra: Partial<FeedConfig> = {}): FeedConfig {
  return { id: 'vendor', kind: 'rss', url: `${srv.url}/security/feed.rss`, intervalSeconds: 3600, ...extra };
}

describe('RSS feed', () => {
  it('imports the enclosure, reviews prose, then gets 304 and later only the new item', async () => {
    srv.routes.set('/security/feed.rss', {
      body: fixture('vendor-advisories.rss'),
      type: 'application/rss+xml',
      etag: '"v1"',
      lastModified: 'Thu, 30 Mar 2023 09:00:00 GMT',
    });
    srv.routes.set('/security/osv/npm-2023-03.json', {
      body: fixture('npm-2023-03.json'),
      type: 'application/json',
    });
    const imp = recordingImporter();
    let now = T0;
    const deps: PollDeps = { importIntel: imp.importIntel, now: () => now };

    const r1 = await pollFeed(rssConfig(), initialFeedState(), deps);
    expect(r1.ok).toBe(true);
    expect(r1.notModified).toBe(false);
    expect(r1.issues).toEqual([]);
    // The enclosure is an OSV record list: imported through the OSV importer.
    expect(r1.imported).toHaveLength(1);
    expect(r1.imported[0]).toMatchObject({
      format: 'osv',
      advisories: 1,
      itemId: 'https://vendor.example/security/2023-03-npm',
    });
    expect(imp.docs[0]?.intel.advisories[0]?.id).toBe('MAL-2099-0001');
    // Two prose items, oldest first; the 3CX alert carries the extractor's draft.
    expect(r1.reviews.map((r) => r.itemId)).toEqual(['q1-2023-bulletin', 'adv-2023-0330-3cx']);
    const alert = r1.reviews[1];
    expect(alert?.title).toBe('Security Alert for 3CX DesktopApp');
    expect(alert?.link).toBe(`${srv.url}/security/2023-03-3cx-desktopapp`);
    expect(alert?.published).toBe('2023-03-30T08:15:00.000Z');
    expect(alert?.text).toContain('versions 18.12.407 and 18.12.416 are affected');
    expect(alert?.text).not.toContain('<p>');
    const product = alert?.draft.products.find((p) => p.name === '3CX DesktopApp');
    expect(product?.platform).toBe('windows');
    expect(product?.affected).toEqual(['18.12.407', '18.12.416']);
    expect(product?.fixed).toEqual(['18.12.422']);
    expect(alert?.draft.indicators.map((i) => i.value)).toEqual([
      'akamaicontainer.com',
      'msedgepackageinfo.com',
    ]);
    expect(r1.state).toMatchObject({
      etag: '"v1"',
      lastModified: 'Thu, 30 Mar 2023 09:00:00 GMT',
      failures: 0,
    });
    expect(r1.state.seenIds).toHaveLength(3);
    expect(r1.state.lastSuccessAt).toBe('2023-03-30T10:00:00.000Z');

    // Second poll: conditional headers, 304, nothing imported.
    now += 3600_000;
    const before = srv.requests.length;
    const r2 = await pollFeed(rssConfig(), r1.state, deps);
    const req = srv.requests[before];
    expect(req?.headers['if-none-match']).toBe('"v1"');
    expect(req?.headers['if-modified-since']).toBe('Thu, 30 Mar 2023 09:00:00 GMT');
    expect(r2).toMatchObject({ ok: true, notModified: true, imported: [], reviews: [], issues: [] });
    expect(srv.requests).toHaveLength(before + 1);
    expect(r2.state.seenIds).toEqual(r1.state.seenIds);
    expect(r2.state.lastPolledAt).toBe('2023-03-30T11:00:00.000Z');

    // The feed gains an item: only that one is handled.
    const newItem = `<item><title>3CX DesktopApp update 18.12.422 released</title><guid>adv-2023-0331-3cx-update</guid>
      <pubDate>Fri, 31 Mar 2023 07:00:00 GMT</pubDate><link>https://vendor.example/security/2023-03-3cx-update</link>
      <description>Version 18.12.422 of 3CX DesktopApp for Windows fixes the issue.</description></item>`;
    srv.routes.set('/security/feed.rss', {
      body: fixture('vendor-advisories.rss').replace('<item>', `${newItem}<item>`),
      type: 'application/rss+xml',
      etag: '"v2"',
    });
    now += 3600_000;
    const r3 = await pollFeed(rssConfig(), r2.state, deps);
    expect(r3.ok).toBe(true);
    expect(r3.imported).toEqual([]);
    expect(r3.reviews.map((r) => r.itemId)).toEqual(['adv-2023-0331-3cx-update']);
    expect(r3.reviews[0]?.draft.products[0]?.fixed).toEqual(['18.12.422']);
    expect(r3.state.etag).toBe('"v2"');
    // The server stopped sending Last-Modified: the stale value is dropped.
    expect(r3.state.lastModified).toBeUndefined();
    expect(r3.state.seenIds).toHaveLength(4);
    expect(imp.docs).toHaveLength(1);
  });

  it('sends basic credentials to the feed origin only', async () => {
    srv.routes.set('/security/feed.rss', (req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('msp:s3cret').toString('base64')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('vendor-advisories.rss'));
    });
    srv.routes.set('/security/osv/npm-2023-03.json', {
      body: fixture('npm-2023-03.json'),
      type: 'application/json',
    });
    const imp = recordingImporter();
    const bad = await pollFeed(
      rssConfig({ auth: { type: 'basic', username: 'msp', password: 'wrong' } }),
      initialFeedState(),
      { importIntel: imp.importIntel },
    );
    expect(bad.ok).toBe(false);
    expect(bad.issues[0]?.message).toMatch(/HTTP 401 Unauthorized/);
    expect(bad.state).toMatchObject({ failures: 1, seenIds: [] });
    expect(bad.state.lastError).toMatch(/401/);
    const good = await pollFeed(
      rssConfig({ auth: { type: 'basic', username: 'msp', password: 's3cret' } }),
      bad.state,
      { importIntel: imp.importIntel },
    );
    expect(good.ok).toBe(true);
    expect(good.state.failures).toBe(0);
    expect(good.state.lastError).toBeUndefined();
    expect(good.reviews).toHaveLength(2);
  });

  it('does not follow item links to other origins unless allowed', async () => {
    const other = await startFeedServer();
    try {
      other.routes.set('/npm.json', { body: fixture('npm-2023-03.json'), type: 'application/json' });
      const feed = fixture('vendor-advisories.rss').replace(
        '/security/osv/npm-2023-03.json',
        `${other.url}/npm.json`,
      );
      srv.routes.set('/security/feed.rss', { body: feed, type: 'application/rss+xml' });
      const imp = recordingImporter();
      const r = await pollFeed(rssConfig(), initialFeedState(), { importIntel: imp.importIntel });
      expect(r.ok).toBe(true);
      expect(r.imported).toEqual([]);
      expect(other.requests).toHaveLength(0);
      expect(r.issues.some((i) => /another origin .* not followed/.test(i.message))).toBe(true);
      // The item is still queued, as prose.
      expect(r.reviews).toHaveLength(3);
      const allowed = await pollFeed(rssConfig({ followOtherOrigins: true }), initialFeedState(), {
        importIntel: imp.importIntel,
      });
      expect(allowed.imported).toHaveLength(1);
      expect(other.requests).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('retries an item whose enclosure failed transiently, without storing the validators', async () => {
    srv.routes.set('/security/feed.rss', {
      body: fixture('vendor-advisories.rss'),
      type: 'application/rss+xml',
      etag: '"v1"',
    });
    let up = false;
    srv.routes.set('/security/osv/npm-2023-03.json', (_req, res) => {
      if (!up) res.writeHead(503).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(fixture('npm-2023-03.json'));
    });
    const imp = recordingImporter();
    const r1 = await pollFeed(rssConfig(), initialFeedState(), { importIntel: imp.importIntel });
    expect(r1.imported).toEqual([]);
    expect(r1.issues[0]?.message).toMatch(/HTTP 503/);
    expect(r1.state.etag).toBeUndefined();
    expect(r1.state.seenIds).toHaveLength(2);
    up = true;
    const r2 = await pollFeed(rssConfig(), r1.state, { importIntel: imp.importIntel });
    expect(r2.imported.map((i) => i.itemId)).toEqual(['https://vendor.example/security/2023-03-npm']);
    expect(r2.reviews).toEqual([]);
    expect(r2.state.etag).toBe('"v1"');
  });

  it('a store failure fails the poll and leaves the item for the next one', async () => {
    srv.routes.set('/security/feed.rss', {
      body: fixture('vendor-advisories.rss'),
      type: 'application/rss+xml',
    });
    srv.routes.set('/security/osv/npm-2023-03.json', {
      body: fixture('npm-2023-03.json'),
      type: 'application/json',
    });
    const r = await pollFeed(rssConfig(), initialFeedState(), {
      importIntel: () => Promise.reject(new Error('database is down')),
    });
    expect(r.ok).toBe(false);
    expect(r.state.failures).toBe(1);
    expect(r.issues.some((i) => i.code === 'internal-error' && /database is down/.test(i.message))).toBe(
      true,
    );
    expect(r.state.seenIds.some((k) => k.startsWith('https://vendor.example/security/2023-03-npm'))).toBe(
      false,
    );
  });

  it('keeps at most maxSeen ids, keeping those still listed', async () => {
    srv.routes.set('/security/feed.rss', {
      body: fixture('vendor-advisories.rss'),
      type: 'application/rss+xml',
    });
    srv.routes.set('/security/osv/npm-2023-03.json', {
      body: fixture('npm-2023-03.json'),
      type: 'application/json',
    });
    const imp = recordingImporter();
    const old = { ...initialFeedState(), seenIds: ['gone-1\n', 'gone-2\n', 'gone-3\n'] };
    const r = await pollFeed(rssConfig(), old, { importIntel: imp.importIntel, maxSeen: 4 });
    expect(r.state.seenIds).toHaveLength(4);
    expect(r.state.seenIds[0]).toBe('gone-3\n');
    // Budget: one item per poll, oldest first.
    const r1 = await pollFeed(rssConfig(), initialFeedState(), {
      importIntel: imp.importIntel,
      maxItemsPerPoll: 1,
    });
    expect(r1.reviews.map((x) => x.itemId)).toEqual(['q1-2023-bulletin']);
    expect(r1.state.etag).toBeUndefined();
  });
});

describe('Atom feed', () => {
  it('reviews XHTML prose, imports embedded STIX, re-reviews an entry updated since the last poll', async () => {
    srv.routes.set('/advisories.atom', {
      body: fixture('advisories.atom'),
      type: 'application/atom+xml',
      lastModified: 'Fri, 31 Mar 2023 10:00:00 GMT',
    });
    const imp = recordingImporter();
    let now = Date.parse('2023-03-31T12:00:00Z');
    const cfg: FeedConfig = {
      id: 'cert',
      kind: 'atom',
      url: `${srv.url}/advisories.atom`,
      intervalSeconds: 900,
    };
    const r1 = await pollFeed(cfg, initialFeedState(), { importIntel: imp.importIntel, now: () => now });
    expect(r1.ok).toBe(true);
    expect(r1.issues).toEqual([]);
    expect(r1.imported).toMatchObject([{ format: 'stix', indicators: 1 }]);
    expect(imp.docs[0]?.intel.indicators[0]?.value).toBe('akamaicontainer.com');
    expect(r1.reviews).toHaveLength(1);
    const rv = r1.reviews[0];
    expect(rv?.title).toBe('Supply-chain compromise of 3CX DesktopApp');
    expect(rv?.link).toBe('https://cert.example/advisories/2023-017');
    expect(rv?.published).toBe('2023-03-31T09:00:00.000Z');
    const p = rv?.draft.products.find((x) => x.name === '3CX DesktopApp');
    expect(p?.platform).toBe('macos');
    expect(p?.affected).toEqual(['18.11.1213', '18.12.402', '18.12.407', '18.12.416']);
    expect(p?.fixed).toEqual(['18.12.422']);

    // 304 via If-Modified-Since.
    now += 900_000;
    const r2 = await pollFeed(cfg, r1.state, { importIntel: imp.importIntel, now: () => now });
    expect(srv.requests.at(-1)?.headers['if-modified-since']).toBe('Fri, 31 Mar 2023 10:00:00 GMT');
    expect(r2.notModified).toBe(true);

    // The advisory is updated after that poll: reviewed again; the unchanged entry is not.
    srv.routes.set('/advisories.atom', {
      body: fixture('advisories.atom').replace(
        '<updated>2023-03-31T09:00:00Z</updated>',
        '<updated>2023-03-31T13:00:00Z</updated>',
      ),
      type: 'application/atom+xml',
      lastModified: 'Fri, 31 Mar 2023 13:00:00 GMT',
    });
    now += 900_000;
    const r3 = await pollFeed(cfg, r2.state, { importIntel: imp.importIntel, now: () => now });
    expect(r3.reviews.map((r) => r.published)).toEqual(['2023-03-31T13:00:00.000Z']);
    expect(r3.imported).toEqual([]);
    expect(r3.state.seenIds).toHaveLength(2);
  });
});
