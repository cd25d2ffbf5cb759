/**
 * `FeedScheduler`: polls every feed every `intervalSeconds` (± jitter), never two polls of one
 * feed at once, with exponential backoff after failures. State is handed to an injected
 * `saveState` after every poll; results go to `onResult` (the host stores review items there).
 * Clock, timers and randomness are injectable so tests drive time by hand.
 */
import { pollFeed } from './poll.js';
import { initialFeedState } from './config.js';
import type { FeedConfig, FeedState, PollDeps, PollResult } from './types.js';

/** Timers the scheduler uses (default: global setTimeout/clearTimeout, unref'd). */
export interface SchedulerClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Options of {@link FeedScheduler}. */
export interface FeedSchedulerOptions {
  /** Everything a poll needs except `signal` and `now` (the scheduler supplies both). */
  deps: Omit<PollDeps, 'signal' | 'now'>;
  /** Persists a feed's state after each poll. */
  saveState: (feedId: string, state: FeedState) => Promise<void>;
  /** Receives each poll's result (reviews to queue, issues to log). */
  onResult?: ((config: FeedConfig, result: PollResult) => Promise<void> | void) | undefined;
  /** Called when saveState/onResult throws (the scheduler carries on). */
  onError?: ((feedId: string, error: unknown) => void) | undefined;
  clock?: SchedulerClock | undefined;
  /** Uniform [0, 1) (default Math.random). */
  random?: (() => number) | undefined;
  /** Jitter as a fraction of the delay (default 0.1 = ±10 %). */
  jitter?: number | undefined;
  /** Longest delay after failures, in seconds (default 6 h, never less than the interval). */
  maxBackoffSeconds?: number | undefined;
  /** The poll function (default {@link pollFeed}); tests may substitute it. */
  poll?: ((config: FeedConfig, state: FeedState, deps: PollDeps) => Promise<PollResult>) | undefined;
}

/** What the scheduler knows about one feed. */
export interface FeedStatus {
  config: FeedConfig;
  state: FeedState;
  running: boolean;
  /** Epoch ms of the next scheduled poll (undefined when stopped). */
  nextAt?: number | undefined;
}

interface Entry {
  config: FeedConfig;
  state: FeedState;
  timer?: unknown;
  nextAt?: number | undefined;
  running?: Promise<PollResult> | undefined;
  controller?: AbortController | undefined;
}

const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Delay before the next poll, in ms: the interval after a success; after `failures` failures the
 * interval doubled per failure up to the cap; then ± jitter. Pure.
 */
export function nextDelayMs(
  intervalSeconds: number,
  failures: number,
  random: number,
  jitter = 0.1,
  maxBackoffSeconds = 6 * 3600,
): number {
  const base = intervalSeconds * 1000;
  const cap = Math.max(base, maxBackoffSeconds * 1000);
  const d = failures > 0 ? Math.min(cap, base * 2 ** Math.min(failures, 20)) : base;
  return Math.max(1000, Math.round(d * (1 + jitter * (2 * random - 1))));
}

/** See the module comment. */
export class FeedScheduler {
  private readonly feeds = new Map<string, Entry>();
  private readonly clock: SchedulerClock;
  private readonly random: () => number;
  private started = false;

  constructor(private readonly opts: FeedSchedulerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
  }

  /** Adds or replaces a feed (a running poll of it finishes first; its next poll is rescheduled). */
  upsert(config: FeedConfig, state: FeedState = initialFeedState()): void {
    const old = this.feeds.get(config.id);
    if (old) {
      old.config = config;
      // A running poll's result supersedes the state given here.
      if (!old.running) old.state = state;
      if (this.started && !old.running) this.schedule(old, this.firstDelay(old));
      return;
    }
    const e: Entry = { config, state };
    this.feeds.set(config.id, e);
    if (this.started) this.schedule(e, this.firstDelay(e));
  }

