/**
 * Notifications: server events (new critical findings, case state changes) become signed webhook
 * deliveries to the tenant's endpoints; every attempt is written to the audit log.
 *
 * Deliveries are durable (a transactional outbox): {@link Notifier.stage} writes them to the state
 * store's outbox inside the transaction of the change that caused them, so they exist exactly when
 * the change does; {@link Notifier.dispatch} starts them after the commit. Their attempt count is
 * updated while they retry, and they are removed once delivered or given up on.
 * {@link Notifier.resume} re-queues what a previous process left pending (a restart, a SIGKILL)
 * with the same delivery id, so receivers can de-duplicate.
 */
import { randomUUID } from 'node:crypto';
import type { ServerEvent } from '../context.js';
import type { SqlRunner } from '../state/sql.js';
import type { StateStore } from '../state/store.js';
import type { Webhook } from '../state/types.js';
import {
  DISPATCHER_DEFAULTS,
  endpointAccepts,
  toWebhookEvent,
  WebhookDispatcher,
  WebhookError,
  type AddressPolicy,
  type DispatchableEvent,
  type WebhookDispatcherOptions,
  type WebhookEndpoint,
} from '../webhooks/index.js';

/** A delivery written to the outbox in a change's transaction, to start after its commit. */
export interface StagedDelivery {
  deliveryId: string;
  endpoint: WebhookEndpoint;
  event: DispatchableEvent;
}

export interface Notifier {
  /** Writes the deliveries of `events` to the outbox, in the caller's transaction `q`. */
  stage(events: readonly ServerEvent[], q: SqlRunner): Promise<StagedDelivery[]>;
  /** Starts deliveries staged in a transaction that has committed. */
  dispatch(staged: readonly StagedDelivery[]): void;
  /**
   * Queues the outbox's deliveries this process does not hold (left by a previous process, or
   * deferred while the queue was full) and, from then on, sweeps the outbox on a timer; resolves
   * with how many it queued.
   */
  resume(): Promise<number>;
  /** Resolves when every queued delivery finished (tests, shutdown). */
  drain(): Promise<void>;
  /** Stops; deliveries not finished stay in the outbox for the next start. */
  close(): Promise<void>;
}

const endpointOf = (h: Webhook): WebhookEndpoint => ({
  id: h.id,
  url: h.url,
  secret: h.secret,
  events: h.events,
  tenant: h.tenant,
});

/** How often the outbox is swept for deliveries this process does not hold. */
export const OUTBOX_SWEEP_MS = 60_000;

