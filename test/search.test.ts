/**
 * Ad-hoc evidence search (src/store/search.ts) over a real evidence store holding the demo fleet:
 * packages, applications, file hashes, domains and addresses, per tenant, with the "latest bundle"
 * flag, limits, and wildcards taken literally.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../src/store/ingest.js';
import { parseSearch, searchEvidence, type SearchHit, type SearchQuery } from '../src/store/search.js';
import { EvidenceStore } from '../src/store/store.js';
import { runCli, runJson } from './cli.js';
import { demoBundle, demoFleet } from './server.js';

const HOSTS = ['linux-build-04', 'mac-design-02', 'win-finance-01', 'win-pbx-05', 'win-sales-03'];
let store: EvidenceStore;
const dir = mkdtempSync(path.join(os.tmpdir(), 'ch-search-'));

const q = (p: Record<string, string>): SearchQuery => {
  const r = parseSearch(p);
  if ('error' in r) throw new Error(r.error);
  return r.query;
};
const hostsOf = (hits: SearchHit[]): string[] =>
  [...new Set(hits.map((h) => `${h.tenant}/${h.host}`))].sort();

beforeAll(async () => {
  store = await EvidenceStore.open(path.join(dir, 'store'), { write: true });
  await ingest(
    store,
    HOSTS.map((h) => path.join(demoFleet, h)),
    { tenant: 'acme' },
  );
  await ingest(store, [path.join(demoFleet, 'win-finance-01')], { tenant: 'globex' });
  // acme's win-finance-01, later, updated to 18.12.422.
  const fixed = path.join(dir, 'fixed.zip');
  writeFileSync(
    fixed,
    demoBundle('win-finance-01', (files) => {
      const reg = 'registry/HKU-alice-Uninstall.reg';
      files[reg] = Buffer.from(
        (files[reg] ?? Buffer.alloc(0)).toString('utf16le').replaceAll('18.12.416', '18.12.422'),
        'utf16le',
      );
      const m = JSON.parse((files['chainhunt-host.json'] ?? Buffer.alloc(0)).toString('utf8')) as object;
      files['chainhunt-host.json'] = Buffer.from(
        JSON.stringify({ ...m, collectedAt: '2023-04-20T09:00:00Z' }),
      );
    }),
  );
  await ingest(store, [fixed], { tenant: 'acme' });
}, 120_000);

afterAll(async () => {
  await store?.close();
});

describe('evidence search', () => {
  it('finds applications by name (substring, any case), per tenant, with the latest-bundle flag', async () => {
    const all = await searchEvidence(store, q({ app: '3cx' }), ['acme']);
    expect(hostsOf(all.hits)).toEqual([
      'acme/mac-design-02',
      'acme/win-finance-01',
      'acme/win-pbx-05',
      'acme/win-sales-03',
    ]);
    const old = await searchEvidence(store, q({ app: '3CX Desktop', version: '18.12.416' }), [
      'acme',
      'globex',
    ]);
    expect(old.hits.map((h) => [h.tenant, h.host, h.latest])).toEqual([
      ['globex', 'win-finance-01', true],
      ['acme', 'win-finance-01', false],
    ]);
    const now = await searchEvidence(store, q({ app: '3CX Desktop', version: '18.12.422' }), ['acme']);
    expect(now.hits.filter((h) => h.host === 'win-finance-01').map((h) => [h.latest, h.collectedAt])).toEqual(
      [[true, '2023-04-20T09:00:00Z']],
    );
    expect(hostsOf((await searchEvidence(store, q({ app: '3cx' }), ['globex'])).hits)).toEqual([
      'globex/win-finance-01',
    ]);
    expect((await searchEvidence(store, q({ app: '3cx' }), [])).hits).toEqual([]);
  });

  it('takes LIKE wildcards literally and honours the limit', async () => {
    expect((await searchEvidence(store, q({ app: '%' }), ['acme'])).hits).toEqual([]);
    expect((await searchEvidence(store, q({ app: '_' }), ['acme'])).hits).toEqual([]);
    const one = await searchEvidence(store, q({ app: '3cx' }), ['acme'], 1);
    expect(one.hits).toHaveLength(1);
    expect(one.truncated).toBe(true);
    expect((await searchEvidence(store, q({ app: '3cx' }), ['acme'], 100)).truncated).toBe(false);
  });

  it('finds a file by SHA-256, SHA-1 or MD5', async () => {
    const rel = 'files/AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll.TEST-SAMPLE.txt';
    const bytes = readFileSync(path.join(demoFleet, 'win-finance-01', rel));
    for (const algo of ['sha256', 'sha1', 'md5']) {
      const digest = createHash(algo).update(bytes).digest('hex');
      const r = await searchEvidence(store, q({ hash: digest.toUpperCase() }), ['acme', 'globex']);
      expect(hostsOf(r.hits), algo).toEqual(['acme/win-finance-01', 'globex/win-finance-01']);
      expect(
        r.hits.every(
          (h) => h.kind === 'file' && String(h.detail['path']).endsWith('ffmpeg.dll.TEST-SAMPLE.txt'),
        ),
      ).toBe(true);
    }
  });

  it('finds contacts with a domain (and its subdomains) and with an address', async () => {
    const d = await searchEvidence(store, q({ domain: 'akamaicontainer.com' }), ['acme']);
    expect(d.hits.length).toBeGreaterThan(0);
    expect(d.hits.every((h) => h.host === 'win-finance-01' && h.kind === 'contact')).toBe(true);
    // A longer name is not a match for its suffix's parent only.
    expect((await searchEvidence(store, q({ domain: 'ntainer.com' }), ['acme'])).hits).toEqual([]);
    // The address a host connected to (Zeek http.log), and the host's own address as the source.
    const ip = await searchEvidence(store, q({ ip: '185.199.108.133' }), ['acme']);
    expect(hostsOf(ip.hits)).toEqual(['acme/win-finance-01']);
    expect(ip.hits[0]?.detail).toMatchObject({ dst: '185.199.108.133', src: '10.10.1.23' });
    expect((await searchEvidence(store, q({ ip: '10.10.1.23' }), ['acme'])).hits.length).toBeGreaterThan(1);
    expect((await searchEvidence(store, q({ ip: '185.199.108.13' }), ['acme'])).hits).toEqual([]);
  });

  it('reads one criterion from request parameters, and says why otherwise', () => {
    expect(parseSearch({})).toEqual({ error: 'give exactly one of package, app, hash, domain or ip' });
    expect(parseSearch({ app: 'x', domain: 'y' })).toMatchObject({ error: expect.any(String) as unknown });
    expect(parseSearch({ hash: 'abc' })).toEqual({ error: 'hash: a SHA-256, SHA-1 or MD5 in hex' });
    expect(parseSearch({ domain: "x'; DROP TABLE bundles; --" })).toMatchObject({
      error: expect.any(String) as unknown,
    });
    expect(parseSearch({ ip: '10.0.0.1 OR 1=1' })).toMatchObject({ error: expect.any(String) as unknown });
    expect(parseSearch({ app: 'x'.repeat(600) })).toMatchObject({
      error: expect.stringMatching(/longer than/) as unknown,
    });
    expect(parseSearch({ package: ' chalk ', ecosystem: 'npm', version: '5.6.1' })).toEqual({
      query: { kind: 'package', name: 'chalk', ecosystem: 'npm', version: '5.6.1' },
    });
    expect(parseSearch({ domain: 'Update.AkamaiContainer.com.' })).toEqual({
      query: { kind: 'domain', name: 'update.akamaicontainer.com' },
    });
  });

  it('a quote in a package name is a value, not SQL', async () => {
    const r = await searchEvidence(store, q({ package: "x' OR '1'='1" }), ['acme']);
    expect(r.hits).toEqual([]);
  });
});

describe('chainhunt search (CLI)', () => {
  it('searches a store made by chainhunt ingest; exit 2 without exactly one criterion', () => {
    const s = path.join(dir, 'cli-store');
    const ing = runCli(['ingest', '--store', s, '--quiet', ...HOSTS.map((h) => path.join(demoFleet, h))]);
    expect(ing.code, ing.stderr).toBe(0);
    const r = runJson<{ hits: { host: string; latest: boolean }[]; truncated: boolean }>([
      'search',
      '--store',
      s,
      '--app',
      '3cx desktop',
      '--with-version',
      '18.12.416',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(r.doc.hits.map((h) => [h.host, h.latest])).toEqual([['win-finance-01', true]]);
    const table = runCli(['search', '--store', s, '--domain', 'akamaicontainer.com']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('win-finance-01  contact  update.akamaicontainer.com');
    const none = runCli(['search', '--store', s]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give exactly one of package, app, hash, domain or ip');
  }, 60_000);
});
