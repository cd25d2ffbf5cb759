import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryRecord, WebhookEndpoint } from './dispatcher.js';
import {
  WebhookDispatcher,
  WebhookError,
  backoffDelayMs,
  endpointAccepts,
  parseRetryAfter,
} from './dispatcher.js';
import { buildCaseStateChangedEvent, buildNewCriticalFindingEvent } from './events.js';
import { verifySignature } from './signature.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

type Respond = (n: number, req: Received, res: ServerResponse) => void;

const servers: Server[] = [];
const dispatchers: WebhookDispatcher[] = [];

afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.close()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

/** A loopback receiver; `respond` gets the 1-based request number. */
async function receiver(respond: Respond): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      respond(received.length, r, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, server };
}

function reply(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end('ok');
}

function dispatcher(opts: ConstructorParameters<typeof WebhookDispatcher>[0] = {}): {
  d: WebhookDispatcher;
  records: DeliveryRecord[];
  delays: number[];
} {
  const records: DeliveryRecord[] = [];
  const delays: number[] = [];
  const d = new WebhookDispatcher({
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    onResult: (r) => {
      records.push(r);
    },
    ...opts,
  });
  dispatchers.push(d);
  return { d, records, delays };
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

const SECRET = 'whsec_test';
const caseEvent = () =>
  buildCaseStateChangedEvent({
    tenant: 'acme',
    caseId: 'c-1',
    host: 'ws-042',
    key: 'advisory:CVE-2023-29059',
    from: 'open',
    to: 'contained',
    actor: 'alice',
    reason: 'host isolated',
    at: '2026-11-23T11:00:00.000Z',
    evidence: { bundleId: 'b-1', findings: [{ id: 'f-1' }] },
  });
const findingEvent = () =>
  buildNewCriticalFindingEvent({
    tenant: 'acme',
    host: 'ws-042',
    findingId: 'f-1',
    title: 'trojanized 3CXDesktopApp',
    severity: 'critical',
  });
const endpoint = (url: string, extra: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: 'wh-1',
  url,
  secret: SECRET,
  ...extra,
});

