/**
 * Notifications: server events (new critical findings, case state changes) become signed webhook
 * deliveries to the tenant's endpoints; every attempt is written to the audit log.
 *
 * Deliveries are durable: each is written to the state store's outbox before its first attempt,
 * its attempt count is updated while it retries, and it is removed once delivered or given up on.
 * {@link Notifier.resume} re-queues what a previous process left pending (a restart, a SIGKILL)
 * with the same delivery id, so receivers can de-duplicate.
 */
import { randomUUID } from 'node:crypto';
import type { ServerEvent } from '../context.js';
import type { StateStore } from '../state/store.js';
import type { Webhook } from '../state/types.js';
import {
  endpointAccepts,
  toWebhookEvent,
  WebhookDispatcher,
  type AddressPolicy,
  type DispatchableEvent,
  type WebhookDispatcherOptions,
  type WebhookEndpoint,
} from '../webhooks/index.js';

export interface Notifier {
  onEvent(e: ServerEvent): void;
  /** Re-queues the deliveries a previous process left in the outbox; resolves with their count. */
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

export function webhookNotifier(
  state: StateStore,
  opts: { addressPolicy: AddressPolicy; dispatcher?: Partial<WebhookDispatcherOptions> },
): Notifier {
  const pending = new Set<Promise<void>>();
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
      else await state.outboxRemove(r.deliveryId);
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

  /** Writes the delivery to the outbox, then queues it; a refusal removes it again and is audited. */
  const send = async (
    endpoint: WebhookEndpoint,
    event: DispatchableEvent,
    row: { deliveryId: string; attempts: number; createdAt: string } | null,
  ): Promise<void> => {
    const deliveryId = row?.deliveryId ?? `dlv_${randomUUID()}`;
    if (!row)
      await state.outboxAdd({
        deliveryId,
        tenant: event.tenant,
        webhookId: endpoint.id,
        event,
        attempts: 0,
        createdAt: new Date().toISOString(),
      });
    try {
      dispatcher.enqueue(endpoint, event, { deliveryId, attemptsMade: row?.attempts ?? 0 });
    } catch (err) {
      await state.outboxRemove(deliveryId);
      await audit(event.tenant, 'webhook.refused', endpoint.id, {
        deliveryId,
        event: event.type,
        error: (err as Error).message,
      });
    }
  };

  const deliver = async (e: ServerEvent): Promise<void> => {
    const hooks = await state.webhooks(e.tenant);
    if (!hooks.length) return;
    const event = toWebhookEvent(e);
    if (!event) return;
    for (const h of hooks) if (endpointAccepts(h, event.type)) await send(endpointOf(h), event, null);
  };

  return {
    onEvent(e) {
      track(deliver(e));
    },
    async resume() {
      const rows = await state.outbox();
      const hooks = new Map<string, Map<string, Webhook>>();
      for (const row of rows) {
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
        await send(endpointOf(h), row.event as DispatchableEvent, row);
      }
      return rows.length;
    },
    async drain() {
      await Promise.all([...pending]);
      await dispatcher.drain();
    },
    async close() {
      await Promise.all([...pending]);
      // What close() abandons is still in the outbox: the next start re-sends it.
      await dispatcher.close();
    },
  };
}