  /** Removes a feed; a running poll is aborted. */
  remove(id: string): void {
    const e = this.feeds.get(id);
    if (!e) return;
    if (e.timer !== undefined) this.clock.clearTimer(e.timer);
    e.controller?.abort();
    this.feeds.delete(id);
  }

  /** Starts polling: each feed's first poll comes one interval after its last, or soon when overdue. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const e of this.feeds.values()) this.schedule(e, this.firstDelay(e));
  }

  /** Polls a feed now (or joins the poll already running); reschedules the next one. */
  pollNow(id: string): Promise<PollResult> {
    const e = this.feeds.get(id);
    if (!e) return Promise.reject(new Error(`no feed ${id}`));
    return this.run(e);
  }

  /** Status of every feed, by id. */
  list(): FeedStatus[] {
    return [...this.feeds.values()]
      .map((e) => ({ config: e.config, state: e.state, running: e.running !== undefined, nextAt: e.nextAt }))
      .sort((a, b) => (a.config.id < b.config.id ? -1 : 1));
  }

  /** Status of one feed. */
  status(id: string): FeedStatus | undefined {
    const e = this.feeds.get(id);
    return e && { config: e.config, state: e.state, running: e.running !== undefined, nextAt: e.nextAt };
  }

  /** Stops every timer, aborts running polls and waits for them to settle. */
  async stop(): Promise<void> {
    this.started = false;
    const running: Promise<unknown>[] = [];
    for (const e of this.feeds.values()) {
      if (e.timer !== undefined) this.clock.clearTimer(e.timer);
      e.timer = undefined;
      e.nextAt = undefined;
      e.controller?.abort();
      if (e.running) running.push(e.running);
    }
    await Promise.allSettled(running);
  }

  private firstDelay(e: Entry): number {
    const last = e.state.lastPolledAt === undefined ? NaN : Date.parse(e.state.lastPolledAt);
    const soon = Math.round(this.random() * Math.min(60_000, e.config.intervalSeconds * 1000));
    if (!Number.isFinite(last)) return soon;
    const due =
      last +
      nextDelayMs(
        e.config.intervalSeconds,
        e.state.failures,
        this.random(),
        this.opts.jitter,
        this.opts.maxBackoffSeconds,
      );
    return Math.max(soon, due - this.clock.now());
  }

  private schedule(e: Entry, delay: number): void {
    if (!this.started || this.feeds.get(e.config.id) !== e) return;
    if (e.timer !== undefined) this.clock.clearTimer(e.timer);
    e.nextAt = this.clock.now() + delay;
    e.timer = this.clock.setTimer(() => {
      e.timer = undefined;
      this.run(e).catch((err: unknown) => this.opts.onError?.(e.config.id, err));
    }, delay);
  }

  private run(e: Entry): Promise<PollResult> {
    if (e.running) return e.running;
    if (e.timer !== undefined) this.clock.clearTimer(e.timer);
    e.timer = undefined;
    e.nextAt = undefined;
    const controller = new AbortController();
    e.controller = controller;
    const poll = this.opts.poll ?? pollFeed;
    let retryAfter: number | undefined;
    const p = (async (): Promise<PollResult> => {
      try {
        const result = await poll(e.config, e.state, {
          ...this.opts.deps,
          now: () => this.clock.now(),
          signal: controller.signal,
        });
        e.state = result.state;
        retryAfter = result.retryAfterSeconds;
        try {
          await this.opts.saveState(e.config.id, result.state);
          await this.opts.onResult?.(e.config, result);
        } catch (err) {
          this.opts.onError?.(e.config.id, err);
        }
        return result;
      } finally {
        e.running = undefined;
        e.controller = undefined;
        const delay = nextDelayMs(
          e.config.intervalSeconds,
          e.state.failures,
          this.random(),
          this.opts.jitter,
          this.opts.maxBackoffSeconds,
        );
        // A server's Retry-After is honoured (at least that long).
        this.schedule(e, Math.max(delay, (retryAfter ?? 0) * 1000));
      }
    })();
    e.running = p;
    return p;
  }
}