describe('WebhookDispatcher delivery', () => {
  it('sends a signed POST the receiver can verify, with the documented headers', async () => {
    const r = await receiver((_n, _req, res) => reply(res, 204));
    const { d, records } = dispatcher();
    const event = caseEvent();
    const id = d.enqueue(endpoint(r.url), event);
    await d.drain();

    expect(r.received).toHaveLength(1);
    const got = r.received[0]!;
    expect(JSON.parse(got.body)).toEqual(event);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['user-agent']).toBe('chainhunt-webhook/1');
    expect(got.headers['chainhunt-event']).toBe('case.state_changed');
    expect(got.headers['chainhunt-delivery']).toBe(id);
    expect(got.headers['chainhunt-attempt']).toBe('1');
    const sig = got.headers['chainhunt-signature'] as string;
    expect(verifySignature(SECRET, sig, got.body)).toEqual({ ok: true, timestamp: expect.any(Number) });
    expect(verifySignature('wrong', sig, got.body)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifySignature(SECRET, sig, got.body.replace('contained', 'remediated'))).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    expect(
      verifySignature(SECRET, sig, got.body, { now: () => Date.now() + 3600_000, toleranceSeconds: 300 }),
    ).toMatchObject({ ok: false, reason: 'stale' });

    expect(records).toEqual([
      {
        deliveryId: id,
        endpointId: 'wh-1',
        eventId: event.id,
        eventType: 'case.state_changed',
        tenant: 'acme',
        attempt: 1,
        status: 'delivered',
        httpStatus: 204,
        at: expect.any(String),
      },
    ]);
  });

  it('signs the timestamp from the injected clock', async () => {
    const r = await receiver((_n, _req, res) => reply(res, 200));
    const { d } = dispatcher({ now: () => 1_700_000_000_000 });
    d.enqueue(endpoint(r.url), caseEvent());
    await d.drain();
    const sig = r.received[0]!.headers['chainhunt-signature'] as string;
    expect(sig.startsWith('t=1700000000,v1=')).toBe(true);
    expect(verifySignature(SECRET, sig, r.received[0]!.body, { now: () => 1_700_000_100_000 }).ok).toBe(true);
  });

  it('signs with every secret during a rotation', async () => {
    const r = await receiver((_n, _req, res) => reply(res, 200));
    const { d } = dispatcher();
    d.enqueue(endpoint(r.url, { secret: ['new-secret', 'old-secret'] }), caseEvent());
    await d.drain();
    const { headers, body } = r.received[0]!;
    const sig = headers['chainhunt-signature'] as string;
    expect(sig.match(/v1=/g)).toHaveLength(2);
    expect(verifySignature('old-secret', sig, body).ok).toBe(true);
    expect(verifySignature('new-secret', sig, body).ok).toBe(true);
  });

  it('retries 503 twice then succeeds, keeping the delivery id and body', async () => {
    const r = await receiver((n, _req, res) => reply(res, n <= 2 ? 503 : 200));
    const { d, records, delays } = dispatcher({ baseDelayMs: 1000 });
    const id = d.enqueue(endpoint(r.url), caseEvent());
    await d.drain();

    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((x) => x.headers['chainhunt-delivery']))).toEqual(new Set([id]));
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    expect(r.received.map((x) => x.headers['chainhunt-attempt'])).toEqual(['1', '2', '3']);
    expect(records.map((x) => [x.attempt, x.status, x.httpStatus])).toEqual([
      [1, 'retrying', 503],
      [2, 'retrying', 503],
      [3, 'delivered', 200],
    ]);
    expect(records[0]!.nextAttemptAt).toBeDefined();
    expect(records[0]!.error).toBe('HTTP 503');
    // Full jitter with random() = 0.5: half of base × 2^(n-1).
    expect(delays).toEqual([500, 1000]);
  });

  it('goes on from attemptsMade (a delivery resumed after a restart), always trying at least once', async () => {
    const r = await receiver((_n, _req, res) => reply(res, 503));
    const { d, records } = dispatcher({ maxAttempts: 4 });
    d.enqueue(endpoint(r.url), caseEvent(), { deliveryId: 'dlv_resumed', attemptsMade: 2 });
    d.enqueue(endpoint(r.url), caseEvent(), { deliveryId: 'dlv_spent', attemptsMade: 9 });
    await d.drain();
    const of = (id: string) => records.filter((x) => x.deliveryId === id).map((x) => [x.attempt, x.status]);
    expect(of('dlv_resumed')).toEqual([
      [3, 'retrying'],
      [4, 'failed'],
    ]);
    expect(of('dlv_spent')).toEqual([[4, 'failed']]);
    expect(r.received.map((x) => x.headers['chainhunt-attempt']).sort()).toEqual(['3', '4', '4']);
  });

  it('does not retry a 400', async () => {
    const r = await receiver((_n, _req, res) => reply(res, 400));
    const { d, records, delays } = dispatcher();
    d.enqueue(endpoint(r.url), caseEvent());
    await d.drain();
    expect(r.received).toHaveLength(1);
    expect(records.map((x) => [x.attempt, x.status, x.httpStatus, x.error])).toEqual([
      [1, 'failed', 400, 'HTTP 400'],
    ]);
    expect(delays).toEqual([]);
  });

  it('retries 408, and does not follow redirects', async () => {
    const r = await receiver((n, _req, res) =>
      n === 1 ? reply(res, 408) : reply(res, 302, { Location: 'http://127.0.0.1:1/elsewhere' }),
    );
    const { d, records } = dispatcher();
    d.enqueue(endpoint(r.url), caseEvent());
    await d.drain();
    expect(r.received).toHaveLength(2);
    expect(records.map((x) => [x.status, x.httpStatus])).toEqual([
      ['retrying', 408],
      ['failed', 302],
    ]);
    expect(records[1]!.error).toMatch(/redirects are not followed/);
  });

  it('honours Retry-After on 429, capped', async () => {
    const r = await receiver((n, _req, res) => {
      if (n === 1) reply(res, 429, { 'Retry-After': '7' });
      else if (n === 2) reply(res, 429, { 'Retry-After': '100000' });
      else reply(res, 200);
    });
    const { d, records, delays } = dispatcher({ maxRetryAfterMs: 60_000 });
    d.enqueue(endpoint(r.url), caseEvent());
    await d.drain();
    expect(delays).toEqual([7000, 60_000]);
    expect(records.map((x) => x.status)).toEqual(['retrying', 'retrying', 'delivered']);
  });

  it('gives up after maxAttempts', async () => {
    const r = await receiver((_n, _req, res) => reply(res, 500));
    const { d, records, delays } = dispatcher({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 150 });
    d.enqueue(endpoint(r.url), caseEvent());
    await d.drain();
    expect(r.received).toHaveLength(3);
    expect(records.map((x) => x.status)).toEqual(['retrying', 'retrying', 'failed']);
    expect(records[2]!.nextAttemptAt).toBeUndefined();
    // 0.5 × min(150, 100 × 2^(n-1)): the cap applies on the second wait.
    expect(delays).toEqual([50, 75]);
  });

  it('retries a timed-out attempt', async () => {
    const r = await receiver((n, _req, res) => {
      if (n >= 2) reply(res, 200); // the first request is never answered
    });
    const { d, records } = dispatcher({ timeoutMs: 200 });
    d.enqueue(endpoint(r.url), caseEvent());
    await d.drain();
    expect(r.received).toHaveLength(2);
    expect(records.map((x) => [x.attempt, x.status])).toEqual([
      [1, 'retrying'],
      [2, 'delivered'],
    ]);
    expect(records[0]!.error).toMatch(/timed out after 200 ms/);
    expect(records[0]!.httpStatus).toBeUndefined();
  });

  it('retries network errors', async () => {
    const r = await receiver(() => undefined);
    const url = r.url;
    r.server.close();
    const { d, records } = dispatcher({ maxAttempts: 2 });
    d.enqueue(endpoint(url), caseEvent());
    await d.drain();
    expect(records.map((x) => x.status)).toEqual(['retrying', 'failed']);
    expect(records[0]!.error).toMatch(/^network error: /);
  });

  it('reads at most maxResponseBytes of an endless response body', async () => {
    let closed = false;
    const r = await receiver((_n, _req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      const chunk = Buffer.alloc(16 * 1024, 120);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => (closed = true));
      pump();
    });
    // With no cap this would hang until the (60 s) timeout and the test would time out.
    const { d, records } = dispatcher({ timeoutMs: 60_000, maxResponseBytes: 64 * 1024 });
    d.enqueue(endpoint(r.url), caseEvent());
    await d.drain();
    expect(records.map((x) => [x.status, x.httpStatus])).toEqual([['delivered', 200]]);
    await until(() => closed);
    expect(closed).toBe(true);
  });
});