export function webhookNotifier(
  state: StateStore,
  opts: {
    addressPolicy: AddressPolicy;
    dispatcher?: Partial<WebhookDispatcherOptions>;
    sweepMs?: number;
  },
): Notifier {
  const pending = new Set<Promise<void>>();
  /** Deliveries the dispatcher holds (queued, in flight or waiting to retry). */
  const held = new Set<string>();
  /** Deliveries finished while a sweep runs: its snapshot of the outbox may still list them. */
  const finished = new Set<string>();
  const maxQueue = opts.dispatcher?.maxQueue ?? DISPATCHER_DEFAULTS.maxQueue;
  let sweeper: NodeJS.Timeout | null = null;
  let sweeping: Promise<number> | null = null;
  let closed = false;
  const track = (p: Promise<void>): void => {
    const q = p.catch(() => undefined);
    pending.add(q);
    void q.finally(() => pending.delete(q));
  };
  const audit = (tenant: string, action: string, target: string, detail: Record<string, unknown>) =>
    state.audit({ at: new Date().toISOString(), actor: 'system', tenant, action, target, ip: null, detail });

  const dispatcher = new WebhookDispatcher({
    addressPolicy: opts.addressPolicy,
    ...opts.dispatcher,
    onResult: async (r) => {
      if (r.status === 'retrying') await state.outboxAttempted(r.deliveryId, r.attempt);
      else {
        await state.outboxRemove(r.deliveryId);
        if (sweeping) finished.add(r.deliveryId);
        held.delete(r.deliveryId);
      }
      await audit(r.tenant, `webhook.${r.status}`, r.endpointId, {
        deliveryId: r.deliveryId,
        event: r.eventType,
        eventId: r.eventId,
        attempt: r.attempt,
        httpStatus: r.httpStatus ?? null,
        error: r.error ?? null,
      });
    },
  });

  /**
   * Queues a delivery already in the outbox. A full queue defers it (it stays in the outbox for a
   * later sweep); any other refusal removes it and is audited.
   */
  const send = async (
    endpoint: WebhookEndpoint,
    event: DispatchableEvent,
    deliveryId: string,
    attemptsMade: number,
  ): Promise<'queued' | 'deferred' | 'refused'> => {
    if (held.has(deliveryId)) return 'queued';
    try {
      held.add(deliveryId);
      if (dispatcher.enqueue(endpoint, event, { deliveryId, attemptsMade }) !== null) return 'queued';
      // The webhook's event filter excludes it: nothing to send.
      held.delete(deliveryId);
      await state.outboxRemove(deliveryId);
      return 'refused';
    } catch (err) {
      held.delete(deliveryId);
      if (err instanceof WebhookError && (err.code === 'queue-full' || err.code === 'closed'))
        return 'deferred';
      await state.outboxRemove(deliveryId);
      await audit(event.tenant, 'webhook.refused', endpoint.id, {
        deliveryId,
        event: event.type,
        error: (err as Error).message,
      });
      return 'refused';
    }
  };

  /** One pass over the outbox, oldest first, up to the queue's room. */
  const sweep = async (): Promise<number> => {
    const room = maxQueue - dispatcher.size;
    if (room <= 0 || closed) return 0;
    finished.clear();
    const rows = await state.outbox(room + held.size);
    const hooks = new Map<string, Map<string, Webhook>>();
    let queued = 0;
    for (const row of rows) {
      if (held.has(row.deliveryId) || finished.has(row.deliveryId)) continue;
      let byId = hooks.get(row.tenant);
      if (!byId) {
        byId = new Map((await state.webhooks(row.tenant)).map((h) => [h.id, h]));
        hooks.set(row.tenant, byId);
      }
      const h = byId.get(row.webhookId);
      if (!h) {
        // The webhook was deleted while the delivery was pending (deleteWebhook also clears it).
        await state.outboxRemove(row.deliveryId);
        continue;
      }
      const r = await send(endpointOf(h), row.event as DispatchableEvent, row.deliveryId, row.attempts);
      if (r === 'deferred') break;
      if (r === 'queued') queued++;
    }
    return queued;
  };
  const sweepOnce = (): Promise<number> => {
    // One sweep at a time; a caller during a sweep shares its result.
    sweeping ??= sweep().finally(() => (sweeping = null));
    return sweeping;
  };

  return {
    async stage(events, q) {
      const staged: StagedDelivery[] = [];
      const hooks = new Map<string, Webhook[]>();
      for (const e of events) {
        let mine = hooks.get(e.tenant);
        if (!mine) hooks.set(e.tenant, (mine = await state.webhooks(e.tenant, q)));
        if (!mine.length) continue;
        const event = toWebhookEvent(e);
        if (!event) continue;
        for (const h of mine) {
          if (!endpointAccepts(h, event.type)) continue;
          const deliveryId = `dlv_${randomUUID()}`;
          await state.outboxAdd(
            {
              deliveryId,
              tenant: event.tenant,
              webhookId: h.id,
              event,
              attempts: 0,
              createdAt: new Date().toISOString(),
            },
            q,
          );
          staged.push({ deliveryId, endpoint: endpointOf(h), event });
        }
      }
      return staged;
    },
    dispatch(staged) {
      for (const d of staged) track(send(d.endpoint, d.event, d.deliveryId, 0).then(() => undefined));
    },
    async resume() {
      const n = await sweepOnce();
      if (!sweeper && !closed) {
        sweeper = setInterval(
          () => track(sweepOnce().then(() => undefined)),
          opts.sweepMs ?? OUTBOX_SWEEP_MS,
        );
        sweeper.unref();
      }
      return n;
    },
    async drain() {
      await Promise.all([...pending]);
      await dispatcher.drain();
    },
    async close() {
      closed = true;
      if (sweeper) clearInterval(sweeper);
      await Promise.all([...pending]);
      // What close() abandons is still in the outbox: the next start re-sends it.
      await dispatcher.close();
    },
  };
}
