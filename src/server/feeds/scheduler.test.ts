/**
 * FeedScheduler with a hand-driven clock: schedule with jitter, one poll per feed at a time,
 * backoff after failures, pollNow, stop; and one real poll of a loopback feed fired by a timer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { initialFeedState } from './config.js';
import { FeedScheduler, nextDelayMs, type SchedulerClock } from './scheduler.js';
import { recordingImporter, startFeedServer, type FeedTestServer } from './test-server.js';
import type { FeedConfig, FeedState, PollDeps, PollResult } from './types.js';

/** Timers fired by `advance`, in due order. */
class FakeClock implements SchedulerClock {
  t = Date.parse('2026-01-01T00:00:00Z');
  private seq = 0;
  timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimer(h: unknown): void {
    this.timers.delete(h as number);
  }
  /** Moves time forward, firing due timers. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, v]) => v.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
}

const feed = (id: string, intervalSeconds = 600): FeedConfig => ({
  id,
  kind: 'rss',
  url: `https://feeds.example/${id}.rss`,
  intervalSeconds,
});

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const result = (state: FeedState, ok: boolean): PollResult => ({
  state,
  ok,
  imported: [],
  reviews: [],
  issues: [],
  notModified: false,
});

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('nextDelayMs', () => {
  it('is the interval after success, doubles per failure up to the cap, with bounded jitter', () => {
    expect(nextDelayMs(600, 0, 0.5)).toBe(600_000);
    expect(nextDelayMs(600, 1, 0.5)).toBe(1_200_000);
    expect(nextDelayMs(600, 3, 0.5)).toBe(4_800_000);
    expect(nextDelayMs(600, 30, 0.5)).toBe(6 * 3600 * 1000);
    expect(nextDelayMs(86_400, 5, 0.5)).toBe(86_400_000);
    expect(nextDelayMs(600, 0, 0)).toBe(540_000);
    expect(nextDelayMs(600, 0, 0.999999)).toBeLessThanOrEqual(660_000);
    expect(nextDelayMs(600, 0, 0.999999)).toBeGreaterThan(659_000);
  });
});

describe('FeedScheduler', () => {
  it('polls on schedule, one poll per feed at a time, and backs off after failures', async () => {
    const clock = new FakeClock();
    const calls: { id: string; signal: AbortSignal | undefined; done: (r: PollResult) => void }[] = [];
    const saved: [string, FeedState][] = [];
    const sched = new FeedScheduler({
      deps: { importIntel: () => Promise.reject(new Error('unused')) },
      saveState: (id, s) => {
        saved.push([id, s]);
        return Promise.resolve();
      },
      clock,
      random: () => 0.5,
      poll: (config, _state, deps: PollDeps) => {
        const d = deferred<PollResult>();
        calls.push({ id: config.id, signal: deps.signal, done: d.resolve });
        return d.promise;
      },
    });
    sched.upsert(feed('a'));
    sched.start();
    // Never polled: first poll within min(60 s, interval) — here 30 s with random 0.5.
    expect(sched.status('a')?.nextAt).toBe(clock.t + 30_000);
    clock.advance(29_999);
    expect(calls).toHaveLength(0);
    clock.advance(1);
    expect(calls).toHaveLength(1);
    // While running: pollNow joins the running poll; no second call.
    const joined = sched.pollNow('a');
    expect(calls).toHaveLength(1);
    expect(sched.status('a')?.running).toBe(true);
    calls[0]?.done(result({ ...initialFeedState(), failures: 1, lastError: 'HTTP 503' }, false));
    const r = await joined;
    expect(r.ok).toBe(false);
    await flush();
    expect(saved).toEqual([['a', { seenIds: [], failures: 1, lastError: 'HTTP 503' }]]);
    // One failure: twice the interval.
    expect(sched.status('a')?.nextAt).toBe(clock.t + 1_200_000);
    clock.advance(1_200_000);
    expect(calls).toHaveLength(2);
    calls[1]?.done(result({ ...initialFeedState(), failures: 2 }, false));
    await flush();
    expect(sched.status('a')?.nextAt).toBe(clock.t + 2_400_000);
    // pollNow runs at once and reschedules from its end.
    const now = sched.pollNow('a');
    expect(calls).toHaveLength(3);
    calls[2]?.done(result(initialFeedState(), true));
    await now;
    await flush();
    expect(sched.status('a')?.state.failures).toBe(0);
    expect(sched.status('a')?.nextAt).toBe(clock.t + 600_000);

    // stop: timers cleared, running polls aborted and awaited.
    clock.advance(600_000);
    expect(calls).toHaveLength(4);
    const stopping = sched.stop();
    expect(calls[3]?.signal?.aborted).toBe(true);
    calls[3]?.done(result(initialFeedState(), false));
    await stopping;
    clock.advance(100 * 3600_000);
    expect(calls).toHaveLength(4);
    expect(sched.status('a')?.nextAt).toBeUndefined();
    await expect(sched.pollNow('missing')).rejects.toThrow(/no feed missing/);
  });

  it("waits at least as long as a server's Retry-After", async () => {
    const clock = new FakeClock();
    const sched = new FeedScheduler({
      deps: { importIntel: () => Promise.reject(new Error('unused')) },
      saveState: () => Promise.resolve(),
      clock,
      random: () => 0.5,
      poll: () =>
        Promise.resolve({
          ...result({ ...initialFeedState(), failures: 1 }, false),
          retryAfterSeconds: 7200,
        }),
    });
    sched.upsert(feed('r'));
    sched.start();
    await sched.pollNow('r');
    await flush();
    // One failure alone would wait 1200 s; the server asked for 7200 s.
    expect(sched.status('r')?.nextAt).toBe(clock.t + 7_200_000);
    await sched.stop();
  });

  it('schedules a feed polled recently one interval after its last poll', () => {
    const clock = new FakeClock();
    const sched = new FeedScheduler({
      deps: { importIntel: () => Promise.reject(new Error('unused')) },
      saveState: () => Promise.resolve(),
      clock,
      random: () => 0.5,
    });
    sched.upsert(feed('b', 3600), {
      ...initialFeedState(),
      lastPolledAt: new Date(clock.t - 600_000).toISOString(),
    });
    sched.upsert(feed('c', 3600), { ...initialFeedState(), lastPolledAt: '2020-01-01T00:00:00Z' });
    sched.start();
    expect(sched.status('b')?.nextAt).toBe(clock.t + 3_000_000);
    // Long overdue: soon (within a minute), not at once for every feed.
    expect(sched.status('c')?.nextAt).toBe(clock.t + 30_000);
    expect(sched.list().map((s) => s.config.id)).toEqual(['b', 'c']);
    sched.remove('b');
    expect(sched.list().map((s) => s.config.id)).toEqual(['c']);
    void sched.stop();
  });

  describe('with a real feed', () => {
    let srv: FeedTestServer | undefined;
    afterEach(async () => {
      await srv?.close();
    });

    it('a timer fires a real poll; its state is saved and its reviews handed over', async () => {
      srv = await startFeedServer();
      srv.routes.set('/f.rss', {
        body: `<rss version="2.0"><channel><item><guid>i1</guid><title>3CX DesktopApp alert</title>
          <description>3CX DesktopApp for Windows version 18.12.416 is affected.</description></item></channel></rss>`,
        type: 'application/rss+xml',
        etag: '"e"',
      });
      const clock = new FakeClock();
      const saved = deferred<FeedState>();
      const reviews: string[] = [];
      const sched = new FeedScheduler({
        deps: { importIntel: recordingImporter().importIntel },
        saveState: (_id, s) => {
          saved.resolve(s);
          return Promise.resolve();
        },
        onResult: (_c, r) => {
          reviews.push(...r.reviews.map((x) => x.itemId));
        },
        clock,
        random: () => 0,
      });
      sched.upsert({ id: 'f', kind: 'rss', url: `${srv.url}/f.rss`, intervalSeconds: 60 });
      sched.start();
      clock.advance(0);
      const s = await saved.promise;
      await flush();
      expect(s).toMatchObject({ etag: '"e"', failures: 0, seenIds: ['i1\n'] });
      expect(reviews).toEqual(['i1']);
      await sched.stop();
    });
  });
});
