/**
 * Webhook notifications: signed deliveries of `finding.new_critical` and `case.state_changed`
 * events with retries. See docs/webhooks.md.
 */
export * from './address-policy.js';
export * from './signature.js';
export * from './events.js';
export * from './dispatcher.js';