describe('WebhookDispatcher queueing', () => {
  it('respects the event filter', async () => {
    const r = await receiver((_n, _req, res) => reply(res, 200));
    const { d } = dispatcher();
    const ep = endpoint(r.url, { events: ['case.*'] });
    expect(d.enqueue(ep, findingEvent())).toBeNull();
    expect(d.enqueue(ep, caseEvent())).toMatch(/^dlv_/);
    await d.drain();
    expect(r.received.map((x) => x.headers['chainhunt-event'])).toEqual(['case.state_changed']);
    expect(endpointAccepts({ events: ['finding.new_critical'] }, 'case.state_changed')).toBe(false);
    expect(endpointAccepts({ events: ['*'] }, 'case.state_changed')).toBe(true);
    expect(endpointAccepts({ events: [] }, 'case.state_changed')).toBe(true);
    expect(endpointAccepts({}, 'finding.new_critical')).toBe(true);
  });

  it('bounds the queue and accepts again once it empties', async () => {
    const held: ServerResponse[] = [];
    const r = await receiver((_n, _req, res) => held.push(res));
    const { d } = dispatcher({ concurrency: 1, maxQueue: 2 });
    d.enqueue(endpoint(r.url), caseEvent());
    d.enqueue(endpoint(r.url), caseEvent());
    expect(d.size).toBe(2);
    let thrown: unknown;
    try {
      d.enqueue(endpoint(r.url), caseEvent());
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(WebhookError);
    expect((thrown as WebhookError).code).toBe('queue-full');
    expect((thrown as Error).message).toMatch(/queue is full \(2 deliveries pending\)/);

    await until(() => held.length === 1);
    reply(held[0]!, 200);
    await until(() => held.length === 2);
    reply(held[1]!, 200);
    await d.drain();
    expect(d.size).toBe(0);
    expect(d.enqueue(endpoint(r.url), caseEvent())).toMatch(/^dlv_/);
    await until(() => held.length === 3);
    reply(held[2]!, 200);
    await d.drain();
    expect(r.received).toHaveLength(3);
  });

  it('runs at most `concurrency` attempts at once', async () => {
    const held: ServerResponse[] = [];
    const r = await receiver((_n, _req, res) => held.push(res));
    const { d, records } = dispatcher({ concurrency: 2 });
    for (let i = 0; i < 5; i++) d.enqueue(endpoint(r.url), caseEvent());
    let released = 0;
    for (const expected of [2, 4, 5]) {
      await until(() => held.length >= expected);
      // Give a third concurrent request the chance to arrive; none may.
      await new Promise((res) => setTimeout(res, 50));
      expect(held.length - released).toBeLessThanOrEqual(2);
      while (released < held.length) reply(held[released++]!, 200);
    }
    await d.drain();
    expect(records.filter((x) => x.status === 'delivered')).toHaveLength(5);
  });

  it.each([
    ['ftp://example.com/hook', /scheme must be http: or https:, not ftp:/],
    ['file:///etc/passwd', /not file:/],
    ['javascript:alert(1)', /not javascript:/],
    ['not a url', /does not parse/],
    ['https://user:pw@example.com/hook', /credentials/],
    ['', /missing/],
  ])('refuses the URL %j at enqueue', (url, message) => {
    const { d } = dispatcher();
    expect(() => d.enqueue(endpoint(url), caseEvent())).toThrow(message);
    try {
      d.enqueue(endpoint(url), caseEvent());
    } catch (e) {
      expect((e as WebhookError).code).toBe('invalid-url');
    }
    expect(d.size).toBe(0);
  });

  it('refuses bad endpoints and events with a code', () => {
    const { d } = dispatcher({ maxPayloadBytes: 200 });
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof WebhookError ? e.code : 'other';
      }
      return undefined;
    };
    const url = 'https://example.com/hook';
    expect(codeOf(() => d.enqueue(endpoint(url, { secret: '' }), caseEvent()))).toBe('invalid-endpoint');
    expect(codeOf(() => d.enqueue(endpoint(url, { id: '' }), caseEvent()))).toBe('invalid-endpoint');
    expect(codeOf(() => d.enqueue(endpoint(url, { tenant: 'globex' }), caseEvent()))).toBe('tenant-mismatch');
    expect(codeOf(() => d.enqueue(endpoint(url), { ...caseEvent(), tenant: '' }))).toBe('invalid-event');
    expect(codeOf(() => d.enqueue(endpoint(url), caseEvent()))).toBe('payload-too-large');
    expect(d.size).toBe(0);
  });
});

