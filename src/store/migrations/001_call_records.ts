import type { Kysely } from 'kysely';

// Every key is a composite primary key led by tenant_id, so each query is a range scan inside one tenant.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('call_records')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('start_ms', 'bigint', (c) => c.notNull())
    .addColumn('end_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_modified_ms', 'bigint', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('organizer', 'text')
    .addColumn('session_count', 'integer', (c) => c.notNull())
    .addColumn('participant_count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_records_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('call_records_by_start')
    .on('call_records')
    .columns(['tenant_id', 'start_ms', 'id'])
    .execute();
  await db.schema
    .createTable('call_sessions')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('segment_count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_sessions_pk', ['tenant_id', 'record_id', 'ordinal'])
    .addUniqueConstraint('call_sessions_id', ['tenant_id', 'record_id', 'id'])
    .execute();
  await db.schema
    .createTable('call_segments')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('session_ordinal', 'integer', (c) => c.notNull())
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_segments_pk', ['tenant_id', 'record_id', 'session_ordinal', 'ordinal'])
    .addUniqueConstraint('call_segments_id', ['tenant_id', 'record_id', 'session_ordinal', 'id'])
    .execute();
  await db.schema
    .createTable('call_participants')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_participants_pk', ['tenant_id', 'record_id', 'ordinal'])
    .addUniqueConstraint('call_participants_id', ['tenant_id', 'record_id', 'id'])
    .execute();
  await db.schema
    .createTable('participant_index')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('start_ms', 'bigint', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('participant_index_pk', ['tenant_id', 'participant_id', 'start_ms', 'record_id'])
    .execute();
  await db.schema
    .createIndex('participant_index_by_record')
    .on('participant_index')
    .columns(['tenant_id', 'record_id'])
    .execute();
}
