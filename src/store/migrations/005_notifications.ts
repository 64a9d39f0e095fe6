import type { Kysely } from 'kysely';

// Change notifications (src/notify/README.md). Every key starts with tenant_id.
// - subscriptions: one row per Graph subscription; removed ones stay (removed_ms) until their last lifecycle
//   notification is delivered.
// - notification_outbox: one row per record version written while the tenant had a subscription, inserted in the
//   record's own transaction; the dispatcher fans it out into notification_queue and deletes it, in one transaction.
// - notification_queue: what each subscription still has to deliver, with its retry state.
// - notification_seen: the last version of each record a subscription was told about (created vs updated).
// - webhook_deliveries: recent HTTP attempts (handshakes, notifications, lifecycle), for the admin API.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('subscriptions')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('creator_id', 'text')
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('participant_id', 'text')
    .addColumn('change_type', 'text', (c) => c.notNull())
    .addColumn('client_state', 'text')
    .addColumn('notification_url', 'text', (c) => c.notNull())
    .addColumn('lifecycle_url', 'text')
    .addColumn('latest_tls', 'text')
    .addColumn('notification_url_app_id', 'text')
    .addColumn('expiration_ms', 'bigint', (c) => c.notNull())
    .addColumn('expiration_set_ms', 'bigint', (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('created_real_ms', 'bigint', (c) => c.notNull())
    .addColumn('reauth_for_ms', 'bigint')
    .addColumn('removed_ms', 'bigint')
    .addColumn('removed_reason', 'text')
    .addPrimaryKeyConstraint('subscriptions_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('subscriptions_by_app')
    .on('subscriptions')
    .columns(['tenant_id', 'app_id'])
    .execute();
  await db.schema
    .createIndex('subscriptions_by_expiration')
    .on('subscriptions')
    .columns(['expiration_ms'])
    .execute();
  await db.schema
    .createTable('notification_outbox')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('written_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_outbox_pk', ['tenant_id', 'record_id', 'version'])
    .execute();
  await db.schema
    .createIndex('notification_outbox_by_written')
    .on('notification_outbox')
    .columns(['written_ms'])
    .execute();
  await db.schema
    .createTable('notification_queue')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text')
    .addColumn('due_ms', 'bigint', (c) => c.notNull())
    .addColumn('next_attempt_ms', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('first_failure_ms', 'bigint')
    .addColumn('written_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_queue_pk', ['tenant_id', 'subscription_id', 'item_id'])
    .execute();
  await db.schema
    .createIndex('notification_queue_by_next_attempt')
    .on('notification_queue')
    .columns(['next_attempt_ms', 'tenant_id', 'subscription_id'])
    .execute();
  await db.schema
    .createTable('notification_seen')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_seen_pk', ['tenant_id', 'subscription_id', 'record_id'])
    .execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('ingest_latency_ms', 'integer')
    .addColumn('error', 'text')
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    .addColumn('real_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_deliveries_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_by_time')
    .on('webhook_deliveries')
    .columns(['tenant_id', 'real_ms'])
    .execute();
}