describe('WebhookDispatcher address policy', () => {
  it('refuses a loopback literal at enqueue under public-only', () => {
    const { d } = dispatcher({ addressPolicy: 'public-only' });
    expect(() => d.enqueue(endpoint('http://127.0.0.1:9/hook'), caseEvent())).toThrow(
      /127\.0\.0\.1 is not a public address/,
    );
  });

  it('refuses, without retrying or connecting, a name that resolves to a private address', async () => {
    const calls: string[] = [];
    const { d, records } = dispatcher({
      addressPolicy: 'public-only',
      lookup: () => Promise.resolve(['169.254.169.254']),
      fetch: (input) => {
        calls.push(input as string);
        return Promise.resolve(new Response(null, { status: 200 }));
      },
    });
    d.enqueue(endpoint('http://metadata.example/latest'), caseEvent());
    await d.drain();
    expect(calls).toEqual([]);
    expect(records.map((x) => [x.status, x.error])).toEqual([
      [
        'failed',
        'refused: metadata.example resolves to 169.254.169.254, which is not a public address (address policy public-only)',
      ],
    ]);
  });

  it('delivers to a name that resolves to public addresses', async () => {
    const calls: string[] = [];
    const { d, records } = dispatcher({
      addressPolicy: 'public-only',
      lookup: () => Promise.resolve(['93.184.216.34']),
      fetch: (input) => {
        calls.push(input as string);
        return Promise.resolve(new Response('ok', { status: 200 }));
      },
    });
    d.enqueue(endpoint('https://hooks.example.com/in'), caseEvent());
    await d.drain();
    expect(calls).toEqual(['https://hooks.example.com/in']);
    expect(records.map((x) => x.status)).toEqual(['delivered']);
  });

  it('loopback receivers work under the default policy', async () => {
    const r = await receiver((_n, _req, res) => reply(res, 200));
    const { d, records } = dispatcher();
    d.enqueue(endpoint(r.url), caseEvent());
    await d.drain();
    expect(records.map((x) => x.status)).toEqual(['delivered']);
  });
});

