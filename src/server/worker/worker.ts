/**
 * `chainhunt worker`: pulls ingest jobs from NATS JetStream, downloads each bundle from the server,
 * collects its observations here (archive reading, hashing, parsing: the CPU-heavy part) and posts
 * them back; the server stores, matches and reconciles. Stateless: no database, a temporary folder
 * per job. The message is acknowledged only once the server answered, and kept alive with
 * heartbeats while the job runs, so a worker dying mid-job gets its job redelivered elsewhere.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  openSync,
  rmSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { connect, millis, type Consumer, type JsMsg, type NatsConnection } from 'nats';
import { errorMessage } from '../../core/errors.js';
import { runScan } from '../../scan/runner.js';
import {
  closeConnection,
  heartbeat,
  jobIdOf,
  NATS_STREAM,
  pullOne,
  retryDelayMs,
  unlessAborted,
  WORKER_CONSUMER,
} from '../jobs/nats.js';
import { ObservationEncoder } from './protocol.js';

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  /** The server's base URL (`http://host:port`). */
  server: string;
  /** A worker token (`chainhunt admin token-create --purpose worker`). */
  token: string;
  /** NATS server URL(s), comma-separated. */
  nats: string;
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /** Where jobs' temporary files go (default the system's). */
  tmpDir?: string;
  /** Largest bundle downloaded (bytes, default 512 MiB). */
  maxBundleBytes?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

interface TakenJob {
  job: { id: string; type: string; tenant: string | null; attempts: number };
  upload: { id: string; tenant: string; sha256: string; size: number; file: string };
}

/** What became of one message. */
export type Outcome = 'done' | 'failed' | 'skipped' | 'retry';

class Retry extends Error {}

/** A small client for the worker routes. */
class ServerApi {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  private url(p: string): string {
    return `${this.base.replace(/\/+$/, '')}/api/v1/worker${p}`;
  }

  async call(
    method: string,
    p: string,
    body?: { json: unknown } | { file: string; type: string },
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let payload: RequestInit['body'];
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = body.type;
      payload = Readable.toWeb(createReadStream(body.file)) as ReadableStream<Uint8Array>;
    }
    let r: Response;
    try {
      r = await fetch(this.url(p), {
        method,
        headers,
        ...(payload !== undefined ? { body: payload, duplex: 'half' } : {}),
      });
    } catch (err) {
      throw new Retry(`server unreachable: ${errorMessage(err)}`);
    }
    const text = await r.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    return { status: r.status, body: parsed };
  }

  async download(p: string, dest: string, sha256: string, maxBytes: number): Promise<void> {
    let r: Response;
    try {
      r = await fetch(this.url(p), { headers: { authorization: `Bearer ${this.token}` } });
    } catch (err) {
      throw new Retry(`server unreachable: ${errorMessage(err)}`);
    }
    if (r.status === 409) throw new Finished();
    if (!r.ok || !r.body) throw new Retry(`bundle download answered ${r.status}`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _e, cb) {
        size += chunk.length;
        if (size > maxBytes) return cb(new Error(`bundle larger than ${maxBytes} bytes`));
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(r.body), meter, createWriteStream(dest));
    } catch (err) {
      throw new Retry(`bundle download failed: ${errorMessage(err)}`);
    }
    if (hash.digest('hex') !== sha256) throw new Retry('bundle download does not match its SHA-256');
  }
}

class Finished extends Error {}

/** The worker cannot go on (its token is refused): it stops, leaving the job to others. */
class Fatal extends Error {}

function messageOf(r: { status: number; body: Record<string, unknown> }): string {
  const m = r.body['message'];
  return typeof m === 'string' ? m : `HTTP ${r.status}`;
}

/**
 * Writes an observation stream to a file as gzip members of about 1 MiB of lines each (one gzip
 * stream with several members), synchronously, so memory stays bounded whatever the scan emits.
 */
