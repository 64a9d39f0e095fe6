// Change notifications for call records: subscriptions, the outbox-fed dispatcher, webhook delivery with retries.
// Guarantees and design: README.md beside this file.
export { Notifier } from './dispatcher.js';
export type { NotifierOptions, NotifyLogger } from './dispatcher.js';
export { SubscriptionService, MAX_LIFETIME_MS } from './subscriptions.js';
export type { SubscriptionServiceOptions } from './subscriptions.js';
export { DeliveryMetrics } from './metrics.js';
export type { MetricsSnapshot } from './metrics.js';
