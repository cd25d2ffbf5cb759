/**
 * Hostile and broken feeds on loopback: entity-expansion XML, oversized and compressed bodies,
 * invalid JSON, wrong content types, redirect loops and chains, a server that never answers, a
 * cross-origin redirect (credentials must not follow). Each yields issues and a failed or partial
 * poll, never a crash or a hang.
 */
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialFeedState } from './config.js';
import { retryAfterSeconds } from './http.js';
import { pollFeed } from './poll.js';
import { recordingImporter, startFeedServer, type FeedTestServer } from './test-server.js';
import type { FeedConfig, FeedKind, PollDeps } from './types.js';

let srv: FeedTestServer;
beforeEach(async () => {
  srv = await startFeedServer();
});
afterEach(async () => {
  await srv.close();
});

const cfg = (kind: FeedKind, path: string, extra: Partial<FeedConfig> = {}): FeedConfig => ({
  id: 'h',
  kind,
  url: `${srv.url}${path}`,
  intervalSeconds: 3600,
  ...extra,
});

async function poll(c: FeedConfig, deps: Partial<PollDeps> = {}): ReturnType<typeof pollFeed> {
  const imp = recordingImporter();
  const r = await pollFeed(c, initialFeedState(), { importIntel: imp.importIntel, ...deps });
  expect(imp.docs).toEqual([]);
  return r;
}

const LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title><item><title>&lol3;</title><guid>x</guid></item></channel></rss>`;

const XXE = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&xxe;</title><guid>x</guid></item></channel></rss>`;

