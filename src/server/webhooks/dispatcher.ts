/**
 * Webhook delivery: signed POSTs in the background, with bounded concurrency, a bounded queue and
 * retries (exponential backoff with full jitter, `Retry-After` honoured). Delivery is
 * at-least-once: the `Chainhunt-Delivery` id is the same on every attempt so receivers can
 * de-duplicate. Every attempt is reported through `onResult` for the server's delivery log.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { AddressPolicy, HostLookup } from './address-policy.js';
import { checkAddress, isNonPublicAddress, literalAddress, systemLookup } from './address-policy.js';
import type { WebhookEventBase } from './events.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';

/** Header naming the event type. */
export const EVENT_HEADER = 'Chainhunt-Event';
/** Header carrying the delivery id, stable across retries. */
export const DELIVERY_HEADER = 'Chainhunt-Delivery';
/** Header carrying the 1-based attempt number. */
export const ATTEMPT_HEADER = 'Chainhunt-Attempt';
/** User-Agent sent with every delivery. */
export const USER_AGENT = 'chainhunt-webhook/1';

/** Defaults of {@link WebhookDispatcherOptions}. */
export const DISPATCHER_DEFAULTS = {
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60 * 1000,
  timeoutMs: 10_000,
  concurrency: 4,
  maxQueue: 10_000,
  maxResponseBytes: 64 * 1024,
  maxPayloadBytes: 1024 * 1024,
} as const;

/** Where to deliver, as configured by a tenant. */
export interface WebhookEndpoint {
  id: string;
  /** `http:` or `https:` URL; redirects are not followed. */
  url: string;
  /** The shared secret, or several during a rotation (one `v1` signature each). */
  secret: string | readonly string[];
  /**
   * Event types to send (`case.state_changed`, `case.*`, `*`). Absent or empty: every event.
   */
  events?: readonly string[];
  /** When set, events of another tenant are refused (guards against cross-tenant wiring mistakes). */
  tenant?: string;
}

/** An event as the dispatcher sees it: the envelope, any `data`. */
export type DispatchableEvent = WebhookEventBase<string, unknown>;

/** Outcome of one attempt. */
export type DeliveryStatus = 'delivered' | 'retrying' | 'failed';

/** One attempt, as reported to `onResult`. */
export interface DeliveryRecord {
  deliveryId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  tenant: string;
  /** 1-based. */
  attempt: number;
  status: DeliveryStatus;
  /** The receiver's HTTP status, when it answered. */
  httpStatus?: number;
  /** What went wrong (network error, timeout, HTTP status). */
  error?: string;
  /** ISO 8601 time the attempt ended. */
  at: string;
  /** When `retrying`: ISO 8601 time of the next attempt. */
  nextAttemptAt?: string;
}

/** A delivery dropped by {@link WebhookDispatcher.close} before it succeeded or failed for good. */
export interface AbandonedDelivery {
  deliveryId: string;
  endpoint: WebhookEndpoint;
  event: DispatchableEvent;
  /** Attempts already made (0 when none was). */
  attemptsMade: number;
}

/** Options of {@link WebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  /** HTTP client (default the global `fetch`). */
  fetch?: typeof fetch;
  /** Clock in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** Waits between attempts; must settle (resolve or reject) when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1) for the backoff jitter (default `Math.random`). */
  random?: () => number;
  /** Attempts per delivery, the first included (default 6). */
  maxAttempts?: number;
  /** Backoff base: attempt n waits up to base × 2^(n-1) (default 1000 ms). */
  baseDelayMs?: number;
  /** Cap on the backoff (default 5 min). */
  maxDelayMs?: number;
  /** Cap on a receiver's `Retry-After` (default `maxDelayMs`). */
  maxRetryAfterMs?: number;
  /** Per-attempt timeout, response body included (default 10 s). */
  timeoutMs?: number;
  /** Attempts in flight at once (default 4). */
  concurrency?: number;
  /** Deliveries accepted and not yet finished, waiting retries included (default 10,000). */
  maxQueue?: number;
  /** Response bytes read (then discarded) per attempt (default 64 KiB). */
  maxResponseBytes?: number;
  /** Largest serialised event accepted (default 1 MiB). */
  maxPayloadBytes?: number;
  /** Called once per attempt; awaited before the delivery moves on. */
  onResult?: (record: DeliveryRecord) => void | Promise<void>;
  /** Called when `onResult` throws (default: a process warning). */
  onResultError?: (error: unknown, record: DeliveryRecord) => void;
  /** Delivery id factory (default `dlv_<uuid>`). */
  newDeliveryId?: () => string;
  /**
   * `public-only` refuses receivers on loopback, private, link-local and other non-public
   * addresses (checked at enqueue for IP literals, and by resolving the host before every
   * attempt). Default `any`. Use `public-only` when tenants choose webhook URLs.
   */
  addressPolicy?: AddressPolicy;
  /** Resolver used by the `public-only` policy (default the system resolver). */
  lookup?: HostLookup;
}

