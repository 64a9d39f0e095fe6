import type { Kysely } from 'kysely';

// Several instances on one database. notification_queue.claimed_by / lease_until: the instance delivering an item
// and until when (wall-clock ms); a claim whose lease passed is free again, so a dead instance's items come back.
// job_leases: which instance runs a singleton job (pending records, retention purge) and until when; like the
// settings table it is deployment-wide, not a tenant's data.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notification_queue').addColumn('claimed_by', 'text').execute();
  await db.schema.alterTable('notification_queue').addColumn('lease_until', 'bigint').execute();
  await db.schema
    .createTable('job_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('until_ms', 'bigint', (c) => c.notNull())
    .execute();
}
