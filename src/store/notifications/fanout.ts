// The outbox side of change notifications. `writeOutbox` runs inside the record upsert's transaction; `fanOut`
// turns outbox rows into queue items for each matching subscription (participant filter; the change named by the
// caller's rule from whether notification_seen knows the record) and deletes them, in one transaction, so a
// record version is queued once per subscription whatever crashes. Portable Kysely.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

const CHUNK = 400;

/** The change a subscription is told of (none: undefined), from its changeType and whether it saw the record. */
export type ChangeRule = (changeType: string, firstSight: boolean) => 'created' | 'updated' | undefined;

export interface FanOutOptions {
  nowMs: number;
  delayMs: number;
  limit: number;
  changeFor: ChangeRule;
}

/** Writes outbox rows for records created or given a new version, if the tenant has a live subscription. */
export async function writeOutbox(
  trx: Transaction<Database>,
  tenantId: string,
  entries: { recordId: string; version: number; change: 'created' | 'updated' }[],
): Promise<void> {
  if (entries.length === 0) return;
  const live = await trx
    .selectFrom('subscriptions')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('removed_ms', 'is', null)
    .limit(1)
    .executeTakeFirst();
  if (!live) return;
  const writtenMs = Date.now();
  for (let i = 0; i < entries.length; i += CHUNK) {
    await trx
      .insertInto('notification_outbox')
      .values(
        entries.slice(i, i + CHUNK).map((e) => ({
          tenant_id: tenantId,
          record_id: e.recordId,
          version: e.version,
          change: e.change,
          written_ms: writtenMs,
        })),
      )
      .onConflict((oc) => oc.columns(['tenant_id', 'record_id', 'version']).doNothing())
      .execute();
  }
}

/** Fans out up to `limit` outbox rows into queue items, in one transaction; returns how many were consumed. */
export async function fanOut(db: Kysely<Database>, o: FanOutOptions, rowLocks = false): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let outbox = trx
      .selectFrom('notification_outbox')
      .selectAll()
      .orderBy('written_ms')
      .orderBy('tenant_id')
      .orderBy('record_id')
      .orderBy('version')
      .limit(o.limit);
    // Instances fanning out at once take disjoint rows (SQLite: one writer at a time anyway).
    if (rowLocks) outbox = outbox.forUpdate().skipLocked();
    const rows = await outbox.execute();
    const byTenant = new Map<string, typeof rows>();
    for (const r of rows) {
      const list = byTenant.get(r.tenant_id);
      if (list) list.push(r);
      else byTenant.set(r.tenant_id, [r]);
    }
    for (const [tenantId, list] of byTenant) await fanOutTenant(trx, tenantId, list, o);
    for (const r of rows) {
      await trx
        .deleteFrom('notification_outbox')
        .where('tenant_id', '=', r.tenant_id)
        .where('record_id', '=', r.record_id)
        .where('version', '=', r.version)
        .execute();
    }
    return rows.length;
  });
}

async function fanOutTenant(
  trx: Transaction<Database>,
  tenantId: string,
  rows: { record_id: string; version: number; written_ms: number }[],
  o: FanOutOptions,
): Promise<void> {
  const subs = await trx
    .selectFrom('subscriptions')
    .select(['id', 'participant_id', 'change_type', 'created_real_ms'])
    .where('tenant_id', '=', tenantId)
    .where('removed_ms', 'is', null)
    .where('expiration_ms', '>', o.nowMs)
    .execute();
  if (subs.length === 0) return;
  const recordIds = [...new Set(rows.map((r) => r.record_id))];
  const participants = new Set<string>();
  const filters = [...new Set(subs.flatMap((s) => (s.participant_id === null ? [] : [s.participant_id])))];
  const seen = new Map<string, number>();
  for (let i = 0; i < recordIds.length; i += CHUNK) {
    const chunk = recordIds.slice(i, i + CHUNK);
    if (filters.length > 0) {
      const hits = await trx
        .selectFrom('participant_index')
        .select(['record_id', 'participant_id'])
        .where('tenant_id', '=', tenantId)
        .where('record_id', 'in', chunk)
        .where('participant_id', 'in', filters)
        .execute();
      for (const h of hits) participants.add(`${h.record_id}\n${h.participant_id}`);
    }
    const seenRows = await trx
      .selectFrom('notification_seen')
      .select(['subscription_id', 'record_id', 'version'])
      .where('tenant_id', '=', tenantId)
      .where('record_id', 'in', chunk)
      .where(
        'subscription_id',
        'in',
        subs.map((s) => s.id),
      )
      .execute();
    for (const s of seenRows) seen.set(`${s.subscription_id}\n${s.record_id}`, Number(s.version));
  }
  const dueMs = o.nowMs + o.delayMs;
  for (const r of rows) {
    const version = Number(r.version);
    for (const s of subs) {
      // A subscription hears of records written after it was created, and only of those its filter matches.
      if (Number(r.written_ms) < Number(s.created_real_ms)) continue;
      if (s.participant_id !== null && !participants.has(`${r.record_id}\n${s.participant_id}`)) continue;
      const key = `${s.id}\n${r.record_id}`;
      const before = seen.get(key);
      if (before !== undefined && before >= version) continue;
      const event = o.changeFor(s.change_type, before === undefined);
      seen.set(key, version);
      await trx
        .insertInto('notification_seen')
        .values({ tenant_id: tenantId, subscription_id: s.id, record_id: r.record_id, version })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'subscription_id', 'record_id']).doUpdateSet({ version }),
        )
        .execute();
      if (event === undefined) continue;
      await trx
        .insertInto('notification_queue')
        .values({
          tenant_id: tenantId,
          subscription_id: s.id,
          item_id: `${r.record_id}@${version}`,
          event,
          record_id: r.record_id,
          due_ms: dueMs,
          next_attempt_ms: dueMs,
          attempts: 0,
          first_failure_ms: null,
          written_ms: Number(r.written_ms),
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'subscription_id', 'item_id']).doNothing())
        .execute();
    }
  }
}