describe('hostile feeds', () => {
  it('refuses XML with DOCTYPE/ENTITY declarations (entity expansion, external entities)', async () => {
    for (const body of [LAUGHS, XXE]) {
      srv.routes.set('/f.rss', { body, type: 'application/rss+xml' });
      const r = await poll(cfg('rss', '/f.rss'));
      expect(r.ok).toBe(false);
      expect(r.reviews).toEqual([]);
      expect(r.issues[0]).toMatchObject({
        code: 'unsupported',
        message: expect.stringMatching(/DOCTYPE or ENTITY/),
      });
      expect(r.state.failures).toBe(1);
    }
  });

  it('refuses a body over the byte cap (declared, chunked, or inflated from gzip)', async () => {
    const big = `<rss><channel>${'<item><title>x</title></item>'.repeat(50_000)}</channel></rss>`;
    srv.routes.set('/declared.rss', { body: big, type: 'application/rss+xml' });
    srv.routes.set('/chunked.rss', (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      for (let i = 0; i < 20; i++) res.write(big.slice(0, 100_000));
      res.end();
    });
    srv.routes.set('/bomb.json', (_q, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
        .end(gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)));
    });
    const declared = await poll(cfg('rss', '/declared.rss'), { maxBytes: 100_000 });
    expect(declared.issues[0]).toMatchObject({
      code: 'too-large',
      message: expect.stringMatching(/limit 100000/),
    });
    const chunked = await poll(cfg('rss', '/chunked.rss'), { maxBytes: 100_000 });
    expect(chunked.issues[0]).toMatchObject({
      code: 'too-large',
      message: expect.stringMatching(/larger than 100000/),
    });
    const bomb = await poll(cfg('osv', '/bomb.json'), { maxBytes: 1024 * 1024 });
    expect(bomb.ok).toBe(false);
    expect(bomb.issues[0]?.code).toBe('too-large');
  });

  it('reports invalid JSON, deep JSON and binary bodies', async () => {
    srv.routes.set('/trunc.json', {
      body: '[{"id": "MAL-1", "modified": "2025-01-01T00:00:00Z"',
      type: 'application/json',
    });
    srv.routes.set('/deep.json', { body: '['.repeat(10_000) + ']'.repeat(10_000), type: 'application/json' });
    srv.routes.set('/bin.json', {
      body: Buffer.from([0xff, 0xfe, 0x00, 0xd8, 0x00, 0x00, 0x01, 0x02]),
      type: 'application/json',
    });
    srv.routes.set('/misp/manifest.json', { body: '{"a": ', type: 'application/json' });
    const trunc = await poll(cfg('osv', '/trunc.json'));
    expect(trunc.issues[0]).toMatchObject({
      code: 'parse-error',
      message: expect.stringMatching(/not valid JSON/),
    });
    const deep = await poll(cfg('osv', '/deep.json'));
    expect(deep.issues[0]?.message).toMatch(/nests deeper than 64/);
    const bin = await poll(cfg('osv', '/bin.json'));
    expect(bin.ok).toBe(false);
    expect(bin.issues).toHaveLength(1);
    const misp = await poll(cfg('misp', '/misp/'));
    expect(misp.issues[0]?.message).toMatch(/MISP feed manifest not valid JSON/);
  });

  it('reports a wrong content type: HTML login page for a feed, JSON for RSS', async () => {
    srv.routes.set('/login', { body: 'Please sign in', type: 'text/html' });
    srv.routes.set('/api.json', { body: '{"items": []}', type: 'application/json' });
    srv.routes.set('/page.html', { body: '<html><body><p>hello</p></body></html>', type: 'text/html' });
    const login = await poll(cfg('rss', '/login'));
    expect(login.issues[0]?.message).toMatch(/expected an RSS or Atom document, got text\/html/);
    const json = await poll(cfg('atom', '/api.json'));
    expect(json.issues[0]?.message).toMatch(/got application\/json that is not XML/);
    const html = await poll(cfg('rss', '/page.html'));
    expect(html.issues[0]?.message).toMatch(/root element <html> is neither RSS/);
  });

  it('refuses redirect loops and long redirect chains, follows a short one', async () => {
    srv.routes.set('/a', (_q, res) => void res.writeHead(302, { location: '/b' }).end());
    srv.routes.set('/b', (_q, res) => void res.writeHead(301, { location: `${srv.url}/a` }).end());
    for (let i = 0; i < 10; i++)
      srv.routes.set(`/hop${i}`, (_q, res) => void res.writeHead(307, { location: `/hop${i + 1}` }).end());
    srv.routes.set('/hop10', { body: '<rss><channel></channel></rss>', type: 'application/rss+xml' });
    srv.routes.set('/nowhere', (_q, res) => void res.writeHead(302).end());
    const loop = await poll(cfg('rss', '/a'));
    expect(loop.issues[0]?.message).toMatch(/redirect loop/);
    const chain = await poll(cfg('rss', '/hop0'));
    expect(chain.issues[0]?.message).toMatch(/more than 5 redirects/);
    const short = await poll(cfg('rss', '/hop7'));
    expect(short).toMatchObject({ ok: true, issues: [] });
    const noLoc = await poll(cfg('rss', '/nowhere'));
    expect(noLoc.issues[0]?.message).toMatch(/without a Location/);
  });

  it('does not send credentials across a redirect to another origin', async () => {
    const other = await startFeedServer();
    try {
      other.routes.set('/feed.rss', { body: '<rss><channel></channel></rss>', type: 'application/rss+xml' });
      srv.routes.set(
        '/feed.rss',
        (_q, res) => void res.writeHead(302, { location: `${other.url}/feed.rss` }).end(),
      );
      const r = await poll(cfg('rss', '/feed.rss', { auth: { type: 'bearer', token: 'secret-token' } }));
      expect(r.ok).toBe(true);
      expect(srv.requests[0]?.headers.authorization).toBe('Bearer secret-token');
      expect(other.requests[0]?.headers.authorization).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('gives up on a server that never answers (timeout), and on a refused connection', async () => {
    srv.routes.set('/hang', () => undefined);
    const hang = await poll(cfg('rss', '/hang'), { timeoutMs: 200 });
    expect(hang.ok).toBe(false);
    expect(hang.issues[0]?.message).toMatch(/no complete answer within 0.2 s/);
    const closed = await startFeedServer();
    const url = closed.url;
    await closed.close();
    const refused = await poll({ id: 'x', kind: 'osv', url: `${url}/x.json`, intervalSeconds: 3600 });
    expect(refused.issues[0]?.message).toMatch(/request failed/);
  });

  it('a broken fetch or importer is an issue, not a rejection', async () => {
    const r = await pollFeed(cfg('rss', '/x'), initialFeedState(), {
      importIntel: recordingImporter().importIntel,
      fetch: () => {
        throw new TypeError('boom');
      },
    });
    expect(r.ok).toBe(false);
    expect(r.issues[0]?.message).toMatch(/request failed: boom/);
    const badUrl = await pollFeed({ ...cfg('rss', '/'), url: 'not a url' }, initialFeedState(), {
      importIntel: recordingImporter().importIntel,
    });
    expect(badUrl.ok).toBe(false);
    expect(badUrl.issues[0]?.code).toBe('invalid-value');
  });

  it("passes on a server's Retry-After", async () => {
    srv.routes.set('/busy', (_q, res) => void res.writeHead(429, { 'retry-after': '120' }).end());
    const r = await poll(cfg('rss', '/busy'));
    expect(r).toMatchObject({ ok: false, retryAfterSeconds: 120 });
    expect(r.issues[0]?.message).toMatch(/429 Too Many Requests/);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:10:00 GMT', now)).toBe(600);
    expect(retryAfterSeconds('99999999', now)).toBe(86_400);
    expect(retryAfterSeconds('whenever', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });
});
