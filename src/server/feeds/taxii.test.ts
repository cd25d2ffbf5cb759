/**
 * A TAXII 2.1 server on loopback (discovery, API root, collections, paged objects with
 * `more`/`next` and `X-TAXII-Date-Added-Last`): first poll imports every page, the next poll asks
 * `added_after` the cursor and imports only what was added since; 401/403/404 are clear issues.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialFeedState } from './config.js';
import { pollFeed } from './poll.js';
import { TAXII_MEDIA_TYPE } from './taxii.js';
import { recordingImporter, startFeedServer, type FeedTestServer } from './test-server.js';
import type { FeedConfig } from './types.js';

const COL = '365fed99-08fa-fdcd-a1b3-fb247eb41d01';
const TOKEN = 'taxii-token-1';

interface Stored {
  added: string;
  obj: Record<string, unknown>;
}

function indicator(n: number, domain: string, added: string): Stored {
  const id = `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    added,
    obj: {
      type: 'indicator',
      spec_version: '2.1',
      id,
      created: added,
      modified: added,
      name: `C2 ${domain}`,
      pattern: `[domain-name:value = '${domain}']`,
      pattern_type: 'stix',
      valid_from: added,
    },
  };
}

/** A small TAXII 2.1 server: pages of 2 objects, `next` = index of the next object. */
function taxii(
  srv: FeedTestServer,
  store: Stored[],
  opts: { pageBy: 'next' | 'date' } = { pageBy: 'next' },
): void {
  const json = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    res.writeHead(status, { 'content-type': TAXII_MEDIA_TYPE, ...headers }).end(JSON.stringify(body));
  };
  const authed = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.headers.authorization === `Bearer ${TOKEN}`) return true;
    json(res, 401, { title: 'Unauthorized' });
    return false;
  };
  srv.routes.set('/taxii2/', (req, res) => {
    if (!authed(req, res)) return;
    json(res, 200, {
      title: 'Example TAXII',
      default: `${srv.url}/api1/`,
      api_roots: [`${srv.url}/api1/`, '/api2/'],
    });
  });
  srv.routes.set('/api1/', (req, res) => {
    if (authed(req, res))
      json(res, 200, { title: 'API root 1', versions: ['application/taxii+json;version=2.1'] });
  });
  srv.routes.set('/api1/collections/', (req, res) => {
    if (!authed(req, res)) return;
    json(res, 200, {
      collections: [
        {
          id: COL,
          title: '3CX indicators',
          can_read: true,
          can_write: false,
          media_types: [TAXII_MEDIA_TYPE],
        },
        { id: 'secret-collection', title: 'restricted', can_read: false, can_write: false },
      ],
    });
  });
  srv.routes.set('/api1/collections/secret-collection/objects/', (req, res) => {
    if (authed(req, res)) json(res, 403, { title: 'Forbidden' });
  });
  srv.routes.set(`/api1/collections/${COL}/objects/`, (req, res, url) => {
    if (!authed(req, res)) return;
    if (!(req.headers.accept ?? '').includes('application/taxii+json;version=2.1')) {
      json(res, 406, { title: 'Not Acceptable' });
      return;
    }
    const after = url.searchParams.get('added_after');
    const start = Number(url.searchParams.get('next') ?? '0');
    const matching = store.filter((s) => after === null || Date.parse(s.added) > Date.parse(after));
    const page = matching.slice(start, start + 2);
    const more = start + 2 < matching.length;
    const headers: Record<string, string> = {};
    if (page.length > 0) {
      headers['x-taxii-date-added-first'] = page[0]?.added ?? '';
      headers['x-taxii-date-added-last'] = page.at(-1)?.added ?? '';
    }
    const body: Record<string, unknown> = { more };
    if (page.length > 0) body['objects'] = page.map((p) => p.obj);
    if (more && opts.pageBy === 'next') body['next'] = String(start + 2);
    json(res, 200, body, headers);
  });
}

let srv: FeedTestServer;
beforeEach(async () => {
  srv = await startFeedServer();
});
afterEach(async () => {
  await srv.close();
});

const cfg = (extra: Partial<FeedConfig> = {}): FeedConfig => ({
  id: 'taxii',
  kind: 'taxii',
  url: `${srv.url}/taxii2/`,
  intervalSeconds: 3600,
  collection: COL,
  auth: { type: 'bearer', token: TOKEN },
  ...extra,
});

