/**
 * Issue #14 acceptance, end to end on loopback: Debian's nats-server with JetStream, `chainhunt
 * serve --nats` and two `chainhunt worker` processes. One worker is SIGKILLed while it holds a job;
 * JetStream redelivers it to the other; every job ends done, every bundle is stored once, and the
 * cases and findings equal those of the in-process queue for the same uploads. Then: hunts queued
 * while the server was down are published at start, and late duplicate results are refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli } from '../cli.js';
import { repoRoot } from '../fixtures.js';
import { freshDatabase, pgSkipReason } from '../pg.js';
import { admin, Api, demoBundle, serverData, startServer, type RunningServer } from '../server.js';

const NATS_SERVER = '/usr/sbin/nats-server';
const HOSTS = ['linux-build-04', 'mac-design-02', 'win-finance-01', 'win-pbx-05', 'win-sales-03'];
const PASSWORD = 'operator-password-1';
const ACK_WAIT_S = 3;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Proc {
  proc: ChildProcess;
  err: () => string;
  stop(sig?: NodeJS.Signals): Promise<void>;
}

function run(cmd: string, args: string[]): Proc {
  const proc = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    err: () => err,
    async stop(sig: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(sig);
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** `chainhunt worker` for a server and a NATS URL. */
const spawnWorker = (serverUrl: string, token: string, natsUrl: string): Proc =>
  run(process.execPath, [cliPath, 'worker', '--server', serverUrl, '--token', token, '--nats', natsUrl]);

/** A larger bundle: a demo host with 3000 extra files, so collecting it takes a while. */
function bigBundle(): Buffer {
  return demoBundle('win-sales-03', (files) => {
    for (let i = 0; i < 3000; i++) files[`bulk/part-${i}.bin`] = randomBytes(4096);
    const m = JSON.parse((files['chainhunt-host.json'] ?? Buffer.alloc(0)).toString('utf8')) as Record<
      string,
      unknown
    >;
    files['chainhunt-host.json'] = Buffer.from(
      JSON.stringify({ ...m, hostId: 'win-bulk-09', hostname: 'WIN-BULK-09' }),
    );
  });
}

interface Setup {
  data: string;
  op: Api;
  upload: Api;
  uploadToken: string;
  worker: string;
}

function prepare(databaseUrl?: string): Omit<Setup, 'op' | 'upload'> {
  const { data, uploadToken } = serverData('acme', PASSWORD, databaseUrl);
  const worker = admin<{ token: string }>(
    data,
    ['token-create', '--purpose', 'worker', '--name', 'w'],
    databaseUrl,
  ).token;
  return { data, uploadToken, worker };
}

interface Outcome {
  cases: string[];
  /** Host and title (ids hash the bundle's path, which differs between data folders). */
  findings: string[];
  bundles: Record<string, number>;
  /** The findings as served, without ids and times, the data folder written DATA, sorted. */
  detail: string[];
}

async function outcome(op: Api, dataDir: string): Promise<Outcome> {
  const cases = await op.get<{ items: { host: string; key: string; state: string }[] }>(
    '/api/v1/tenants/acme/cases?limit=1000',
  );
  const findings = await op.get<{ items: ({ host: string; title: string; finding: object } & object)[] }>(
    '/api/v1/tenants/acme/findings?limit=1000',
  );
  const hosts = await op.get<{ items: { host: string }[] }>('/api/v1/tenants/acme/hosts');
  const bundles: Record<string, number> = {};
  for (const h of hosts.body.items) {
    const t = await op.get<{ items: { type: string }[] }>(
      `/api/v1/tenants/acme/hosts/${encodeURIComponent(h.host)}/timeline`,
    );
    bundles[h.host] = t.body.items.filter((i) => i.type === 'bundle').length;
  }
  return {
    cases: cases.body.items.map((c) => `${c.host} ${c.key} ${c.state}`).sort(),
    findings: findings.body.items.map((f) => `${f.host} ${f.title}`).sort(),
    bundles,
    detail: findings.body.items
      .map((f) =>
        JSON.stringify({
          ...f,
          id: null,
          firstSeen: null,
          lastSeen: null,
          finding: { ...f.finding, id: null },
        }).replaceAll(dataDir, 'DATA'),
      )
      .sort(),
  };
}

