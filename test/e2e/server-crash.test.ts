/**
 * Issue #13 acceptance: a server killed with SIGKILL during an ingest restarts with no
 * half-ingested bundle and runs the job again; the evidence store then holds exactly one copy of
 * the bundle, with the same observation counts as a clean single ingest of it elsewhere.
 *
 * The bundle is a demo host with a large DNS log, so its ingest (one DuckDB transaction) lasts
 * long enough to be killed in the middle: the test polls the job until it is running and
 * collecting observations, and kills then.
 */
import { readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { OBS_TABLES } from '../../src/store/schema.js';
import { EvidenceStore } from '../../src/store/store.js';
import { Api, demoBundle, serverData, startServer, type RunningServer } from '../server.js';

const T = 'acme';
const HOST = 'win-finance-01';
const PASSWORD = 'crash-password-1';
const EXTRA_DNS_LINES = 80_000;

interface JobRow {
  id: string;
  state: string;
  attempts: number;
  progress: { message: string } | null;
  result: { bundles?: { observations: number; status: string }[] } | null;
  error: string | null;
}

/** win-finance-01 with a DNS log of many distinct lookups (a slow ingest). */
function bigBundle(): Buffer {
  return demoBundle(HOST, (files) => {
    const log = (files['network/dns.log'] ?? Buffer.alloc(0)).toString('utf8');
    const close = log.lastIndexOf('#close');
    const lines: string[] = [];
    for (let i = 0; i < EXTRA_DNS_LINES; i++)
      lines.push(
        `${1680090000 + i}.5\tCx${i}\t10.10.1.23\t${50000 + (i % 10000)}\t10.10.0.2\t53\tudp\t${i % 65536}\tn${i}.cdn-${i % 997}.example.net\tC_INTERNET\tA\tNOERROR\t198.51.100.${i % 250}`,
      );
    files['network/dns.log'] = Buffer.from(`${log.slice(0, close)}${lines.join('\n')}\n${log.slice(close)}`);
  });
}

/** Rows the evidence store holds for the tenant, per table (the server stopped). */
async function evidenceCounts(dataDir: string): Promise<Record<string, number>> {
  const store = await EvidenceStore.open(path.join(dataDir, 'evidence'), { write: false });
  try {
    const out: Record<string, number> = {};
    for (const t of ['bundles', ...OBS_TABLES]) {
      const r = await store.conn.runAndReadAll(`SELECT count(*) FROM ${t} WHERE tenant = $1`, [T]);
      out[t] = Number(r.getRows()[0]?.[0] ?? -1);
    }
    const b = await store.conn.runAndReadAll(
      `SELECT host, count(*) FROM bundles WHERE tenant = $1 GROUP BY host ORDER BY host`,
      [T],
    );
    out['bundles per host'] = Math.max(0, ...b.getRows().map((x) => Number(x[1])));
    return out;
  } finally {
    await store.close();
  }
}

/** A data dir with the tenant, an operator and an upload token. */
function setup(): { data: string; token: string } {
  const { data, uploadToken } = serverData(T, PASSWORD);
  return { data, token: uploadToken };
}

async function waitJob(op: Api, id: string, until: (j: JobRow) => boolean, ms: number): Promise<JobRow> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await op.get<JobRow>(`/api/v1/tenants/${T}/jobs/${id}`);
    if (r.status === 200 && until(r.body)) return r.body;
    if (Date.now() > end) throw new Error(`job ${id} not as awaited: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

describe('chainhunt serve: killed with SIGKILL during an upload or an ingest', () => {
  const servers: RunningServer[] = [];
  const bundle = bigBundle();
  let clean: { counts: Record<string, number>; observations: number; ms: number };

  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('a clean single ingest of the bundle, for reference', async () => {
    const { data, token } = setup();
    const server = await startServer(data);
    servers.push(server);
    const op = new Api(server.url);
    expect(await op.login('op', PASSWORD)).toBe(200);
    const r = await new Api(server.url, token).post<{ job: { id: string } }>(
      `/api/v1/tenants/${T}/bundles`,
      bundle,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const t0 = Date.now();
    const job = await waitJob(op, r.body.job.id, (j) => j.state === 'done' || j.state === 'failed', 120_000);
    const ms = Date.now() - t0;
    expect(job.state, job.error ?? '').toBe('done');
    expect(job.attempts).toBe(1);
    await server.stop();
    const counts = await evidenceCounts(data);
    expect(counts['obs_contact']).toBeGreaterThan(EXTRA_DNS_LINES);
    expect(counts['bundles per host']).toBe(1);
    clean = { counts, observations: job.result?.bundles?.[0]?.observations ?? -1, ms };
    process.stderr.write(`crash: clean ingest of ${bundle.length} bytes took ${ms} ms\n`);
  });

  it('a server killed while receiving an upload keeps nothing of it after the restart', async () => {
    const { data, token } = setup();
    const server = await startServer(data);
    servers.push(server);
    const tmp = path.join(data, 'uploads', 'tmp');
    const parts = (): string[] => {
      try {
        return readdirSync(tmp);
      } catch {
        return [];
      }
    };
    const u = new URL(`${server.url}/api/v1/tenants/${T}/bundles`);
    const req = http.request({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-length': String(bundle.length) },
    });
    req.on('error', () => undefined);
    req.write(bundle.subarray(0, 1024 * 1024));
    for (let i = 0; i < 200 && parts().length === 0; i++) await new Promise((res) => setTimeout(res, 25));
    expect(parts()).toHaveLength(1);
    await server.kill();
    req.destroy();
    expect(parts()).toHaveLength(1);

    const again = await startServer(data);
    servers.push(again);
    expect(parts()).toEqual([]);
    const op = new Api(again.url);
    expect(await op.login('op', PASSWORD)).toBe(200);
    expect((await op.get<{ items: unknown[] }>(`/api/v1/tenants/${T}/bundles`)).body.items).toEqual([]);
    expect((await op.get<{ items: unknown[] }>(`/api/v1/tenants/${T}/jobs`)).body.items).toEqual([]);
    await again.stop();
  });

  it('restarts with no half-ingested bundle, re-runs the job and stores the bundle once', async () => {
    expect(clean).toBeDefined();
    const { data, token } = setup();
    const first = await startServer(data);
    servers.push(first);
    const op = new Api(first.url);
    expect(await op.login('op', PASSWORD)).toBe(200);
    const r = await new Api(first.url, token).post<{ job: { id: string } }>(
      `/api/v1/tenants/${T}/bundles`,
      bundle,
    );
    expect(r.status).toBe(202);
    const id = r.body.job.id;
    await waitJob(
      op,
      id,
      (j) => j.state === 'running' && j.progress?.message === 'collecting observations',
      60_000,
    );
    // Into the transaction, well before its end.
    await new Promise((res) => setTimeout(res, Math.min(500, clean.ms / 4)));
    await first.kill();
    expect(first.proc.signalCode).toBe('SIGKILL');

    // What the killed server left: the job running, nothing of the bundle in the evidence store.
    expect(await evidenceCounts(data)).toEqual(
      Object.fromEntries(Object.keys(clean.counts).map((k) => [k, 0])),
    );
    // The state store as the killed server left it (read-only: the next start recovers it).
    const state = await DuckDBInstance.create(path.join(data, 'state.duckdb'), { access_mode: 'READ_ONLY' });
    try {
      const conn = await state.connect();
      const job = await conn.runAndReadAll(`SELECT state, attempts, progress FROM jobs WHERE id = $1`, [id]);
      const [jobState, attempts, progress] = job.getRows()[0] ?? [];
      expect([jobState, Number(attempts)]).toEqual(['running', 1]);
      expect((JSON.parse(String(progress)) as { message: string }).message).toBe('collecting observations');
      const hosts = await conn.runAndReadAll(`SELECT count(*) FROM hosts WHERE tenant = $1`, [T]);
      expect(Number(hosts.getRows()[0]?.[0])).toBe(0);
      conn.closeSync();
    } finally {
      state.closeSync();
    }

    const second = await startServer(data);
    servers.push(second);
    const op2 = new Api(second.url);
    expect(await op2.login('op', PASSWORD)).toBe(200);
    const job = await waitJob(op2, id, (j) => j.state === 'done' || j.state === 'failed', 120_000);
    expect(job.state, job.error ?? '').toBe('done');
    expect(job.attempts).toBe(2);
    expect(job.result?.bundles?.[0]).toMatchObject({ status: 'new', observations: clean.observations });
    const hosts = await op2.get<{ items: { host: string; bundles: number }[] }>(`/api/v1/tenants/${T}/hosts`);
    expect(hosts.body.items).toEqual([expect.objectContaining({ host: HOST, bundles: 1 })]);
    const uploads = await op2.get<{ items: unknown[] }>(`/api/v1/tenants/${T}/bundles`);
    expect(uploads.body.items).toHaveLength(1);
    await second.stop();
    expect(await evidenceCounts(data)).toEqual(clean.counts);
  });
});