describe('TAXII 2.1 feed', () => {
  it('discovers the API root, pages with next, then asks added_after the cursor', async () => {
    const store = [
      indicator(1, 'akamaicontainer.com', '2023-03-30T10:00:00.000Z'),
      indicator(2, 'msedgepackageinfo.com', '2023-03-30T10:00:01.000Z'),
      indicator(3, 'glcloudservice.com', '2023-03-30T10:00:02.000Z'),
    ];
    taxii(srv, store);
    const imp = recordingImporter();
    const r1 = await pollFeed(cfg(), initialFeedState(), { importIntel: imp.importIntel });
    expect(r1.issues).toEqual([]);
    expect(r1.ok).toBe(true);
    expect(r1.imported.map((i) => [i.format, i.indicators])).toEqual([
      ['stix', 2],
      ['stix', 1],
    ]);
    expect(imp.docs.flatMap((d) => d.intel.indicators.map((i) => i.value))).toEqual([
      'akamaicontainer.com',
      'msedgepackageinfo.com',
      'glcloudservice.com',
    ]);
    expect(r1.state.cursor).toBe('2023-03-30T10:00:02.000Z');
    const pages = srv.requests.filter((q) => q.path.endsWith('/objects/'));
    expect(pages.map((q) => new URLSearchParams(q.search).get('next'))).toEqual([null, '2']);
    expect(pages.every((q) => q.headers.accept === TAXII_MEDIA_TYPE)).toBe(true);

    // Nothing new: one empty page, nothing imported, cursor unchanged.
    const r2 = await pollFeed(cfg(), r1.state, { importIntel: imp.importIntel });
    expect(r2).toMatchObject({ ok: true, imported: [] });
    expect(r2.state.cursor).toBe(r1.state.cursor);
    expect(new URLSearchParams(srv.requests.at(-1)?.search).get('added_after')).toBe(
      '2023-03-30T10:00:02.000Z',
    );

    store.push(indicator(4, 'journalide.org', '2023-03-31T08:00:00.000Z'));
    const r3 = await pollFeed(cfg(), r2.state, { importIntel: imp.importIntel });
    expect(r3.imported).toHaveLength(1);
    expect(imp.docs.at(-1)?.intel.indicators.map((i) => i.value)).toEqual(['journalide.org']);
    expect(r3.state.cursor).toBe('2023-03-31T08:00:00.000Z');
  });

  it('pages by date when the server gives more without next', async () => {
    const store = [1, 2, 3, 4, 5].map((n) =>
      indicator(n, `c2-${n}.example.net`, `2023-04-0${n}T00:00:00.000Z`),
    );
    taxii(srv, store, { pageBy: 'date' });
    const imp = recordingImporter();
    const r = await pollFeed(cfg({ url: `${srv.url}/api1` }), initialFeedState(), {
      importIntel: imp.importIntel,
    });
    expect(r.ok).toBe(true);
    expect(r.imported).toHaveLength(3);
    expect(r.state.cursor).toBe('2023-04-05T00:00:00.000Z');
    const afters = srv.requests
      .filter((q) => q.path.endsWith('/objects/'))
      .map((q) => new URLSearchParams(q.search).get('added_after'));
    expect(afters).toEqual([null, '2023-04-02T00:00:00.000Z', '2023-04-04T00:00:00.000Z']);
  });

  it('reports 401, 403 and an unknown collection clearly', async () => {
    taxii(srv, [indicator(1, 'akamaicontainer.com', '2023-03-30T10:00:00.000Z')]);
    const imp = recordingImporter();
    const noAuth = await pollFeed(cfg({ auth: undefined }), initialFeedState(), {
      importIntel: imp.importIntel,
    });
    expect(noAuth.ok).toBe(false);
    expect(noAuth.issues[0]?.message).toMatch(/TAXII discovery\/API root: HTTP 401 Unauthorized/);

    const forbidden = await pollFeed(
      cfg({ url: `${srv.url}/api1/`, collection: 'secret-collection' }),
      initialFeedState(),
      { importIntel: imp.importIntel },
    );
    expect(forbidden.ok).toBe(false);
    expect(forbidden.issues[0]?.message).toMatch(/does not allow reading/);

    const unknown = await pollFeed(cfg({ collection: 'nope' }), initialFeedState(), {
      importIntel: imp.importIntel,
    });
    expect(unknown.issues[0]?.message).toMatch(new RegExp(`collection nope is not listed .*${COL}`));
    expect(unknown.state.failures).toBe(1);

    // Without a collection id, the only readable collection is used.
    const only = await pollFeed(cfg({ collection: undefined }), initialFeedState(), {
      importIntel: imp.importIntel,
    });
    expect(only.ok).toBe(true);
    expect(only.imported).toHaveLength(1);

    // A 404 on the objects endpoint (the server lost the collection).
    srv.routes.delete(`/api1/collections/${COL}/objects/`);
    const gone = await pollFeed(cfg(), only.state, { importIntel: imp.importIntel });
    expect(gone.ok).toBe(false);
    expect(gone.issues[0]?.message).toMatch(/objects: HTTP 404 Not Found/);
    expect(gone.state.cursor).toBe(only.state.cursor);
    expect(imp.docs).toHaveLength(1);
  });

  it('refuses a non-TAXII answer', async () => {
    srv.routes.set('/taxii2/', { body: '<html>login</html>', type: 'text/html' });
    const r = await pollFeed(cfg(), initialFeedState(), { importIntel: recordingImporter().importIntel });
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toMatchObject({
      code: 'unsupported',
      message: expect.stringMatching(/got text\/html/),
    });
  });
});
