/**
 * Issue 11 acceptance: ingest + hunt through the CLI. Hunts report exactly the stored observations
 * that match, mark repeats as not new, agree with `scan`, and a SIGKILLed ingest never leaves a
 * half-written bundle.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { cliPath, runCli, runJson } from '../cli.js';
import { repoRoot, sharedData } from '../fixtures.js';

interface F {
  id: string;
  kind: string;
  host: string;
  new?: boolean;
  indicator?: { value: string };
  subject: Record<string, unknown>;
}

const demo = path.join(repoRoot, 'demo', 'fleet');

describe('evidence store: ingest and hunt', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ch-store-'));
  const store = path.join(root, 'store');
  const intel = path.join(root, 'intel');
  mkdirSync(intel);
  // An added indicator list: the sha256 of two stored demo files, and one value nobody has.
  const sha = (p: string): string =>
    createHash('sha256')
      .update(readFileSync(path.join(demo, p)))
      .digest('hex');
  const a = sha('win-sales-03/chainhunt-host.json');
  const b = sha('linux-build-04/chainhunt-host.json');
  writeFileSync(
    path.join(intel, 'hash-iocs.txt'),
    `${a};sales manifest\n${b};build manifest\n${'0'.repeat(64)};nobody\n`,
  );

  it('ingests the demo fleet once; a second ingest adds nothing', () => {
    const first = runJson<{ bundles: { status: string }[] }>([
      'ingest',
      demo,
      '--store',
      store,
      '--format',
      'json',
    ]);
    expect(first.doc.bundles.map((x) => x.status)).toEqual(['new', 'new', 'new', 'new', 'new']);
    const second = runJson<{ bundles: { status: string }[] }>([
      'ingest',
      demo,
      '--store',
      store,
      '--format',
      'json',
    ]);
    expect(second.doc.bundles.every((x) => x.status === 'duplicate')).toBe(true);
  });

  it('hunts exactly the matching stored observations, then reports them as not new', () => {
    const h1 = runJson<{ findings: F[] }>([
      'hunt',
      '--store',
      store,
      '--intel',
      intel,
      '--no-default-intel',
      '--no-db',
      '--format',
      'json',
    ]);
    const hits = h1.doc.findings.map((f) => [f.host, f.indicator?.value, f.new]);
    expect(hits.sort()).toEqual([
      ['linux-build-04', b, true],
      ['win-sales-03', a, true],
    ]);
    const h2 = runJson<{ findings: F[] }>([
      'hunt',
      '--store',
      store,
      '--intel',
      intel,
      '--no-default-intel',
      '--no-db',
      '--format',
      'json',
    ]);
    expect(h2.doc.findings.map((f) => f.new)).toEqual([false, false]);
    expect(h2.doc.findings.map((f) => f.id).sort()).toEqual(h1.doc.findings.map((f) => f.id).sort());
  });

  it('filters by tenant and host', () => {
    const h = runJson<{ findings: F[]; hosts: { id: string }[] }>([
      'hunt',
      '--store',
      store,
      '--intel',
      intel,
      '--no-default-intel',
      '--no-db',
      '--host',
      'win-sales-03',
      '--format',
      'json',
    ]);
    expect(h.doc.findings.map((f) => f.host)).toEqual(['win-sales-03']);
    expect(h.doc.hosts.map((x) => x.id)).toEqual(['win-sales-03']);
    const none = runJson<{ findings: F[] }>([
      'hunt',
      '--store',
      store,
      '--intel',
      intel,
      '--no-default-intel',
      '--no-db',
      '--tenant',
      'other',
      '--format',
      'json',
    ]);
    expect(none.doc.findings).toEqual([]);
  });

  it('gives the same findings as scan over the same evidence and intel', () => {
    const args = [
      '--intel',
      path.join(repoRoot, 'demo', 'intel'),
      '--intel',
      intel,
      '--no-db',
      '--format',
      'json',
    ];
    const scan = runJson<{ findings: F[] }>(['scan', demo, ...args]);
    const h = runJson<{ findings: F[] }>(['hunt', '--store', store, ...args]);
    const strip = (list: F[]): unknown[] => list.map(({ new: _n, ...f }) => f);
    expect(scan.doc.findings.length).toBeGreaterThan(3);
    expect(strip(h.doc.findings)).toEqual(strip(scan.doc.findings));
  });

  it('refuses a second writer with a clear message', () => {
    writeFileSync(path.join(store, 'write.lock'), `pid ${process.pid} since now`);
    const r = runCli(['ingest', demo, '--store', store]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/being written by another process/);
    rmSync(path.join(store, 'write.lock'));
  });
});

describe('evidence store: log events', () => {
  it('a Sigma hunt over stored events gives the same findings as a scan of the .evtx', () => {
    const CASE = 'rules/windows/process_creation/proc_creation_win_amsi_registry_tampering';
    const evtx = sharedData('sigma', 'regression_data', CASE, '7dbbcac2-57a0-45ac-b306-ff30a8bd2981.evtx');
    const rule = sharedData('sigma', `${CASE}.yml`);
    const store = path.join(mkdtempSync(path.join(tmpdir(), 'ch-store-ev-')), 'store');
    runCli(['ingest', evtx, '--store', store]);
    const args = ['--intel', rule, '--no-default-intel', '--no-db', '--format', 'json'];
    const scan = runJson<{ findings: F[] }>(['scan', evtx, ...args]);
    const h = runJson<{ findings: F[] }>(['hunt', '--store', store, ...args]);
    const strip = (list: F[]): unknown[] => list.map(({ new: _n, ...f }) => f);
    expect(scan.doc.findings.filter((f) => f.kind === 'sigma')).toHaveLength(1);
    expect(strip(h.doc.findings)).toEqual(strip(scan.doc.findings));
  });
});

describe('evidence store: SIGKILL during ingest', () => {
  it('always reopens consistent, with whole bundles only (20 kills at random points)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ch-kill-'));
    const ev = path.join(root, 'ev');
    // Four host bundles of 400 small files each: enough work to be killed mid-way.
    for (let h = 0; h < 4; h++) {
      const dir = path.join(ev, `h${h}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        path.join(dir, 'chainhunt-host.json'),
        JSON.stringify({ schema: 'chainhunt-host/1', hostId: `h${h}` }),
      );
      for (let i = 0; i < 400; i++) writeFileSync(path.join(dir, `f${i}.txt`), `host ${h} file ${i}\n`);
    }
    const store = path.join(root, 'store');
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 20; round++) {
      const child = spawn(process.execPath, [cliPath, 'ingest', ev, '--store', store, '-q'], {
        stdio: 'ignore',
      });
      // Listen before killing: on a fast machine the ingest may finish before the kill.
      const exited = new Promise((r) => child.once('exit', r));
      const delay = Math.floor(rand() * 1500);
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      // Open read-only and check: every stored row belongs to a committed bundle, and every bundle is whole.
      const file = path.join(store, 'evidence.duckdb');
      if (!existsSync(file)) continue;
      const db = await DuckDBInstance.create(file);
      const c = await db.connect();
      const tables = (
        await c.runAndReadAll(`SELECT count(*) FROM information_schema.tables WHERE table_name = 'bundles'`)
      ).getRows();
      if (Number(tables[0]![0]) === 1) {
        const orphans = (
          await c.runAndReadAll(
            `SELECT count(*) FROM obs_file f WHERE NOT EXISTS (SELECT 1 FROM bundles b WHERE b.ingest_id = f.ingest_id AND b.tenant = f.tenant AND b.host = f.host)`,
          )
        ).getRows();
        expect(Number(orphans[0]![0]), `round ${round}`).toBe(0);
        const partial = (
          await c.runAndReadAll(
            `SELECT b.host, b.files, (SELECT count(*) FROM obs_file f WHERE f.ingest_id = b.ingest_id AND f.host = b.host) AS n FROM bundles b`,
          )
        ).getRows();
        for (const [host, files, n] of partial)
          expect(Number(n), `round ${round} host ${String(host)}`).toBe(Number(files));
        const hosts = (await c.runAndReadAll(`SELECT count(*), count(DISTINCT host) FROM bundles`)).getRows();
        expect(Number(hosts[0]![0]), 'one bundle per host').toBe(Number(hosts[0]![1]));
      }
      c.closeSync();
      db.closeSync();
    }
    // After the kills, a normal ingest completes and stores all four hosts exactly once.
    const done = runJson<{ bundles: { status: string }[] }>([
      'ingest',
      ev,
      '--store',
      store,
      '--format',
      'json',
    ]);
    expect(done.doc.bundles).toHaveLength(4);
    const h = runJson<{ hosts: { id: string; observations: { file?: number } }[] }>([
      'hunt',
      '--store',
      store,
      '--no-default-intel',
      '--no-db',
      '--format',
      'json',
    ]);
    expect(h.doc.hosts.map((x) => [x.id, x.observations.file])).toEqual(
      [0, 1, 2, 3].map((i) => [`h${i}`, 401]),
    );
  }, 240_000);
});
