// The outbox and the per-subscription delivery queue. `writeOutbox` runs inside the record upsert's transaction;
// `fanOut` turns outbox rows into queue items for each matching subscription and deletes them, in one transaction,
// so a record version is queued once per subscription whatever crashes. Queue items are deleted only once a
// webhook acknowledged them. Portable Kysely (SQLite and PostgreSQL).
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { NotificationQueueTable } from './notify-schema.js';
import type { Database } from './schema.js';
import { queueLifecycle } from './subscription-store.js';

export interface QueueItem {
  tenantId: string;
  subscriptionId: string;
  itemId: string;
  event: 'created' | 'updated' | 'missed' | 'subscriptionRemoved' | 'reauthorizationRequired';
  recordId: string | null;
  dueMs: number;
  nextAttemptMs: number;
  attempts: number;
  firstFailureMs: number | null;
  /** Wall-clock time the record (or lifecycle event) was written. */
  writtenMs: number;
}

export interface RetryPlan {
  itemId: string;
  attempts: number;
  nextAttemptMs: number;
  firstFailureMs: number;
}

export interface NotificationQueue {
  /** Fans out up to `limit` outbox rows; returns how many were consumed. */
  fanOut(o: { nowMs: number; delayMs: number; limit: number }): Promise<number>;
  /** Subscriptions with an item due at `nowMs`, most overdue first, leaving out `exclude` (tenant/id keys). */
  dueSubscriptions(
    nowMs: number,
    limit: number,
    exclude: ReadonlySet<string>,
  ): Promise<{ tenantId: string; subscriptionId: string }[]>;
  /** When the next item becomes due, or undefined when the queue is empty. */
  nextAttemptMs(): Promise<number | undefined>;
  /** Due items of one subscription, oldest first. */
  due(tenantId: string, subscriptionId: string, nowMs: number, max: number): Promise<QueueItem[]>;
  /** Acknowledged: the items are gone. */
  complete(tenantId: string, subscriptionId: string, itemIds: string[]): Promise<void>;
  /** Not acknowledged: reschedules some items, drops others (queueing `missed` when asked), in one transaction. */
  fail(
    tenantId: string,
    subscriptionId: string,
    o: { retry: RetryPlan[]; drop: string[]; missedAtMs?: number },
  ): Promise<void>;
  /** Undelivered items per subscription of a tenant. */
  pending(tenantId: string): Promise<{ subscriptionId: string; items: number; nextAttemptMs: number }[]>;
}

export const subscriptionKey = (tenantId: string, subscriptionId: string): string =>
  `${tenantId}/${subscriptionId}`;

const CHUNK = 400;

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

function itemFromRow(r: Selectable<NotificationQueueTable>): QueueItem {
  return {
    tenantId: r.tenant_id,
    subscriptionId: r.subscription_id,
    itemId: r.item_id,
    event: r.event as QueueItem['event'],
    recordId: r.record_id,
    dueMs: Number(r.due_ms),
    nextAttemptMs: Number(r.next_attempt_ms),
    attempts: Number(r.attempts),
    firstFailureMs: r.first_failure_ms === null ? null : Number(r.first_failure_ms),
    writtenMs: Number(r.written_ms),
  };
}

