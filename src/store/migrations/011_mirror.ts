import type { Kysely } from 'kysely';

// The mirror's place (callrecords mirror): what it was asked to copy, the windows it has listed, the records it has
// yet to fetch, and its status; and each tenant's retention when it differs from the server's. All keyed by the
// tenant id, so a tenant's deletion takes its mirror with it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mirror_state')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('upstream', 'text', (c) => c.notNull())
    .addColumn('updated_ms', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();
  // One row per (kind, window): kind is 'records' or a telephony log; done_ms is set once the window is copied.
  await db.schema
    .createTable('mirror_windows')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('start_ms', 'bigint', (c) => c.notNull())
    .addColumn('end_ms', 'bigint', (c) => c.notNull())
    .addColumn('done_ms', 'bigint')
    .addPrimaryKeyConstraint('mirror_windows_pk', ['tenant_id', 'kind', 'start_ms'])
    .execute();
  // Records listed upstream at a version above the stored one, not yet fetched whole.
  await db.schema
    .createTable('mirror_queue')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('start_ms', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('mirror_queue_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('mirror_queue_by_start')
    .on('mirror_queue')
    .columns(['tenant_id', 'start_ms', 'id'])
    .execute();
  // A tenant's own retention: days, or null for unlimited. Tenants without a row keep the server's.
  await db.schema
    .createTable('tenant_retention')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('days', 'integer')
    .execute();
}