describe('WebhookDispatcher drain and close', () => {
  it('drain resolves at once when idle, and after all attempts otherwise', async () => {
    const r = await receiver((n, _req, res) => reply(res, n === 1 ? 500 : 200));
    const { d, records } = dispatcher();
    await d.drain();
    d.enqueue(endpoint(r.url), caseEvent());
    d.enqueue(endpoint(r.url), findingEvent());
    await d.drain();
    expect(records.filter((x) => x.status === 'delivered')).toHaveLength(2);
    expect(d.size).toBe(0);
  });

  it('close aborts a pending retry wait and returns what was dropped', async () => {
    const r = await receiver((_n, _req, res) => reply(res, 503));
    let waitAborted = false;
    const { d, records } = dispatcher({
      // A wait that ends only when aborted: close() must abort it or this test hangs.
      sleep: (_ms, signal) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            waitAborted = true;
            reject(new Error('aborted'));
          });
        }),
    });
    const event = caseEvent();
    const id = d.enqueue(endpoint(r.url), event);
    await until(() => records.length === 1);
    expect(records[0]!.status).toBe('retrying');
    const dropped = await d.close();
    expect(waitAborted).toBe(true);
    expect(dropped).toEqual([{ deliveryId: id, endpoint: endpoint(r.url), event, attemptsMade: 1 }]);
    expect(r.received).toHaveLength(1);
    expect(d.closed).toBe(true);
    expect(() => d.enqueue(endpoint(r.url), caseEvent())).toThrow(/closed/);
    expect(await d.close()).toEqual(dropped);
  });

  it('close lets the attempt in flight finish and drops queued ones unattempted', async () => {
    const held: ServerResponse[] = [];
    const r = await receiver((_n, _req, res) => held.push(res));
    const { d, records } = dispatcher({ concurrency: 1 });
    const first = d.enqueue(endpoint(r.url), caseEvent());
    const second = d.enqueue(endpoint(r.url), findingEvent());
    await until(() => held.length === 1);
    const closing = d.close();
    reply(held[0]!, 200);
    const dropped = await closing;
    expect(records.map((x) => [x.deliveryId, x.status])).toEqual([[first, 'delivered']]);
    expect(dropped.map((x) => [x.deliveryId, x.attemptsMade])).toEqual([[second, 0]]);
    expect(r.received).toHaveLength(1);
  });

  it('re-queues an abandoned delivery under the same id', async () => {
    const r = await receiver((_n, _req, res) => reply(res, 200));
    const { d } = dispatcher();
    const id = d.enqueue(endpoint(r.url), caseEvent(), { deliveryId: 'dlv_kept' });
    expect(id).toBe('dlv_kept');
    await d.drain();
    expect(r.received[0]!.headers['chainhunt-delivery']).toBe('dlv_kept');
  });

  it('keeps delivering when onResult throws', async () => {
    const r = await receiver((n, _req, res) => reply(res, n === 1 ? 503 : 200));
    const errors: string[] = [];
    const { d } = dispatcher({
      onResult: () => Promise.reject(new Error('db down')),
      onResultError: (e, rec) => errors.push(`${rec.status}: ${(e as Error).message}`),
    });
    d.enqueue(endpoint(r.url), caseEvent());
    await d.drain();
    expect(r.received).toHaveLength(2);
    expect(errors).toEqual(['retrying: db down', 'delivered: db down']);
  });
});

describe('helpers', () => {
  it('parseRetryAfter reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('2026-11-23T10:00:30Z', now)).toBeNull();
    expect(parseRetryAfter('Sunday, 23-Nov-26 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('backoffDelayMs is full jitter under an exponential, capped ceiling', () => {
    expect(backoffDelayMs(1, 1000, 300_000, () => 0.999)).toBe(999);
    expect(backoffDelayMs(4, 1000, 300_000, () => 0.5)).toBe(4000);
    expect(backoffDelayMs(30, 1000, 300_000, () => 0.5)).toBe(150_000);
    expect(backoffDelayMs(3, 1000, 300_000, () => 0)).toBe(0);
  });
});