/** Options of {@link WebhookDispatcher.enqueue}. */
export interface EnqueueOptions {
  /** Reuse a delivery id (e.g. re-queueing an abandoned delivery after a restart). */
  deliveryId?: string;
  /**
   * Attempts already made (by an earlier process): numbering goes on from there and they count
   * towards `maxAttempts`; at least one more attempt is always made.
   */
  attemptsMade?: number;
}

/** Why {@link WebhookDispatcher.enqueue} refused a delivery. */
export type WebhookErrorCode =
  | 'invalid-endpoint'
  | 'invalid-url'
  | 'invalid-event'
  | 'tenant-mismatch'
  | 'payload-too-large'
  | 'queue-full'
  | 'closed';

/** A refused delivery; `code` says why. */
export class WebhookError extends Error {
  readonly code: WebhookErrorCode;
  constructor(code: WebhookErrorCode, message: string) {
    super(message);
    this.name = 'WebhookError';
    this.code = code;
  }
}

interface Job {
  deliveryId: string;
  endpoint: WebhookEndpoint;
  event: DispatchableEvent;
  body: string;
  attempt: number;
}

interface AttemptOutcome {
  ok: boolean;
  retryable: boolean;
  httpStatus?: number;
  error?: string;
  retryAfterMs?: number;
}

/** Whether an endpoint's event filter lets `eventType` through (`*` and `prefix.*` supported). */
export function endpointAccepts(endpoint: Pick<WebhookEndpoint, 'events'>, eventType: string): boolean {
  const filter = endpoint.events;
  if (!filter || filter.length === 0) return true;
  return filter.some(
    (f) => f === '*' || f === eventType || (f.endsWith('.*') && eventType.startsWith(f.slice(0, -1))),
  );
}

/**
 * Checks an endpoint URL: it must parse, use `http:` or `https:` and embed no credentials.
 * Returns the reason it is refused, or null when it is fine.
 */
export function endpointUrlProblem(url: unknown): string | null {
  if (typeof url !== 'string' || url.length === 0) return 'URL is missing';
  if (url.length > 2048) return 'URL is longer than 2048 characters';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'URL does not parse';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `URL scheme must be http: or https:, not ${u.protocol}`;
  if (u.username !== '' || u.password !== '') return 'URL must not embed credentials';
  return null;
}

/**
 * Full-jitter exponential backoff: uniform in [0, min(maxDelayMs, baseDelayMs × 2^(attempt-1))).
 *
 * @param attempt - the attempt that just failed (1-based)
 */
export function backoffDelayMs(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(Math.max(attempt - 1, 0), 40);
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** exp);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `nowMs`; null when
 * absent or unparseable. Never negative.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  // HTTP dates (IMF-fixdate, RFC 850, asctime) all start with a day name; V8 parses far more.
  if (v.length > 64 || !/^[A-Za-z]{3,9},? /.test(v)) return null;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/**
 * Delivers webhook events in the background. `enqueue` returns at once; attempts run with bounded
 * concurrency; `drain` waits for idleness and `close` stops everything that has not started.
 */
export class WebhookDispatcher {
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #maxRetryAfterMs: number;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #maxQueue: number;
  readonly #maxResponseBytes: number;
  readonly #maxPayloadBytes: number;
  readonly #onResult: ((record: DeliveryRecord) => void | Promise<void>) | undefined;
  readonly #onResultError: (error: unknown, record: DeliveryRecord) => void;
  readonly #newDeliveryId: () => string;
  readonly #addressPolicy: AddressPolicy;
  readonly #lookup: HostLookup;

  #ready: (Job | undefined)[] = [];
  #head = 0;
  #active = 0;
  readonly #waiting = new Set<Job>();
  /** Accepted and not finished: ready + active + waiting. */
  #count = 0;
  #closed = false;
  readonly #abort = new AbortController();
  readonly #abandoned: AbandonedDelivery[] = [];
  #idle: (() => void)[] = [];

