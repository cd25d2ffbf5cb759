/**
 * The scale-out job queue (decision 0010): the state store stays the record of every job, and NATS
 * JetStream carries job ids to whoever runs them. Ingest jobs go to `chainhunt worker` processes
 * (one durable pull consumer shared by all workers); hunt jobs need the evidence store, so this
 * server consumes their subject itself. Delivery is at least once: a job whose runner died is
 * redelivered after `ack_wait`, and running a job twice stores nothing twice.
 */
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  nanos,
  RetentionPolicy,
  StorageType,
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import { errorMessage } from '../../core/errors.js';
import type { JobQueue, ServerContext } from '../context.js';
import { Mutex } from '../state/sql.js';
import type { Job, JobType } from '../state/types.js';
import { runJob } from './runner.js';

/** The JetStream stream holding pending jobs (work-queue retention: a message lives until acked). */
export const NATS_STREAM = 'CHAINHUNT_JOBS';
/** Subjects are `chainhunt.jobs.<type>.<job id>`. */
export const SUBJECT_PREFIX = 'chainhunt.jobs';
/** The durable consumer every worker pulls ingest jobs from. */
export const WORKER_CONSUMER = 'chainhunt-workers';
/** The durable consumer the server pulls hunt jobs from. */
export const SERVER_CONSUMER = 'chainhunt-server';
/**
 * Runs of one job (takes by a runner) before it is marked failed. Deliveries are not limited in
 * JetStream: one that never reached the server (a worker that could not reach it) is no attempt,
 * and a job must never be left `queued` with a message JetStream no longer delivers.
 */
export const MAX_ATTEMPTS = 5;
/** Default time a runner may hold a job without a heartbeat before it is redelivered. */
export const DEFAULT_ACK_WAIT_MS = 60_000;

/** The subject a job is published on. */
export function subjectOf(type: JobType, id: string): string {
  return `${SUBJECT_PREFIX}.${type}.${id}`;
}

/** The job id of a message (its subject's last token), or null. */
export function jobIdOf(subject: string): string | null {
  const m = /^chainhunt\.jobs\.(?:ingest|hunt)\.([A-Za-z0-9-]{1,100})$/.exec(subject);
  return m?.[1] ?? null;
}

/** Options of the NATS queue. */
export interface NatsQueueOptions {
  /** NATS server URL(s), comma-separated. */
  url: string;
  /** How long a runner may hold a job without a heartbeat (default 60 s). */
  ackWaitMs?: number;
  /** Where to say what happened (default stderr). */
  log?: (line: string) => void;
  /** How often queued jobs without a message are looked for (default 60 s). */
  sweepMs?: number;
}

/** Creates (or updates) the stream and both durable consumers. */
export async function ensureJobStream(jsm: JetStreamManager, ackWaitMs: number): Promise<void> {
  const stream = {
    name: NATS_STREAM,
    subjects: [`${SUBJECT_PREFIX}.>`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: nanos(120_000),
  };
  try {
    await jsm.streams.info(NATS_STREAM);
  } catch {
    await jsm.streams.add(stream).catch(async (err: unknown) => {
      // Another server or a racing start created it meanwhile.
      await jsm.streams.info(NATS_STREAM).catch(() => {
        throw err;
      });
    });
  }
  for (const [durable, type] of [
    [WORKER_CONSUMER, 'ingest'],
    [SERVER_CONSUMER, 'hunt'],
  ] as const) {
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ackWaitMs),
      max_deliver: -1,
      filter_subject: `${SUBJECT_PREFIX}.${type}.>`,
      max_ack_pending: 1000,
    };
    const existing = await jsm.consumers.info(NATS_STREAM, durable).catch(() => null);
    if (!existing) await jsm.consumers.add(NATS_STREAM, config);
    else if (
      existing.config.ack_wait !== config.ack_wait ||
      existing.config.max_deliver !== config.max_deliver
    )
      await jsm.consumers.update(NATS_STREAM, durable, {
        ack_wait: config.ack_wait,
        max_deliver: config.max_deliver,
      });
  }
}

const locks = new WeakMap<object, Mutex>();

/**
 * The lock server-side job completion runs under (a worker's result being stored and matched, a
 * hunt): one at a time per server, as the in-process queue runs them.
 */
export function completionLock(ctx: ServerContext): Mutex {
  let m = locks.get(ctx.state);
  if (!m) locks.set(ctx.state, (m = new Mutex()));
  return m;
}

/** `p`, or null as soon as `signal` aborts (a pull left waiting on a lost connection). */
export function unlessAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T | null> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<T | null>((resolve, reject) => {
    const onAbort = (): void => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/**
 * Pulls one message (or null after `expires` ms). The pull is stopped when `signal` aborts, so no
 * timer of an abandoned pull keeps the process alive after a lost connection.
 */
export async function pullOne(
  consumer: Consumer,
  signal: AbortSignal,
  expires = 2000,
): Promise<JsMsg | null> {
  if (signal.aborted) return null;
  const pending = consumer.fetch({ max_messages: 1, expires });
  const batch = await unlessAborted(pending, signal);
  if (!batch) {
    // Aborted while the pull was being set up: stop it whenever it arrives.
    pending.then(
      (b) => b.stop(),
      () => undefined,
    );
    return null;
  }
  const onAbort = (): void => void batch.stop();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const m of batch) return m;
    return null;
  } finally {
    signal.removeEventListener('abort', onAbort);
    batch.stop();
  }
}

/** Closes a connection: drains it when it can within `ms`, else just closes it. */
export async function closeConnection(nc: NatsConnection, ms = 3000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
  const drained = await Promise.race([
    nc.drain().then(
      () => 'ok' as const,
      () => 'failed' as const,
    ),
    timeout,
  ]);
  clearTimeout(timer);
  if (drained !== 'ok') await nc.close().catch(() => undefined);
}

