import type { Kysely } from 'kysely';

// The telephony logs read by the log functions: one table per row type, keyed by tenant, each with an index for
// range scans by tenant and time in page order (time_ms, id). PSTN calls carry an extra index that serves the
// online-meeting dial-out report: it walks one call type's rows in group order, so a page of groups stops early.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['pstn_calls', 'direct_routing_calls', 'sms_logs', 'pstn_blocked_users']) {
    let create = db.schema
      .createTable(table)
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('time_ms', 'bigint', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull());
    if (table === 'pstn_calls') {
      create = create
        .addColumn('call_type', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('usage_country_code', 'text', (c) => c.notNull())
        .addColumn('destination_context', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('user_principal_name', 'text')
        .addColumn('user_display_name', 'text')
        .addColumn('duration_s', 'integer', (c) => c.notNull())
        .addColumn('charge_micros', 'bigint', (c) => c.notNull())
        .addColumn('connection_charge_micros', 'bigint', (c) => c.notNull());
    }
    await create.addPrimaryKeyConstraint(`${table}_pk`, ['tenant_id', 'id']).execute();
    await db.schema
      .createIndex(`${table}_by_time`)
      .on(table)
      .columns(['tenant_id', 'time_ms', 'id'])
      .execute();
  }
  await db.schema
    .createIndex('pstn_calls_by_group')
    .on('pstn_calls')
    .columns([
      'tenant_id',
      'call_type',
      'user_id',
      'usage_country_code',
      'destination_context',
      'currency',
      'time_ms',
    ])
    .execute();
}
