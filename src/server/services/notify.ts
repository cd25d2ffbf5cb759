/**
 * Notifications: server events (new critical findings, case state changes) become signed webhook
 * deliveries to the tenant's endpoints; every attempt is written to the audit log.
 */
import type { ServerEvent } from '../context.js';
import type { StateStore } from '../state/store.js';
import {
  toWebhookEvent,
  WebhookDispatcher,
  type AddressPolicy,
  type WebhookDispatcherOptions,
} from '../webhooks/index.js';

export interface Notifier {
  onEvent(e: ServerEvent): void;
  /** Resolves when every queued delivery finished (tests, shutdown). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export function webhookNotifier(
  state: StateStore,
  opts: { addressPolicy: AddressPolicy; dispatcher?: Partial<WebhookDispatcherOptions> },
): Notifier {
  const pending = new Set<Promise<void>>();
  const dispatcher = new WebhookDispatcher({
    addressPolicy: opts.addressPolicy,
    ...opts.dispatcher,
    onResult: async (r) => {
      await state.audit({
        at: r.at,
        actor: 'system',
        tenant: r.tenant,
        action: `webhook.${r.status}`,
        target: r.endpointId,
        ip: null,
        detail: {
          deliveryId: r.deliveryId,
          event: r.eventType,
          eventId: r.eventId,
          attempt: r.attempt,
          httpStatus: r.httpStatus ?? null,
          error: r.error ?? null,
        },
      });
    },
  });
  const deliver = async (e: ServerEvent): Promise<void> => {
    const hooks = await state.webhooks(e.tenant);
    if (!hooks.length) return;
    const event = toWebhookEvent(e);
    if (!event) return;
    for (const h of hooks) {
      try {
        dispatcher.enqueue(
          { id: h.id, url: h.url, secret: h.secret, events: h.events, tenant: h.tenant },
          event,
        );
      } catch (err) {
        await state.audit({
          at: new Date().toISOString(),
          actor: 'system',
          tenant: e.tenant,
          action: 'webhook.refused',
          target: h.id,
          ip: null,
          detail: { event: event.type, error: (err as Error).message },
        });
      }
    }
  };
  return {
    onEvent(e) {
      const p = deliver(e).catch(() => undefined);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
    async drain() {
      await Promise.all([...pending]);
      await dispatcher.drain();
    },
    async close() {
      await Promise.all([...pending]);
      await dispatcher.close();
    },
  };
}
