import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { sharedData } from '../../test/fixtures.js';
import { registerBeaconsCommand } from '../cli/commands/beacons.js';
import { AllowList, analyzeBeacons } from './analyze.js';
import { loadZeekLogs } from './ingest.js';
import { bowley, dispersion, quantile } from './stats.js';
import { ConnTable, FLAG, ROW } from './table.js';

/** Deterministic PRNG (mulberry32) so synthetic traffic is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86400;
const T0 = 1_700_000_000;

function synthetic(): ConnTable {
  const t = new ConnTable();
  const r = rng(42);
  // A jittered beacon: every 300 s ± 30 s, 512 bytes, all day.
  for (let x = T0; x < T0 + DAY; x += 270 + r() * 60)
    t.add({
      kind: ROW.conn,
      ts: x,
      src: '10.0.0.5',
      dst: '203.0.113.50',
      port: 443,
      bytes: 512,
      duration: 0.2,
    });
  // Random browsing: Poisson arrivals (mean 300 s), sizes spread over two orders of magnitude.
  for (let x = T0; x < T0 + DAY; x += -Math.log(1 - r()) * 300)
    t.add({
      kind: ROW.conn,
      ts: x,
      src: '10.0.0.6',
      dst: '198.51.100.7',
      port: 443,
      bytes: Math.floor(200 + r() * 50000),
      duration: 1,
    });
  // A failed scan every 10 s: no payload.
  for (let x = T0; x < T0 + DAY; x += 10)
    t.add({ kind: ROW.conn, ts: x, src: '192.0.2.9', dst: '10.0.0.5', port: 23, bytes: 0, duration: 0 });
  // HTTP requests of the beacon, without Host.
  for (let i = 0; i < 10; i++)
    t.add({
      kind: ROW.http,
      ts: T0 + i * 300,
      src: '10.0.0.5',
      dst: '203.0.113.50',
      port: 443,
      ua: 'Beacon/1.0',
      flags: FLAG.noHost,
    });
  return t;
}

describe('stats', () => {
  it('quartiles, Bowley skew and MAD match hand-computed values', () => {
    const a = Float64Array.from([1, 2, 3, 4, 100]);
    expect(quantile(a, 5, 0.5)).toBe(3);
    expect(quantile(a, 5, 0.25)).toBe(2);
    expect(bowley(2, 3, 4)).toBe(0);
    expect(bowley(1, 2, 5)).toBe(0.5);
    const d = dispersion(a, 5, new Float64Array(5));
    // |x − 3| = 2,1,0,1,97 → median 1.
    expect(d.mad).toBe(1);
  });
});

describe('analyzeBeacons on synthetic traffic', () => {
  const t = synthetic();

  it('ranks the jittered beacon first, random traffic lower, and leaves out failed scans', () => {
    const r = analyzeBeacons(t);
    expect(r.beacons[0]).toMatchObject({
      src: '10.0.0.5',
      dst: '203.0.113.50',
      dstType: 'ip',
      ports: [443],
      httpRequests: 10,
      missingHostCount: 10,
      userAgents: ['Beacon/1.0'],
    });
    const random = r.beacons.find((b) => b.src === '10.0.0.6')!;
    expect(random.score).toBeLessThan(r.beacons[0]!.score - 0.1);
    expect(r.beacons.some((b) => b.src === '192.0.2.9')).toBe(false);
    expect(analyzeBeacons(t, { includeFailed: true }).beacons.some((b) => b.src === '192.0.2.9')).toBe(true);
    expect(r.beacons[0]!.interval.median).toBeGreaterThan(270);
    expect(r.beacons[0]!.interval.median).toBeLessThan(330);
  });

  it('applies allow-lists and windows at query time on the same table', () => {
    const rows = t.length;
    const allowed = analyzeBeacons(t, { allow: ['203.0.113.0/24'] });
    expect(allowed.beacons.some((b) => b.dst === '203.0.113.50')).toBe(false);
    expect(t.length).toBe(rows);
    const again = analyzeBeacons(t);
    expect(again.beacons[0]!.dst).toBe('203.0.113.50');
    const half = analyzeBeacons(t, { since: T0, until: T0 + DAY / 2 });
    const full = again.beacons[0]!.count;
    expect(half.beacons.find((b) => b.dst === '203.0.113.50')!.count).toBeLessThan(full * 0.6);
  });

  it('allow-list entries: domains with sub-domains, CIDRs, IPs', () => {
    const a = new AllowList(['windowsupdate.com', '10.0.0.0/8', '2001:db8::1', 'not a thing']);
    expect(a.allows('x.dl.windowsupdate.com')).toBe(true);
    expect(a.allows('windowsupdate.com.evil.net')).toBe(false);
    expect(a.allows('10.2.3.4')).toBe(true);
    expect(a.allows('11.2.3.4')).toBe(false);
    expect(a.allows('2001:db8:0::1')).toBe(true);
    expect(a.invalid).toEqual(['not a thing']);
  });
});

describe('RITA missing_host dataset (2024-04-19 and 2024-04-20)', async () => {
  const dir = sharedData('zeek', 'rita', 'missing_host');
  const table = new ConnTable();
  const load = await loadZeekLogs([`${dir}/2024-04-19`, `${dir}/2024-04-20`], table);

  it('reads every conn, http and ssl log without issues', () => {
    // 24 hourly files per type per day, plus open_conn snapshots.
    expect(load.files).toBeGreaterThanOrEqual(2 * 24 * 3);
    expect(load.issues).toEqual([]);
  });

  it('ranks 73.54.23.243 → 64.225.56.201 first, with count and missing Host headers', () => {
    const r = analyzeBeacons(table);
    const top = r.beacons[0]!;
    expect([top.src, top.dst]).toEqual(['73.54.23.243', '64.225.56.201']);
    // Upstream README: beaconing every 200–350 s, user agent "Modzilla/0.0001 (Atari 7800)",
    // blank Host. RITA reports 331 connections and 330 missing Host headers per 24 h.
    expect(top.interval.median).toBeGreaterThanOrEqual(200);
    expect(top.interval.median).toBeLessThanOrEqual(350);
    expect(top.userAgents).toEqual(['Modzilla/0.0001 (Atari 7800)']);
    expect(top.count).toBeGreaterThan(2 * 300);
    expect(top.count).toBeLessThan(2 * 360);
    expect(top.missingHostCount).toBeGreaterThan(2 * 300);
    expect(top.missingHostCount).toBe(top.httpRequests);
  });

  it('over the last 24 h the count is close to RITA’s 331', () => {
    let newest = 0;
    for (let i = 0; i < table.length; i++) newest = Math.max(newest, table.ts[i]!);
    const r = analyzeBeacons(table, { since: newest - DAY });
    const top = r.beacons[0]!;
    expect([top.src, top.dst]).toEqual(['73.54.23.243', '64.225.56.201']);
    expect(Math.abs(top.count - 331)).toBeLessThan(20);
    expect(Math.abs(top.missingHostCount - 330)).toBeLessThan(20);
  });

  it('reports the SSH session that stays open as a long connection', () => {
    const r = analyzeBeacons(table);
    expect(r.longConnections[0]).toMatchObject({
      src: '73.54.23.243',
      dst: '64.225.56.201',
      port: 22,
      open: true,
    });
    expect(r.longConnections[0]!.maxDuration).toBeGreaterThan(DAY);
  });

  it('allow-listing the beacon destination removes it without re-reading', () => {
    const r = analyzeBeacons(table, { allow: ['64.225.56.201/32'] });
    expect(r.beacons.some((b) => b.dst === '64.225.56.201' || b.src === '64.225.56.201')).toBe(false);
  });
});

describe('chainhunt beacons', () => {
  it('prints ranked beacons as JSON', async () => {
    const program = new Command().exitOverride();
    registerBeaconsCommand(program);
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out.push(String(s));
      return true;
    });
    try {
      await program.parseAsync([
        'node',
        'chainhunt',
        'beacons',
        sharedData('zeek', 'rita', 'missing_host', '2024-04-20'),
        '--since',
        '24h',
        '--format',
        'json',
        '--top',
        '3',
      ]);
    } finally {
      spy.mockRestore();
    }
    const doc = JSON.parse(out.join('')) as {
      beacons: { src: string; dst: string; score: number; count: number }[];
    };
    expect(doc.beacons.length).toBeLessThanOrEqual(3);
    expect(doc.beacons[0]).toMatchObject({ src: '73.54.23.243', dst: '64.225.56.201' });
    expect(typeof doc.beacons[0]!.score).toBe('number');
    expect(doc.beacons[0]!.count).toBeGreaterThan(300);
  });

  it('rejects a bad --since', async () => {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
    registerBeaconsCommand(program);
    await expect(
      program.parseAsync(['node', 'chainhunt', 'beacons', '.', '--since', 'yesterday-ish']),
    ).rejects.toThrow();
  });
});
