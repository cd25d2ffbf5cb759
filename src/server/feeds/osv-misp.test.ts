/**
 * OSV sources (record list, single record, all.zip layout) and MISP feeds (manifest + events)
 * served on loopback: first poll imports, conditional second poll gets 304, cursors select only
 * records/events that are newer.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeZip } from '../../../test/archives.js';
import { sharedData } from '../../../test/fixtures.js';
import { initialFeedState } from './config.js';
import { tieSafeCursor } from './context.js';
import { mispUrls } from './misp.js';
import { pollFeed } from './poll.js';
import { recordingImporter, startFeedServer, type FeedTestServer } from './test-server.js';
import type { FeedConfig } from './types.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

let srv: FeedTestServer;
beforeEach(async () => {
  srv = await startFeedServer();
});
afterEach(async () => {
  await srv.close();
});

describe('OSV feed', () => {
  const cfg = (path: string): FeedConfig => ({
    id: 'osv',
    kind: 'osv',
    url: `${srv.url}${path}`,
    intervalSeconds: 3600,
  });

  it('imports a record list, then 304, then only records modified after the cursor', async () => {
    srv.routes.set('/osv/list.json', {
      body: fixture('osv-list.json'),
      type: 'application/json',
      etag: 'W/"1"',
    });
    const imp = recordingImporter();
    const r1 = await pollFeed(cfg('/osv/list.json'), initialFeedState(), { importIntel: imp.importIntel });
    expect(r1.ok).toBe(true);
    expect(r1.issues).toEqual([]);
    expect(r1.imported).toMatchObject([{ format: 'osv', advisories: 3 }]);
    expect(imp.docs[0]?.intel.advisories.map((a) => a.id)).toEqual([
      'MAL-2099-1001',
      'MAL-2099-1002',
      'GHSA-xxxx-yyyy-zzzz',
    ]);
    expect(r1.state).toMatchObject({ cursor: '2025-09-09T08:00:00.000Z', etag: 'W/"1"' });

    const r2 = await pollFeed(cfg('/osv/list.json'), r1.state, { importIntel: imp.importIntel });
    expect(srv.requests.at(-1)?.headers['if-none-match']).toBe('W/"1"');
    expect(r2).toMatchObject({ ok: true, notModified: true, imported: [] });

    // One record is modified, one added: only those two are imported.
    const list = JSON.parse(fixture('osv-list.json')) as Record<string, unknown>[];
    const changed = { ...list[1], modified: '2025-09-10T00:00:00Z', withdrawn: '2025-09-10T00:00:00Z' };
    const added = { ...list[0], id: 'MAL-2099-1003', modified: '2025-09-10T01:00:00Z' };
    srv.routes.set('/osv/list.json', {
      body: JSON.stringify({ vulns: [list[0], changed, list[2], added] }),
      type: 'application/json',
      etag: 'W/"2"',
    });
    const r3 = await pollFeed(cfg('/osv/list.json'), r2.state, { importIntel: imp.importIntel });
    expect(r3.imported).toMatchObject([{ advisories: 2 }]);
    expect(imp.docs[1]?.intel.advisories.map((a) => a.id)).toEqual(['MAL-2099-1002', 'MAL-2099-1003']);
    expect(r3.state.cursor).toBe('2025-09-10T01:00:00.000Z');
  });

  it('imports one record, and a zip of records (all.zip layout)', async () => {
    const list = JSON.parse(fixture('osv-list.json')) as Record<string, unknown>[];
    srv.routes.set('/one.json', { body: JSON.stringify(list[0]), type: 'application/json' });
    srv.routes.set('/all.zip', {
      body: makeZip({
        'MAL-2099-1001.json': JSON.stringify(list[0]),
        'MAL-2099-1002.json': JSON.stringify(list[1]),
        'GHSA-xxxx-yyyy-zzzz.json': JSON.stringify(list[2]),
        'README.txt': 'not a record',
        'bad.json': '{"id": ',
      }),
      type: 'application/zip',
    });
    const imp = recordingImporter();
    const one = await pollFeed(cfg('/one.json'), initialFeedState(), { importIntel: imp.importIntel });
    expect(one.imported).toMatchObject([{ advisories: 1 }]);
    expect(one.state.cursor).toBe('2025-09-08T18:00:00.000Z');

    const zip = await pollFeed(cfg('/all.zip'), initialFeedState(), { importIntel: imp.importIntel });
    expect(zip.ok).toBe(true);
    expect(zip.imported).toMatchObject([{ advisories: 3 }]);
    expect(zip.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/zip member bad\.json: not valid JSON/),
    ]);
    expect(zip.state.cursor).toBe('2025-09-09T08:00:00.000Z');
  });

  it('imports the real ossf/malicious-packages incident records as an all.zip feed', async () => {
    const dir = ['malicious-packages', 'incidents', 'ossf__malicious-packages', 'osv', 'malicious', 'npm'];
    const ids = {
      'chalk/MAL-2025-46969.json': 'MAL-2025-46969',
      'debug/MAL-2025-46974.json': 'MAL-2025-46974',
      '@ctrl/tinycolor/MAL-2025-47141.json': 'MAL-2025-47141',
      'posthog-node/MAL-2025-190925.json': 'MAL-2025-190925',
    };
    const members: Record<string, string> = {};
    for (const [rel, id] of Object.entries(ids))
      members[`${id}.json`] = readFileSync(sharedData(...dir, ...rel.split('/')), 'utf8');
    srv.routes.set('/npm/all.zip', { body: makeZip(members), type: 'application/zip', etag: '"z1"' });
    const imp = recordingImporter();
    const r = await pollFeed(cfg('/npm/all.zip'), initialFeedState(), { importIntel: imp.importIntel });
    expect(r.ok).toBe(true);
    expect(r.issues).toEqual([]);
    const advisories = imp.docs.flatMap((d) => d.intel.advisories);
    expect(advisories.map((a) => a.id).sort()).toEqual(Object.values(ids).sort());
    const chalk = advisories.find((a) => a.id === 'MAL-2025-46969');
    expect(JSON.stringify(chalk?.packages)).toContain('5.6.1');
    expect(r.state.etag).toBe('"z1"');
    // The cursor is the latest "modified" among them; a re-served zip imports nothing.
    const latest = Object.values(members)
      .map((m) => Date.parse((JSON.parse(m) as { modified: string }).modified))
      .reduce((a, b) => Math.max(a, b));
    expect(r.state.cursor).toBe(new Date(latest).toISOString());
    const again = await pollFeed(
      cfg('/npm/all.zip'),
      { ...r.state, etag: undefined },
      { importIntel: imp.importIntel },
    );
    expect(again).toMatchObject({ ok: true, imported: [] });
  });

  it('refuses a document that is not OSV', async () => {
    srv.routes.set('/x.json', { body: '{"hello": "world"}', type: 'application/json' });
    const r = await pollFeed(cfg('/x.json'), initialFeedState(), {
      importIntel: recordingImporter().importIntel,
    });
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toMatchObject({ code: 'parse-error', message: expect.stringMatching(/not OSV/) });
  });

  it('cuts at a tie-safe cursor when the batch budget runs out', () => {
    const s = [
      { stamp: 1, raw: 'a' },
      { stamp: 2, raw: 'b' },
      { stamp: 2, raw: 'b' },
      { stamp: 3, raw: 'c' },
    ];
    expect(tieSafeCursor(s, 0, 'prev')).toBe('prev');
    expect(tieSafeCursor(s, 1, undefined)).toBe('a');
    // Stopped between two records sharing stamp 2: back to 'a' so the second is not skipped.
    expect(tieSafeCursor(s, 2, undefined)).toBe('a');
    expect(tieSafeCursor(s, 3, undefined)).toBe('b');
    expect(tieSafeCursor(s, 4, undefined)).toBe('c');
  });
});

describe('MISP feed', () => {
  const E1 = '5f2a9c4e-1b7d-4e3a-9c11-0a1b2c3d4e01';
  const E2 = '5f2a9c4e-1b7d-4e3a-9c11-0a1b2c3d4e02';
  const serveMisp = (manifest: string, etag: string): void => {
    srv.routes.set('/misp/manifest.json', { body: manifest, type: 'application/json', etag });
    for (const e of [E1, E2])
      srv.routes.set(`/misp/${e}.json`, { body: fixture(`misp/${e}.json`), type: 'application/json' });
  };

  it('finds manifest and event URLs from the folder or the manifest URL', () => {
    expect(mispUrls('https://x.example/feeds/circl')).toEqual({
      manifest: 'https://x.example/feeds/circl/manifest.json',
      base: 'https://x.example/feeds/circl/',
    });
    expect(mispUrls('https://x.example/feeds/circl/manifest.json?x=1')).toEqual({
      manifest: 'https://x.example/feeds/circl/manifest.json',
      base: 'https://x.example/feeds/circl/',
    });
  });

  it('imports both events, 304 next, then only the event newer than the cursor', async () => {
    serveMisp(fixture('misp/manifest.json'), '"m1"');
    const imp = recordingImporter();
    const cfg: FeedConfig = { id: 'cert-misp', kind: 'misp', url: `${srv.url}/misp/`, intervalSeconds: 3600 };
    const r1 = await pollFeed(cfg, initialFeedState(), { importIntel: imp.importIntel });
    expect(r1.ok).toBe(true);
    expect(r1.issues).toEqual([]);
    expect(r1.imported.map((i) => [i.itemId, i.indicators])).toEqual([
      [E1, 3],
      [E2, 2],
    ]);
    const values = imp.docs.flatMap((d) => d.intel.indicators.map((i) => i.value));
    expect(values).toContain('akamaicontainer.com');
    expect(values).toContain('aa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be345823b4fdcf5d868');
    expect(r1.state).toMatchObject({ cursor: '1680174000', etag: '"m1"' });

    const n = srv.requests.length;
    const r2 = await pollFeed(cfg, r1.state, { importIntel: imp.importIntel });
    expect(r2.notModified).toBe(true);
    expect(srv.requests.length).toBe(n + 1);

    // A third event is published and the second one is untouched: only the new one is fetched.
    const E3 = '5f2a9c4e-1b7d-4e3a-9c11-0a1b2c3d4e03';
    const manifest = JSON.parse(fixture('misp/manifest.json')) as Record<string, Record<string, unknown>>;
    manifest[E3] = { info: 'follow-up', Orgc: { name: 'Example CERT' }, timestamp: '1680260400' };
    serveMisp(JSON.stringify(manifest), '"m2"');
    srv.routes.set(`/misp/${E3}.json`, {
      body: JSON.stringify({
        Event: {
          uuid: E3,
          info: 'follow-up',
          Orgc: { name: 'Example CERT' },
          Attribute: [
            {
              uuid: 'a3000000-0000-4000-8000-000000000001',
              type: 'domain',
              to_ids: true,
              value: 'journalide.org',
            },
          ],
        },
      }),
      type: 'application/json',
    });
    const m = srv.requests.length;
    const r3 = await pollFeed(cfg, r2.state, { importIntel: imp.importIntel });
    expect(r3.imported.map((i) => i.itemId)).toEqual([E3]);
    expect(srv.requests.slice(m).map((r) => r.path)).toEqual(['/misp/manifest.json', `/misp/${E3}.json`]);
    expect(r3.state.cursor).toBe('1680260400');
  });

  it('skips a missing event, stops at a transient failure and resumes there', async () => {
    serveMisp(fixture('misp/manifest.json'), '"m1"');
    srv.routes.delete(`/misp/${E1}.json`);
    const imp = recordingImporter();
    const cfg: FeedConfig = {
      id: 'm',
      kind: 'misp',
      url: `${srv.url}/misp/manifest.json`,
      intervalSeconds: 3600,
    };
    const r1 = await pollFeed(cfg, initialFeedState(), { importIntel: imp.importIntel });
    expect(r1.ok).toBe(true);
    expect(r1.issues[0]?.message).toMatch(/404/);
    expect(r1.imported.map((i) => i.itemId)).toEqual([E2]);

    serveMisp(fixture('misp/manifest.json'), '"m1"');
    srv.routes.set(`/misp/${E2}.json`, (_q, res) => void res.writeHead(502).end());
    const r2 = await pollFeed(cfg, initialFeedState(), { importIntel: imp.importIntel });
    expect(r2.ok).toBe(false);
    expect(r2.imported.map((i) => i.itemId)).toEqual([E1]);
    expect(r2.state.cursor).toBe('1680170400');
    expect(r2.state.etag).toBeUndefined();
    serveMisp(fixture('misp/manifest.json'), '"m1"');
    const r3 = await pollFeed(cfg, r2.state, { importIntel: imp.importIntel });
    expect(r3.imported.map((i) => i.itemId)).toEqual([E2]);
    expect(r3.state).toMatchObject({ cursor: '1680174000', etag: '"m1"', failures: 0 });
  });

  it('refuses manifest entries that are not event uuids (no path tricks)', async () => {
    serveMisp(
      JSON.stringify({
        '../../etc/passwd': { timestamp: '1' },
        [E1]: { timestamp: 'soon' },
        [E2]: { timestamp: 1680174000 },
      }),
      '"x"',
    );
    const imp = recordingImporter();
    const r = await pollFeed(
      { id: 'm', kind: 'misp', url: `${srv.url}/misp/`, intervalSeconds: 3600 },
      initialFeedState(),
      { importIntel: imp.importIntel },
    );
    expect(r.imported.map((i) => i.itemId)).toEqual([E2]);
    expect(r.issues[0]).toMatchObject({
      code: 'invalid-value',
      message: expect.stringMatching(/2 manifest entries refused/),
    });
    expect(srv.requests.some((q) => q.path.includes('passwd'))).toBe(false);
  });
});
