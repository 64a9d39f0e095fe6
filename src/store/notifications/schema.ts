// Table types of the change-notification tables (migration 005; see src/notify/README.md). Times ending in `_ms`
// are virtual-clock epoch milliseconds, except `*_real_ms` and `written_ms`, which are wall-clock (for latency).

export interface SubscriptionsTable {
  tenant_id: string;
  id: string;
  /** The client id of the app that created it: only that app sees it. */
  app_id: string;
  /** The app's service principal object id (Graph's creatorId), when the app is registered here. */
  creator_id: string | null;
  /** As the client sent it (echoed by GET). */
  resource: string;
  /** `participants/any(p:p/id eq '…')` in the resource narrows to records with this participant. */
  participant_id: string | null;
  /** As the client sent it, e.g. `created,updated`. */
  change_type: string;
  client_state: string | null;
  notification_url: string;
  lifecycle_url: string | null;
  latest_tls: string | null;
  notification_url_app_id: string | null;
  expiration_ms: number;
  /** When expiration_ms was last set (creation or renewal): reauthorizationRequired comes before half the time. */
  expiration_set_ms: number;
  created_ms: number;
  created_real_ms: number;
  /** The expiration a reauthorizationRequired notification was queued for (once per expiration). */
  reauth_for_ms: number | null;
  /** Deleted or expired: invisible to the API; the row goes when its lifecycle notifications are out. */
  removed_ms: number | null;
  removed_reason: string | null;
}

export interface NotificationOutboxTable {
  tenant_id: string;
  record_id: string;
  version: number;
  /** The store's outcome: created (new record) or updated (higher version). */
  change: string;
  written_ms: number;
}

export interface NotificationQueueTable {
  tenant_id: string;
  subscription_id: string;
  /** `{recordId}@{version}` for a change, `{event}@{ms}` for a lifecycle notification. */
  item_id: string;
  /** created | updated | missed | subscriptionRemoved | reauthorizationRequired */
  event: string;
  record_id: string | null;
  due_ms: number;
  next_attempt_ms: number;
  attempts: number;
  first_failure_ms: number | null;
  written_ms: number;
  /** The instance delivering the item, while its lease (wall-clock ms) lasts. */
  claimed_by: string | null;
  lease_until: number | null;
}

export interface NotificationSeenTable {
  tenant_id: string;
  subscription_id: string;
  record_id: string;
  version: number;
}

export interface WebhookDeliveriesTable {
  tenant_id: string;
  id: string;
  subscription_id: string;
  /** validation | notification | lifecycle */
  kind: string;
  /** Scheme, host and path only: query strings may hold secrets. */
  url: string;
  attempt: number;
  items: number;
  status: number | null;
  /** delivered | failed | dropped | validated | rejected */
  outcome: string;
  latency_ms: number;
  /** Wall-clock time from the oldest record write in the batch to its acknowledgement. */
  ingest_latency_ms: number | null;
  error: string | null;
  at_ms: number;
  real_ms: number;
}

export interface NotifyTables {
  subscriptions: SubscriptionsTable;
  notification_outbox: NotificationOutboxTable;
  notification_queue: NotificationQueueTable;
  notification_seen: NotificationSeenTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