/** How long to wait before a failed delivery comes back: 2 s doubling to 60 s. */
export function retryDelayMs(deliveries: number): number {
  return Math.min(60_000, 2000 * 2 ** Math.max(0, Math.min(5, deliveries - 1)));
}

/** Keeps a held message from being redelivered while its job runs. */
export function heartbeat(msg: JsMsg, ackWaitMs: number): () => void {
  const t = setInterval(() => msg.working(), Math.max(200, Math.floor(ackWaitMs / 3)));
  t.unref();
  return () => clearInterval(t);
}

/** The job queue over NATS JetStream. */
export class NatsQueue implements JobQueue {
  readonly kind = 'nats' as const;
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private jsm: JetStreamManager | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private readonly abort = new AbortController();
  private readonly ackWaitMs: number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly ctx: () => ServerContext,
    private readonly o: NatsQueueOptions,
  ) {
    this.ackWaitMs = o.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
    this.log = o.log ?? ((l) => void process.stderr.write(`chainhunt: ${l}\n`));
  }

  async submit(job: Job): Promise<void> {
    try {
      await this.publish(job);
    } catch (err) {
      // The job is committed; the next sweep (or start) publishes it again.
      this.log(`could not publish job ${job.id}: ${errorMessage(err)}`);
    }
  }

  private async publish(job: Pick<Job, 'id' | 'type'>): Promise<void> {
    if (!this.js) throw new Error('the NATS queue is not started');
    await this.js.publish(subjectOf(job.type, job.id), new TextEncoder().encode(job.id), { msgID: job.id });
  }

  async start(): Promise<void> {
    try {
      this.nc = await connect({
        servers: this.o.url.split(','),
        name: 'chainhunt-server',
        maxReconnectAttempts: -1,
      });
    } catch (err) {
      throw new Error(`cannot connect to NATS at ${this.o.url}: ${errorMessage(err)}`);
    }
    this.jsm = await this.nc.jetstreamManager();
    this.js = this.nc.jetstream();
    await ensureJobStream(this.jsm, this.ackWaitMs);
    const ctx = this.ctx();
    await ctx.state.requeueRunning(ctx.now());
    const n = await this.republish();
    if (n > 0) this.log(`published ${n} job(s) that had no message`);
    this.loop = this.consumeHunts().catch((err: unknown) =>
      this.log(`hunt consumer stopped: ${errorMessage(err)}`),
    );
    this.sweeper = setInterval(() => {
      this.republish().catch((err: unknown) => this.log(`job sweep failed: ${errorMessage(err)}`));
    }, this.o.sweepMs ?? 60_000);
    this.sweeper.unref();
  }

  /**
   * Publishes every queued or running job that has no message in the stream (after a crash between
   * commit and publish, or a failed publish). Returns how many.
   */
  async republish(): Promise<number> {
    const jsm = this.jsm;
    if (!jsm || this.stopped) return 0;
    const ctx = this.ctx();
    let n = 0;
    for (const state of ['queued', 'running'] as const) {
      for (let offset = 0; ; offset += 500) {
        const page = await ctx.state.jobs(null, 500, offset, state);
        for (const job of page.items) {
          const pending = await jsm.streams
            .getMessage(NATS_STREAM, { last_by_subj: subjectOf(job.type, job.id) })
            .then(() => true)
            .catch((err: unknown) => {
              if (/no message found|not found/i.test(errorMessage(err))) return false;
              throw err;
            });
          if (!pending) {
            await this.publish(job);
            n++;
          }
        }
        if (page.items.length < 500) break;
      }
    }
    return n;
  }

  /** Runs hunt jobs here, one at a time (they read and match the evidence store). */
  private async consumeHunts(): Promise<void> {
    const js = this.js;
    if (!js) return;
    let consumer: Consumer | null = null;
    while (!this.stopped) {
      let msg: JsMsg | null = null;
      try {
        consumer ??= await js.consumers.get(NATS_STREAM, SERVER_CONSUMER);
        msg = await pullOne(consumer, this.abort.signal);
      } catch (err) {
        if (this.stopped) break;
        this.log(`hunt consumer: ${errorMessage(err)}`);
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (!msg) continue;
      await this.runHunt(msg);
    }
  }

  private async runHunt(msg: JsMsg): Promise<void> {
    const ctx = this.ctx();
    const id = jobIdOf(msg.subject);
    if (!id) {
      msg.term('not a job subject');
      return;
    }
    const stop = heartbeat(msg, this.ackWaitMs);
    try {
      await completionLock(ctx).run(async () => {
        const job = await ctx.state.job(id);
        if (!job || job.state === 'done' || job.state === 'failed') return;
        if (job.attempts >= MAX_ATTEMPTS) {
          await ctx.state.finishJob(
            id,
            { state: 'failed', error: `gave up after ${job.attempts} attempts` },
            ctx.now(),
          );
          return;
        }
        const started = await ctx.state.startJob(id, ctx.now());
        if (started) await runJob(ctx, started, this.abort.signal);
      });
      msg.ack();
    } catch (err) {
      // Aborted by close(), or the state store failed: let JetStream deliver it again.
      if (!this.abort.signal.aborted) this.log(`hunt job ${id}: ${errorMessage(err)}`);
      msg.nak(retryDelayMs(msg.info.redeliveryCount));
    } finally {
      stop();
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    if (this.sweeper) clearInterval(this.sweeper);
    // A hunt in progress finishes (it holds the store); a pull on a lost connection does not wait.
    await this.loop?.catch(() => undefined);
    if (this.nc) await closeConnection(this.nc);
  }
}
