import type { Kysely } from 'kysely';

// Call records produced by the call simulator that are not visible yet: each row is one version of one record, due
// at `due_ms` (virtual time). The dispatcher moves due rows into call_records in one transaction. The key is led by
// tenant_id like every other table; the due index serves the dispatcher's scan across tenants.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pending_records')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('due_ms', 'bigint', (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pending_records_pk', ['tenant_id', 'id', 'version'])
    .execute();
  await db.schema
    .createIndex('pending_records_by_due')
    .on('pending_records')
    .columns(['due_ms', 'tenant_id', 'id', 'version'])
    .execute();
}