describe('chainhunt serve --nats with two workers', () => {
  let nats: Proc;
  let natsUrl = '';
  let server: RunningServer;
  let setup: Setup;
  const workers: Proc[] = [];
  const big = bigBundle();
  const pack = readFileSync(path.join(repoRoot, 'intel', '3cx', '3cx.chainhunt.json'));
  let bigJob = '';

  const startWorker = (): Proc => {
    const w = spawnWorker(server.url, setup.worker, natsUrl);
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    if (!existsSync(NATS_SERVER))
      throw new Error(`${NATS_SERVER} is missing: install Debian's nats-server (scripts/apt-packages.txt)`);
    const port = await freePort();
    const store = mkdtempSync(path.join(os.tmpdir(), 'chainhunt-nats-'));
    nats = run(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store]);
    natsUrl = `nats://127.0.0.1:${port}`;
    await waitFor('nats-server', () => /Server is ready/.test(nats.err()), 30_000);
    const p = prepare();
    server = await startServer(p.data, {
      extraArgs: ['--nats', natsUrl, '--nats-ack-wait', String(ACK_WAIT_S)],
    });
    expect(server.stderr()).toContain('jobs: nats');
    const op = new Api(server.url);
    expect(await op.login('op', PASSWORD)).toBe(200);
    setup = {
      data: p.data,
      op,
      upload: new Api(server.url, p.uploadToken),
      uploadToken: p.uploadToken,
      worker: p.worker,
    };
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await server?.stop();
    await nats?.stop();
  });

  it('runs every job once more after a worker is killed holding one; bundles stored once', async () => {
    const first = startWorker();
    const second = startWorker();
    await waitFor('workers ready', () => /ready/.test(first.err()) && /ready/.test(second.err()));
    const r = await setup.upload.post<{ job: { id: string } }>('/api/v1/tenants/acme/bundles', big);
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    bigJob = r.body.job.id;
    for (const h of HOSTS) {
      const u = await setup.upload.post('/api/v1/tenants/acme/bundles', demoBundle(h));
      expect(u.status, JSON.stringify(u.body)).toBe(202);
    }
    // Kill whichever worker took the big job, while it holds it.
    let holder: Proc | null = null;
    await waitFor('a worker taking the big job', () => {
      holder = workers.find((w) => w.err().includes(`took job ${bigJob}`)) ?? null;
      return holder !== null;
    });
    const victim = holder as unknown as Proc;
    await victim.stop('SIGKILL');
    expect(victim.err()).not.toContain(`job ${bigJob} done`);
    const survivor = victim === first ? second : first;
    const jobs = await setup.op.settle('acme', 120_000);
    expect(jobs).toHaveLength(HOSTS.length + 1);
    expect(jobs.filter((j) => j.state !== 'done')).toEqual([]);
    // The survivor did the big job, on its second delivery.
    // (The job is marked done before the worker hears back and logs it.)
    await waitFor('the survivor to log the big job done', () =>
      survivor.err().includes(`job ${bigJob} done`),
    );
    expect(survivor.err()).toContain(`took job ${bigJob} (ingest, tenant acme, attempt 2)`);
    const job = await setup.op.get<{ attempts: number; result: { bundles: { status: string }[] } }>(
      `/api/v1/tenants/acme/jobs/${bigJob}`,
    );
    expect(job.body.attempts).toBe(2);
    expect(job.body.result.bundles.map((b) => b.status)).toEqual(['new']);
    const o = await outcome(setup.op, setup.data);
    expect(Object.keys(o.bundles).sort()).toEqual([...HOSTS, 'win-bulk-09'].sort());
    expect(Object.values(o.bundles).every((n) => n === 1)).toBe(true);
  });

  it('runs the retro-hunt through NATS on the server; results equal the in-process queue', async () => {
    const r = await setup.op.post<{ jobs: unknown[] }>('/api/v1/intel?name=3cx.chainhunt.json', pack);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await setup.op.settle('acme');
    const viaNats = await outcome(setup.op, setup.data);
    expect(viaNats.cases.filter((c) => c.includes('CVE-2023-29059'))).toHaveLength(2);

    // The same uploads and intel with the default in-process queue.
    const p = prepare();
    const local = await startServer(p.data);
    try {
      expect(local.stderr()).toContain('jobs: in-process');
      const op = new Api(local.url);
      expect(await op.login('op', PASSWORD)).toBe(200);
      const up = new Api(local.url, p.uploadToken);
      expect((await up.post('/api/v1/tenants/acme/bundles', big)).status).toBe(202);
      for (const h of HOSTS)
        expect((await up.post('/api/v1/tenants/acme/bundles', demoBundle(h))).status).toBe(202);
      await op.settle('acme', 120_000);
      expect((await op.post('/api/v1/intel?name=3cx.chainhunt.json', pack)).status).toBe(201);
      await op.settle('acme');
      const inProcess = await outcome(op, p.data);
      expect(viaNats).toEqual(inProcess);
      // Paths in the evidence are the server's copy of the bundle, never a worker's temporary file.
      expect(viaNats.detail.join('\n')).toContain('DATA/uploads/t-acme/');
      expect(viaNats.detail.join('\n')).not.toContain('chainhunt-job-');
    } finally {
      await local.stop();
    }
  });

  it('refuses late duplicate results and a second take of a finished job', async () => {
    const w = new Api(server.url, setup.worker);
    const again = await w.get<{ error: string }>(`/api/v1/worker/jobs/${bigJob}`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('finished');
    const stream = gzipSync(
      `${JSON.stringify({ t: 'begin', v: 1, job: bigJob, bundle: '/x.zip' })}\n${JSON.stringify({ t: 'end', observations: 0, issues: [] })}\n`,
    );
    const late = await w.post<{ error: string }>(`/api/v1/worker/jobs/${bigJob}/observations`, stream, {
      'content-type': 'application/gzip',
    });
    expect(late.status).toBe(409);
    // Tenant tokens cannot use the worker routes.
    expect((await setup.upload.get(`/api/v1/worker/jobs/${bigJob}`)).status).toBe(403);
  });

  it('refuses a malformed result with the line at fault; the job stays running and a worker finishes it', async () => {
    for (const w of workers) await w.stop();
    const bundle = demoBundle('win-pbx-05', (files) => {
      const m = JSON.parse((files['chainhunt-host.json'] ?? Buffer.alloc(0)).toString('utf8')) as Record<
        string,
        unknown
      >;
      files['chainhunt-host.json'] = Buffer.from(JSON.stringify({ ...m, hostId: 'win-late-10' }));
    });
    const r = await setup.upload.post<{ job: { id: string } }>('/api/v1/tenants/acme/bundles', bundle);
    expect(r.status).toBe(202);
    const id = r.body.job.id;
    const w = new Api(server.url, setup.worker);
    const taken = await w.get<{ job: { attempts: number }; upload: { tenant: string } }>(
      `/api/v1/worker/jobs/${id}`,
    );
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ job: { attempts: 1 }, upload: { tenant: 'acme' } });
    const post = (body: Buffer): Promise<{ status: number; body: { message: string } }> =>
      w.post<{ message: string }>(`/api/v1/worker/jobs/${id}/observations`, body, {
        'content-type': 'application/gzip',
      });
    const garbage = await post(gzipSync('{"t":"obs"}\n'));
    expect(garbage.status).toBe(400);
    expect(garbage.body.message).toMatch(/line 1: the first line must be begin/);
    const truncated = await post(
      gzipSync(`${JSON.stringify({ t: 'begin', v: 1, job: id, bundle: '/x.zip' })}\n`),
    );
    expect(truncated.status).toBe(400);
    expect(truncated.body.message).toMatch(/line 2: truncated: no end line/);
    const notGzip = await post(Buffer.from('plain text'));
    expect(notGzip.status).toBe(400);
    const job = await setup.op.get<{ state: string }>(`/api/v1/tenants/acme/jobs/${id}`);
    expect(job.body.state).toBe('running');
    // The message is still in the stream: a worker takes the job (a second attempt) and finishes it.
    startWorker();
    await setup.op.settle('acme');
    const done = await setup.op.get<{ state: string; attempts: number }>(`/api/v1/tenants/acme/jobs/${id}`);
    expect(done.body).toMatchObject({ state: 'done', attempts: 2 });
    const o = await outcome(setup.op, setup.data);
    expect(o.bundles['win-late-10']).toBe(1);
  });

  it('a worker whose token is refused stops with a clear error and leaves the job to others', async () => {
    for (const w of workers) await w.stop();
    const bad = run(process.execPath, [
      cliPath,
      'worker',
      '--server',
      server.url,
      '--token',
      setup.uploadToken,
      '--nats',
      natsUrl,
    ]);
    workers.push(bad);
    await waitFor('the worker ready', () => /ready/.test(bad.err()));
    const bundle = demoBundle('linux-build-04', (files) => {
      const m = JSON.parse((files['chainhunt-host.json'] ?? Buffer.alloc(0)).toString('utf8')) as Record<
        string,
        unknown
      >;
      files['chainhunt-host.json'] = Buffer.from(JSON.stringify({ ...m, hostId: 'linux-late-11' }));
    });
    const r = await setup.upload.post<{ job: { id: string } }>('/api/v1/tenants/acme/bundles', bundle);
    expect(r.status).toBe(202);
    await waitFor('the worker to stop', () => bad.proc.exitCode !== null);
    expect(bad.proc.exitCode).toBe(2);
    expect(bad.err()).toMatch(/refused the worker token \(403/);
    startWorker();
    await setup.op.settle('acme');
    const done = await setup.op.get<{ state: string; attempts: number }>(
      `/api/v1/tenants/acme/jobs/${r.body.job.id}`,
    );
    expect(done.body).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('publishes at start the jobs queued while the server was down', async () => {
    await server.stop();
    const r = admin<{ huntsQueued: number }>(setup.data, [
      'intel-import',
      path.join(repoRoot, 'intel', '3cx', '3cx.chainhunt.json'),
    ]);
    expect(r.huntsQueued).toBe(1);
    server = await startServer(setup.data, {
      extraArgs: ['--nats', natsUrl, '--nats-ack-wait', String(ACK_WAIT_S)],
    });
    expect(server.stderr()).toMatch(/published 1 job\(s\) that had no message/);
    const op = new Api(server.url);
    expect(await op.login('op', PASSWORD)).toBe(200);
    const jobs = await op.settle('acme');
    expect(jobs.filter((j) => j.type === 'hunt' && j.state === 'done')).toHaveLength(2);
    expect(jobs.filter((j) => j.state !== 'done')).toEqual([]);
  });

  it('server and worker stop on SIGTERM even after NATS went away', async () => {
    for (const w of workers) await w.stop();
    const w = startWorker();
    await waitFor('the worker ready', () => /ready/.test(w.err()));
    await nats.stop();
    // Long enough for the clients to be in their reconnect loops.
    await new Promise((r) => setTimeout(r, 5000));
    const exited = (p: ChildProcess): Promise<boolean> =>
      p.exitCode !== null
        ? Promise.resolve(true)
        : new Promise((resolve) => {
            const t = setTimeout(() => resolve(false), 15_000);
            p.once('exit', () => {
              clearTimeout(t);
              resolve(true);
            });
          });
    w.proc.kill('SIGTERM');
    server.proc.kill('SIGTERM');
    expect(await exited(w.proc)).toBe(true);
    expect(await exited(server.proc)).toBe(true);
    expect(w.proc.exitCode).toBe(0);
    expect(server.proc.exitCode).toBe(0);
  });
});

const skipPg = pgSkipReason();
describe.skipIf(skipPg !== null)(
  `chainhunt serve --nats on PostgreSQL${skipPg ? ` (skipped: ${skipPg})` : ''}`,
  () => {
    it('two workers ingest the fleet; the retro-hunt opens the 3CX cases as on the embedded store', async () => {
      const port = await freePort();
      const nats = run(NATS_SERVER, [
        '-js',
        '-a',
        '127.0.0.1',
        '-p',
        String(port),
        '-sd',
        mkdtempSync(path.join(os.tmpdir(), 'chainhunt-nats-')),
      ]);
      const procs: Proc[] = [];
      let server: RunningServer | undefined;
      try {
        await waitFor('nats-server', () => /Server is ready/.test(nats.err()), 30_000);
        const natsUrl = `nats://127.0.0.1:${port}`;
        const databaseUrl = await freshDatabase();
        const p = prepare(databaseUrl);
        server = await startServer(p.data, { databaseUrl, extraArgs: ['--nats', natsUrl] });
        expect(server.stderr()).toContain('store: postgres, jobs: nats');
        for (let i = 0; i < 2; i++) procs.push(spawnWorker(server.url, p.worker, natsUrl));
        await waitFor('workers ready', () => procs.every((w) => /ready/.test(w.err())));
        const op = new Api(server.url);
        expect(await op.login('op', PASSWORD)).toBe(200);
        const up = new Api(server.url, p.uploadToken);
        for (const h of HOSTS)
          expect((await up.post('/api/v1/tenants/acme/bundles', demoBundle(h))).status).toBe(202);
        const jobs = await op.settle('acme', 120_000);
        expect(jobs.map((j) => j.state)).toEqual(HOSTS.map(() => 'done'));
        // The jobs ran on the workers (which worker took which is JetStream's choice).
        expect(procs.map((w) => w.err().match(/took job /g)?.length ?? 0).reduce((a, n) => a + n, 0)).toBe(
          HOSTS.length,
        );
        const pack = readFileSync(path.join(repoRoot, 'intel', '3cx', '3cx.chainhunt.json'));
        expect((await op.post('/api/v1/intel?name=3cx.chainhunt.json', pack)).status).toBe(201);
        await op.settle('acme');
        const o = await outcome(op, p.data);
        expect(o.cases.filter((c) => c.includes('CVE-2023-29059')).map((c) => c.split(' ')[0])).toEqual([
          'mac-design-02',
          'win-finance-01',
        ]);
        expect(Object.values(o.bundles)).toEqual(HOSTS.map(() => 1));
      } finally {
        for (const w of procs) await w.stop();
        await server?.stop();
        await nats.stop();
      }
    }, 180_000);
  },
);

describe('chainhunt worker: usage errors are clear', () => {
  it('refuses a missing token, a server that is not an http URL and an unreachable NATS', async () => {
    const port = await freePort();
    const noToken = runCli(
      ['worker', '--server', 'http://127.0.0.1:1', '--nats', `nats://127.0.0.1:${port}`],
      {
        env: { CHAINHUNT_WORKER_TOKEN: '' },
      },
    );
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/a worker token is needed/);
    const badUrl = runCli(['worker', '--server', 'ftp://x', '--token', 't', '--nats', 'nats://127.0.0.1:1']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/not an http\(s\) URL: ftp:\/\/x/);
    const noNats = runCli([
      'worker',
      '--server',
      'http://127.0.0.1:1',
      '--token',
      't',
      '--nats',
      `nats://127.0.0.1:${port}`,
    ]);
    expect(noNats.code).toBe(2);
    expect(noNats.stderr).toMatch(/cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+/);
    const ack = runCli(['serve', '--nats', 'nats://127.0.0.1:1', '--nats-ack-wait', '0']);
    expect(ack.code).toBe(2);
    expect(ack.stderr).toMatch(/--nats-ack-wait: 1 to 3600 seconds, not 0/);
  });
});