export class KyselyNotificationQueue implements NotificationQueue {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async fanOut(o: { nowMs: number; delayMs: number; limit: number }): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('notification_outbox')
        .selectAll()
        .orderBy('written_ms')
        .orderBy('tenant_id')
        .orderBy('record_id')
        .orderBy('version')
        .limit(o.limit)
        .execute();
      const byTenant = new Map<string, typeof rows>();
      for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r]);
      for (const [tenantId, list] of byTenant) await this.#fanOutTenant(trx, tenantId, list, o);
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

  async #fanOutTenant(
    trx: Transaction<Database>,
    tenantId: string,
    rows: { record_id: string; version: number; written_ms: number }[],
    o: { nowMs: number; delayMs: number },
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
        const types = new Set(s.change_type.split(',').map((t) => t.trim()));
        const event =
          before === undefined
            ? types.has('created')
              ? 'created'
              : 'updated'
            : types.has('updated')
              ? 'updated'
              : undefined;
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

  async dueSubscriptions(
    nowMs: number,
    limit: number,
    exclude: ReadonlySet<string>,
  ): Promise<{ tenantId: string; subscriptionId: string }[]> {
    const rows = await this.#db
      .selectFrom('notification_queue')
      .select(['tenant_id', 'subscription_id'])
      .select((eb) => eb.fn.min('next_attempt_ms').as('next'))
      .where('next_attempt_ms', '<=', nowMs)
      .groupBy(['tenant_id', 'subscription_id'])
      .orderBy('next')
      .limit(limit + exclude.size)
      .execute();
    return rows
      .map((r) => ({ tenantId: r.tenant_id, subscriptionId: r.subscription_id }))
      .filter((r) => !exclude.has(subscriptionKey(r.tenantId, r.subscriptionId)))
      .slice(0, limit);
  }

  async nextAttemptMs(): Promise<number | undefined> {
    const r = await this.#db
      .selectFrom('notification_queue')
      .select('next_attempt_ms')
      .orderBy('next_attempt_ms')
      .limit(1)
      .executeTakeFirst();
    return r ? Number(r.next_attempt_ms) : undefined;
  }

  async due(tenantId: string, subscriptionId: string, nowMs: number, max: number): Promise<QueueItem[]> {
    const rows = await this.#db
      .selectFrom('notification_queue')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('subscription_id', '=', subscriptionId)
      .where('next_attempt_ms', '<=', nowMs)
      .orderBy('due_ms')
      .orderBy('written_ms')
      .orderBy('item_id')
      .limit(max)
      .execute();
    return rows.map(itemFromRow);
  }

  async complete(tenantId: string, subscriptionId: string, itemIds: string[]): Promise<void> {
    for (let i = 0; i < itemIds.length; i += CHUNK) {
      await this.#db
        .deleteFrom('notification_queue')
        .where('tenant_id', '=', tenantId)
        .where('subscription_id', '=', subscriptionId)
        .where('item_id', 'in', itemIds.slice(i, i + CHUNK))
        .execute();
    }
  }

  async fail(
    tenantId: string,
    subscriptionId: string,
    o: { retry: RetryPlan[]; drop: string[]; missedAtMs?: number },
  ): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      for (const r of o.retry) {
        await trx
          .updateTable('notification_queue')
          .set({
            attempts: r.attempts,
            next_attempt_ms: r.nextAttemptMs,
            first_failure_ms: r.firstFailureMs,
          })
          .where('tenant_id', '=', tenantId)
          .where('subscription_id', '=', subscriptionId)
          .where('item_id', '=', r.itemId)
          .execute();
      }
      for (let i = 0; i < o.drop.length; i += CHUNK) {
        await trx
          .deleteFrom('notification_queue')
          .where('tenant_id', '=', tenantId)
          .where('subscription_id', '=', subscriptionId)
          .where('item_id', 'in', o.drop.slice(i, i + CHUNK))
          .execute();
      }
      if (o.missedAtMs !== undefined) {
        await queueLifecycle(trx, { tenantId, id: subscriptionId }, 'missed', o.missedAtMs);
      }
    });
  }

  async pending(
    tenantId: string,
  ): Promise<{ subscriptionId: string; items: number; nextAttemptMs: number }[]> {
    const rows = await this.#db
      .selectFrom('notification_queue')
      .select('subscription_id')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('next_attempt_ms').as('next')])
      .where('tenant_id', '=', tenantId)
      .groupBy('subscription_id')
      .orderBy('subscription_id')
      .execute();
    return rows.map((r) => ({
      subscriptionId: r.subscription_id,
      items: Number(r.n),
      nextAttemptMs: Number(r.next),
    }));
  }
}
