// The per-subscription delivery queue, fed from the outbox (notification-fanout.ts). Queue items are deleted only
// once a webhook acknowledged them; failures reschedule or drop them in one transaction. Portable Kysely.
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { NotificationQueueTable } from './schema.js';
import { fanOut, type FanOutOptions } from './fanout.js';
import { queueLifecycle } from './subscriptions.js';

export { writeOutbox } from './fanout.js';
export type { ChangeRule, FanOutOptions } from './fanout.js';

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
  /** Fans out up to `limit` outbox rows, each change named by `changeFor`; returns how many were consumed. */
  fanOut(o: FanOutOptions): Promise<number>;
  /**
   * Subscriptions with an item due at `nowMs`, most overdue first, leaving out `exclude` (tenant/id keys) and those
   * another instance is delivering (a claim whose lease lasts past `realNowMs`).
   */
  dueSubscriptions(
    nowMs: number,
    limit: number,
    exclude: ReadonlySet<string>,
    realNowMs?: number,
  ): Promise<{ tenantId: string; subscriptionId: string }[]>;
  /** When the next item becomes due, or undefined when the queue is empty. */
  nextAttemptMs(): Promise<number | undefined>;
  /** Due items of one subscription, oldest first. */
  due(tenantId: string, subscriptionId: string, nowMs: number, max: number): Promise<QueueItem[]>;
  /**
   * Claims the due items of one subscription (oldest first, at most `max`) for `c.owner` until `c.leaseUntilMs`
   * (wall clock), in one transaction, unless another claim on the subscription is live: then none ([]). So each
   * item goes out from one instance per attempt and a subscription never has two deliveries in flight.
   */
  claim(
    tenantId: string,
    subscriptionId: string,
    nowMs: number,
    max: number,
    c: { owner: string; realNowMs: number; leaseUntilMs: number },
  ): Promise<QueueItem[]>;
  /** Gives claimed items back (they were not sent). */
  release(tenantId: string, subscriptionId: string, itemIds: string[]): Promise<void>;
  /** Gives back every claim of an instance (graceful shutdown); returns how many items. */
  releaseAll(owner: string): Promise<number>;
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

export interface QueueOptions {
  /** The database has row locks (`FOR UPDATE SKIP LOCKED`: PostgreSQL); SQLite locks the whole database instead. */
  rowLocks?: boolean;
}

export class KyselyNotificationQueue implements NotificationQueue {
  readonly #db: Kysely<Database>;
  readonly #o: QueueOptions;

  constructor(db: Kysely<Database>, o: QueueOptions = {}) {
    this.#db = db;
    this.#o = o;
  }

  fanOut(o: FanOutOptions): Promise<number> {
    return fanOut(this.#db, o, this.#o.rowLocks);
  }

  async dueSubscriptions(
    nowMs: number,
    limit: number,
    exclude: ReadonlySet<string>,
    realNowMs = Date.now(),
  ): Promise<{ tenantId: string; subscriptionId: string }[]> {
    const rows = await this.#db
      .selectFrom('notification_queue')
      .select(['tenant_id', 'subscription_id'])
      .select((eb) => eb.fn.min('next_attempt_ms').as('next'))
      .where('next_attempt_ms', '<=', nowMs)
      .groupBy(['tenant_id', 'subscription_id'])
      .having((eb) => eb.fn.max(eb.case().when('lease_until', '>', realNowMs).then(1).else(0).end()), '=', 0)
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

  async claim(
    tenantId: string,
    subscriptionId: string,
    nowMs: number,
    max: number,
    c: { owner: string; realNowMs: number; leaseUntilMs: number },
  ): Promise<QueueItem[]> {
    return this.#db.transaction().execute(async (trx) => {
      // SQLite: the transaction holds the write lock from its start (BEGIN IMMEDIATE), so check and claim are one
      // step for every process. PostgreSQL: the subscription's row lock serializes claimers of one subscription.
      if (this.#o.rowLocks) {
        const sub = await trx
          .selectFrom('subscriptions')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', subscriptionId)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!sub) {
          const exists = await trx
            .selectFrom('subscriptions')
            .select('id')
            .where('tenant_id', '=', tenantId)
            .where('id', '=', subscriptionId)
            .executeTakeFirst();
          if (exists) return []; // another instance is claiming this subscription's items right now
        }
      }
      const live = await trx
        .selectFrom('notification_queue')
        .select('item_id')
        .where('tenant_id', '=', tenantId)
        .where('subscription_id', '=', subscriptionId)
        .where('lease_until', '>', c.realNowMs)
        .limit(1)
        .executeTakeFirst();
      if (live) return [];
      let due = trx
        .selectFrom('notification_queue')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('subscription_id', '=', subscriptionId)
        .where('next_attempt_ms', '<=', nowMs)
        .orderBy('due_ms')
        .orderBy('written_ms')
        .orderBy('item_id')
        .limit(max);
      if (this.#o.rowLocks) due = due.forUpdate().skipLocked();
      const rows = await due.execute();
      const ids = rows.map((r) => r.item_id);
      for (let i = 0; i < ids.length; i += CHUNK) {
        await trx
          .updateTable('notification_queue')
          .set({ claimed_by: c.owner, lease_until: c.leaseUntilMs })
          .where('tenant_id', '=', tenantId)
          .where('subscription_id', '=', subscriptionId)
          .where('item_id', 'in', ids.slice(i, i + CHUNK))
          .execute();
      }
      return rows.map(itemFromRow);
    });
  }

  async release(tenantId: string, subscriptionId: string, itemIds: string[]): Promise<void> {
    for (let i = 0; i < itemIds.length; i += CHUNK) {
      await this.#db
        .updateTable('notification_queue')
        .set({ claimed_by: null, lease_until: null })
        .where('tenant_id', '=', tenantId)
        .where('subscription_id', '=', subscriptionId)
        .where('item_id', 'in', itemIds.slice(i, i + CHUNK))
        .execute();
    }
  }

  async releaseAll(owner: string): Promise<number> {
    const r = await this.#db
      .updateTable('notification_queue')
      .set({ claimed_by: null, lease_until: null })
      .where('claimed_by', '=', owner)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
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
            claimed_by: null,
            lease_until: null,
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