  constructor(options: WebhookDispatcherOptions = {}) {
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.#random = options.random ?? Math.random;
    this.#maxAttempts = positiveInt(options.maxAttempts, DISPATCHER_DEFAULTS.maxAttempts, 'maxAttempts');
    this.#baseDelayMs = nonNegative(options.baseDelayMs, DISPATCHER_DEFAULTS.baseDelayMs, 'baseDelayMs');
    this.#maxDelayMs = nonNegative(options.maxDelayMs, DISPATCHER_DEFAULTS.maxDelayMs, 'maxDelayMs');
    this.#maxRetryAfterMs = nonNegative(options.maxRetryAfterMs, this.#maxDelayMs, 'maxRetryAfterMs');
    this.#timeoutMs = positiveInt(options.timeoutMs, DISPATCHER_DEFAULTS.timeoutMs, 'timeoutMs');
    this.#concurrency = positiveInt(options.concurrency, DISPATCHER_DEFAULTS.concurrency, 'concurrency');
    this.#maxQueue = positiveInt(options.maxQueue, DISPATCHER_DEFAULTS.maxQueue, 'maxQueue');
    this.#maxResponseBytes = nonNegative(
      options.maxResponseBytes,
      DISPATCHER_DEFAULTS.maxResponseBytes,
      'maxResponseBytes',
    );
    this.#maxPayloadBytes = positiveInt(
      options.maxPayloadBytes,
      DISPATCHER_DEFAULTS.maxPayloadBytes,
      'maxPayloadBytes',
    );
    this.#onResult = options.onResult;
    this.#onResultError =
      options.onResultError ??
      ((error, record) =>
        process.emitWarning(
          `webhook onResult failed for delivery ${record.deliveryId}: ${errorText(error)}`,
          'WebhookWarning',
        ));
    this.#newDeliveryId = options.newDeliveryId ?? (() => `dlv_${randomUUID()}`);
    this.#addressPolicy = options.addressPolicy ?? 'any';
    this.#lookup = options.lookup ?? systemLookup;
  }

  /** Deliveries accepted and not yet finished (queued, in flight or waiting to retry). */
  get size(): number {
    return this.#count;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Queues `event` for `endpoint`. Returns the delivery id, or null when the endpoint's event
   * filter excludes the event. Throws {@link WebhookError} when the endpoint or event is invalid,
   * the queue is full or the dispatcher is closed.
   */
  enqueue(endpoint: WebhookEndpoint, event: DispatchableEvent, options: EnqueueOptions = {}): string | null {
    if (this.#closed) throw new WebhookError('closed', 'webhook dispatcher is closed');
    const endpointId = checkEndpoint(endpoint);
    checkEvent(event);
    if (endpoint.tenant !== undefined && endpoint.tenant !== event.tenant)
      throw new WebhookError(
        'tenant-mismatch',
        `webhook ${endpointId} belongs to tenant ${endpoint.tenant}, not to the event's tenant ${event.tenant}`,
      );
    if (this.#addressPolicy === 'public-only') {
      const literal = literalAddress(new URL(endpoint.url).hostname);
      if (literal !== null && isNonPublicAddress(literal))
        throw new WebhookError(
          'invalid-url',
          `webhook ${endpointId}: ${literal} is not a public address (address policy public-only)`,
        );
    }
    if (!endpointAccepts(endpoint, event.type)) return null;
    if (this.#count >= this.#maxQueue)
      throw new WebhookError(
        'queue-full',
        `webhook queue is full (${this.#maxQueue} deliveries pending); event ${event.id} for webhook ${endpointId} was not queued`,
      );
    const body = JSON.stringify(event);
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > this.#maxPayloadBytes)
      throw new WebhookError(
        'payload-too-large',
        `event ${event.id} is ${bytes} bytes serialised; the limit is ${this.#maxPayloadBytes}`,
      );
    const deliveryId = options.deliveryId ?? this.#newDeliveryId();
    const made = Math.max(0, Math.min(Math.trunc(options.attemptsMade ?? 0), this.#maxAttempts - 1));
    this.#ready.push({ deliveryId, endpoint, event, body, attempt: made });
    this.#count += 1;
    this.#pump();
    return deliveryId;
  }

  /** Resolves when nothing is queued, in flight or waiting to retry. */
  drain(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Stops: no new attempt starts, waits between retries are aborted, attempts in flight finish
   * (bounded by the timeout) and are reported. Resolves with the deliveries dropped unfinished, so
   * the caller can persist and re-queue them. Calling it again returns the same list.
   */
  async close(): Promise<AbandonedDelivery[]> {
    if (!this.#closed) {
      this.#closed = true;
      while (this.#head < this.#ready.length) {
        const job = this.#ready[this.#head++];
        if (job) this.#abandon(job);
      }
      this.#ready = [];
      this.#head = 0;
      this.#abort.abort(new Error('webhook dispatcher closed'));
      this.#settle();
    }
    await this.drain();
    return [...this.#abandoned];
  }

  #pump(): void {
    while (!this.#closed && this.#active < this.#concurrency && this.#head < this.#ready.length) {
      const job = this.#ready[this.#head];
      this.#ready[this.#head] = undefined;
      this.#head += 1;
      if (!job) continue;
      this.#active += 1;
      void this.#run(job);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#ready.length) {
      this.#ready = this.#ready.slice(this.#head);
      this.#head = 0;
    }
  }

  async #run(job: Job): Promise<void> {
    job.attempt += 1;
    let retryWait: number | null = null;
    try {
      const outcome = await this.#attempt(job);
      const retry = !outcome.ok && outcome.retryable && job.attempt < this.#maxAttempts;
      if (retry) {
        retryWait =
          outcome.retryAfterMs !== undefined
            ? Math.min(outcome.retryAfterMs, this.#maxRetryAfterMs)
            : backoffDelayMs(job.attempt, this.#baseDelayMs, this.#maxDelayMs, this.#random);
      }
      const end = this.#now();
      const record: DeliveryRecord = {
        deliveryId: job.deliveryId,
        endpointId: job.endpoint.id,
        eventId: job.event.id,
        eventType: job.event.type,
        tenant: job.event.tenant,
        attempt: job.attempt,
        status: outcome.ok ? 'delivered' : retry ? 'retrying' : 'failed',
        at: isoTime(end),
      };
      if (outcome.httpStatus !== undefined) record.httpStatus = outcome.httpStatus;
      if (outcome.error !== undefined) record.error = outcome.error;
      if (retryWait !== null) record.nextAttemptAt = isoTime(end + retryWait);
      await this.#report(record);
    } finally {
      this.#active -= 1;
    }
    if (retryWait === null) {
      this.#count -= 1;
    } else if (this.#closed) {
      this.#abandon(job);
    } else {
      this.#pump();
      this.#waiting.add(job);
      try {
        await this.#sleep(retryWait, this.#abort.signal);
      } catch {
        // aborted by close(), or a failing injected sleep: either way, move on
      }
      this.#waiting.delete(job);
      if (this.#closed) this.#abandon(job);
      else this.#ready.push(job);
    }
    this.#pump();
    this.#settle();
  }

  async #attempt(job: Job): Promise<AttemptOutcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${this.#timeoutMs} ms`));
    }, this.#timeoutMs);
    try {
      const allowed = await Promise.race([
        checkAddress(job.endpoint.url, this.#addressPolicy, this.#lookup),
        whenAborted(controller.signal),
      ]);
      if (timedOut) return { ok: false, retryable: true, error: `timed out after ${this.#timeoutMs} ms` };
      if (!allowed.ok) return { ok: false, retryable: allowed.retryable, error: allowed.error };
      const timestamp = Math.floor(this.#now() / 1000);
      let res: Response;
      try {
        res = await this.#fetch(job.endpoint.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': USER_AGENT,
            [EVENT_HEADER]: job.event.type,
            [DELIVERY_HEADER]: job.deliveryId,
            [ATTEMPT_HEADER]: String(job.attempt),
            [SIGNATURE_HEADER]: signatureHeader(job.endpoint.secret, timestamp, job.body),
          },
          body: job.body,
          redirect: 'manual',
          signal: controller.signal,
        });
      } catch (err) {
        if (timedOut) return { ok: false, retryable: true, error: `timed out after ${this.#timeoutMs} ms` };
        return { ok: false, retryable: true, error: `network error: ${errorText(err)}` };
      }
      await discardBody(res, this.#maxResponseBytes);
      const status = res.status;
      if (status >= 200 && status < 300) return { ok: true, retryable: false, httpStatus: status };
      const outcome: AttemptOutcome = {
        ok: false,
        retryable: status === 408 || status === 429 || status >= 500,
        httpStatus: status,
        error:
          status >= 300 && status < 400
            ? `HTTP ${status}: redirects are not followed; configure the final URL`
            : `HTTP ${status}`,
      };
      if (status === 429 || status === 503) {
        const after = parseRetryAfter(res.headers.get('retry-after'), this.#now());
        if (after !== null) outcome.retryAfterMs = after;
      }
      return outcome;
    } catch (err) {
      // Not expected (signing or header construction); reported, never thrown.
      return { ok: false, retryable: false, error: `internal error: ${errorText(err)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  async #report(record: DeliveryRecord): Promise<void> {
    if (!this.#onResult) return;
    try {
      await this.#onResult(record);
    } catch (err) {
      try {
        this.#onResultError(err, record);
      } catch {
        // a failing error handler must not stop deliveries
      }
    }
  }

  #abandon(job: Job): void {
    this.#abandoned.push({
      deliveryId: job.deliveryId,
      endpoint: job.endpoint,
      event: job.event,
      attemptsMade: job.attempt,
    });
    this.#count -= 1;
  }

  #settle(): void {
    if (this.#count !== 0) return;
    const waiters = this.#idle;
    this.#idle = [];
    for (const w of waiters) w();
  }
}

/** Settles (as a refusal) when `signal` aborts; never otherwise. */
function whenAborted(signal: AbortSignal): Promise<{ ok: false; retryable: true; error: string }> {
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve({ ok: false, retryable: true, error: 'aborted' }), {
      once: true,
    }),
  );
}

/** Reads up to `cap` bytes of the response body and drops them; errors (e.g. a timeout) are ignored. */
async function discardBody(res: Response, cap: number): Promise<void> {
  const body = res.body;
  if (!body) return;
  const reader = body.getReader();
  let seen = 0;
  try {
    for (;;) {
      const chunk = (await reader.read()) as { done: boolean; value?: Uint8Array };
      if (chunk.done) return;
      seen += chunk.value?.byteLength ?? 0;
      if (seen >= cap) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // the status decides the outcome; a broken body does not
  } finally {
    reader.releaseLock();
  }
}

function checkEndpoint(endpoint: WebhookEndpoint): string {
  if (typeof endpoint !== 'object' || endpoint === null)
    throw new WebhookError('invalid-endpoint', 'webhook endpoint must be an object');
  const id = endpoint.id;
  if (typeof id !== 'string' || id.length === 0 || id.length > 200)
    throw new WebhookError('invalid-endpoint', 'webhook endpoint id must be a non-empty string');
  const problem = endpointUrlProblem(endpoint.url);
  if (problem) throw new WebhookError('invalid-url', `webhook ${id}: ${problem}`);
  const secrets: readonly unknown[] =
    typeof endpoint.secret === 'string'
      ? [endpoint.secret]
      : Array.isArray(endpoint.secret)
        ? endpoint.secret
        : [];
  if (secrets.length === 0 || !secrets.every((s) => typeof s === 'string' && s.length > 0))
    throw new WebhookError(
      'invalid-endpoint',
      `webhook ${id}: secret must be a non-empty string (or a list of them)`,
    );
  if (
    endpoint.events !== undefined &&
    !(Array.isArray(endpoint.events) && endpoint.events.every((e) => typeof e === 'string'))
  )
    throw new WebhookError('invalid-endpoint', `webhook ${id}: events must be a list of event types`);
  return id;
}

function checkEvent(event: DispatchableEvent): void {
  if (typeof event !== 'object' || event === null)
    throw new WebhookError('invalid-event', 'webhook event must be an object');
  for (const k of ['id', 'type', 'tenant', 'createdAt'] as const) {
    const v = event[k];
    if (typeof v !== 'string' || v.length === 0)
      throw new WebhookError('invalid-event', `webhook event field "${k}" must be a non-empty string`);
  }
}

function positiveInt(v: number | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v < 1) throw new RangeError(`${name} must be a number ≥ 1, got ${v}`);
  return Math.floor(v);
}

function nonNegative(v: number | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a finite number ≥ 0, got ${v}`);
  return v;
}

function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? new Date().toISOString() : d.toISOString();
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause: unknown = err.cause;
  if (cause instanceof Error && cause.message && cause.message !== err.message)
    return `${err.message} (${cause.message})`;
  return err.message;
}
