import type { Kysely } from 'kysely';

// The dashboard's aggregates, kept at write time in the transaction that writes the records (src/store/rollups.ts):
// quality per tenant, UTC day, dimension and value; telephony the same with a currency; and one summary row per
// call record for the call explorer's filters. A page view reads these, never the records.
export async function up(db: Kysely<unknown>): Promise<void> {
  let quality = db.schema
    .createTable('quality_rollups')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('day_ms', 'bigint', (c) => c.notNull())
    .addColumn('dim', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull());
  for (const column of QUALITY_COLUMNS) {
    quality = quality.addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0));
  }
  await quality
    .addPrimaryKeyConstraint('quality_rollups_pk', ['tenant_id', 'dim', 'day_ms', 'key'])
    .execute();

  let telephony = db.schema
    .createTable('telephony_rollups')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('day_ms', 'bigint', (c) => c.notNull())
    .addColumn('dim', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull());
  for (const column of TELEPHONY_COLUMNS) {
    telephony = telephony.addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0));
  }
  await telephony
    .addPrimaryKeyConstraint('telephony_rollups_pk', ['tenant_id', 'dim', 'day_ms', 'key', 'currency'])
    .execute();
  await db.schema
    .createIndex('telephony_rollups_cover')
    .on('telephony_rollups')
    .columns(['tenant_id', 'dim', 'day_ms', 'key', 'currency', ...TELEPHONY_COLUMNS])
    .execute();

  await db.schema
    .createTable('dashboard_calls')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('start_ms', 'bigint', (c) => c.notNull())
    .addColumn('end_ms', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('modalities', 'text', (c) => c.notNull())
    .addColumn('organizer', 'text', (c) => c.notNull())
    .addColumn('participants', 'integer', (c) => c.notNull())
    .addColumn('sessions', 'integer', (c) => c.notNull())
    .addColumn('audio_streams', 'integer', (c) => c.notNull())
    .addColumn('poor_streams', 'integer', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('worst', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dashboard_calls_pk', ['tenant_id', 'record_id'])
    .execute();
  await db.schema
    .createIndex('dashboard_calls_by_start')
    .on('dashboard_calls')
    .columns(['tenant_id', 'start_ms', 'record_id'])
    .execute();
}

// Copied, not imported: a migration is frozen at the schema it created, whatever the code does later.
const QUALITY_COLUMNS = [
  'calls',
  'sessions',
  'duration_s',
  'audio_streams',
  'classified',
  'poor',
  'poor_degradation',
  'poor_round_trip',
  'poor_packet_loss',
  'poor_jitter',
  'poor_concealed',
  'setup_failed',
  'dropped',
] as const;

const TELEPHONY_COLUMNS = ['calls', 'seconds', 'charge_micros', 'successes'] as const;