class GzipSpool {
  private readonly fd: number;
  private parts: string[] = [];
  private pending = 0;
  bytes = 0;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'wx');
  }

  write = (line: string): void => {
    this.parts.push(line);
    this.pending += line.length;
    if (this.pending >= 1 << 20) this.flush();
  };

  private flush(): void {
    if (this.parts.length === 0) return;
    const gz = gzipSync(this.parts.join(''), { level: 6 });
    writeSync(this.fd, gz);
    this.bytes += gz.length;
    this.parts = [];
    this.pending = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Runs one delivered job; says what became of it (throws Retry to have it delivered again). */
async function handleJob(
  api: ServerApi,
  id: string,
  o: { tmpDir: string; maxBundleBytes: number; log: (l: string) => void; signal?: AbortSignal | undefined },
): Promise<Outcome> {
  const taken = await api.call('GET', `/jobs/${encodeURIComponent(id)}`);
  if (taken.status === 409 || taken.status === 404) {
    o.log(`job ${id} skipped: ${messageOf(taken)}`);
    return 'skipped';
  }
  if (taken.status === 401 || taken.status === 403)
    throw new Fatal(`the server refused the worker token (${taken.status}: ${messageOf(taken)})`);
  if (taken.status !== 200) throw new Retry(`taking job ${id} answered ${taken.status}`);
  const t = taken.body as unknown as TakenJob;
  o.log(`took job ${id} (${t.job.type}, tenant ${t.upload.tenant}, attempt ${t.job.attempts})`);
  const dir = mkdtempSync(path.join(o.tmpDir, 'chainhunt-job-'));
  try {
    const bundle = path.join(dir, path.basename(t.upload.file));
    try {
      await api.download(
        `/uploads/${encodeURIComponent(t.upload.id)}/content`,
        bundle,
        t.upload.sha256,
        o.maxBundleBytes,
      );
    } catch (err) {
      if (err instanceof Finished) return 'skipped';
      throw err;
    }
    const collectStart = performance.now();
    const spool = new GzipSpool(path.join(dir, 'observations.ndjson.gz'));
    const enc = new ObservationEncoder(spool.write);
    enc.begin(id, bundle);
    let issues;
    try {
      const outcome = await runScan({
        paths: [bundle],
        match: false,
        ...(o.signal ? { signal: o.signal } : {}),
        onObservation: (obs, host) =>
          enc.add({ ...obs, tenant: t.upload.tenant }, { ...host, tenant: t.upload.tenant }),
      });
      issues = outcome.issues;
    } catch (err) {
      spool.close();
      if (o.signal?.aborted) throw new Retry('stopped');
      const r = await api.call('POST', `/jobs/${encodeURIComponent(id)}/failure`, {
        json: { error: `collection failed: ${errorMessage(err)}`.slice(0, 4000) },
      });
      if (r.status >= 500) throw new Retry(`reporting the failure answered ${r.status}`);
      o.log(`job ${id} failed: ${errorMessage(err)}`);
      return 'failed';
    }
    enc.end(issues);
    spool.close();
    const postStart = performance.now();
    const posted = await api.call('POST', `/jobs/${encodeURIComponent(id)}/observations`, {
      file: spool.file,
      type: 'application/gzip',
    });
    if (posted.status === 409) {
      o.log(`job ${id} result not needed: ${messageOf(posted)}`);
      return 'skipped';
    }
    if (posted.status !== 200)
      throw new Retry(`posting job ${id} answered ${posted.status}: ${messageOf(posted)}`);
    o.log(
      `job ${id} done (${enc.observations} observations, ${spool.bytes} bytes; collected in ${Math.round(postStart - collectStart)} ms, stored and matched by the server in ${Math.round(performance.now() - postStart)} ms)`,
    );
    return 'done';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pulls and runs jobs until `signal` aborts. */
export async function runWorker(o: WorkerOptions): Promise<void> {
  const log = o.log ?? ((l: string) => void process.stderr.write(`chainhunt worker: ${l}\n`));
  const api = new ServerApi(o.server, o.token);
  const tmpDir = o.tmpDir ?? os.tmpdir();
  const maxBundleBytes = o.maxBundleBytes ?? 512 * 1024 * 1024;
  // Stops on the caller's signal, or when a job shows the worker cannot go on.
  const halt = new AbortController();
  const signal = halt.signal;
  o.signal?.addEventListener('abort', () => halt.abort(), { once: true });
  if (o.signal?.aborted) halt.abort();
  let fatal: Fatal | null = null;
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: o.nats.split(','), name: 'chainhunt-worker', maxReconnectAttempts: -1 });
  } catch (err) {
    throw new Error(`cannot connect to NATS at ${o.nats}: ${errorMessage(err)}`);
  }
  try {
    const js = nc.jetstream();
    // The server creates the stream and the consumer; wait for it when the worker starts first.
    let consumer: Consumer | null = null;
    let ackWaitMs = 60_000;
    for (let i = 0; !consumer; i++) {
      if (signal?.aborted) return;
      try {
        consumer = await unlessAborted(js.consumers.get(NATS_STREAM, WORKER_CONSUMER), signal);
        if (!consumer) return;
        const info = await unlessAborted(consumer.info(true), signal);
        if (!info) return;
        ackWaitMs = millis(info.config.ack_wait ?? 60_000_000_000);
      } catch (err) {
        consumer = null;
        if (i % 10 === 0) log(`waiting for the job stream (${errorMessage(err)})`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    const c = consumer;
    log(`ready (concurrency ${o.concurrency ?? 1}, ack wait ${ackWaitMs} ms)`);
    const slot = async (): Promise<void> => {
      while (!signal?.aborted) {
        let msg: JsMsg | null;
        try {
          msg = await pullOne(c, signal);
        } catch (err) {
          if (signal?.aborted) return;
          log(`pull failed: ${errorMessage(err)}`);
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        if (!msg) continue;
        try {
          await settle(msg, api, { tmpDir, maxBundleBytes, log, signal }, ackWaitMs);
        } catch (err) {
          if (!(err instanceof Fatal)) throw err;
          fatal ??= err;
          halt.abort();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 1) }, () => slot()));
    const stopped = fatal as Fatal | null;
    if (stopped) throw stopped;
  } finally {
    await closeConnection(nc);
  }
}

async function settle(
  msg: JsMsg,
  api: ServerApi,
  o: { tmpDir: string; maxBundleBytes: number; log: (l: string) => void; signal?: AbortSignal | undefined },
  ackWaitMs: number,
): Promise<void> {
  const id = jobIdOf(msg.subject);
  if (!id) {
    msg.term('not a job subject');
    return;
  }
  const stop = heartbeat(msg, ackWaitMs);
  try {
    await handleJob(api, id, o);
    msg.ack();
  } catch (err) {
    if (err instanceof Fatal) {
      msg.nak();
      throw err;
    }
    o.log(`job ${id} will be retried: ${errorMessage(err)}`);
    msg.nak(retryDelayMs(msg.info.redeliveryCount));
  } finally {
    stop();
  }
}
