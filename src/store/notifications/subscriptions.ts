// Subscriptions and their lifecycle (expiry, removal, reauthorization), plus the log of webhook attempts. Removal
// and the lifecycle notification it queues happen in one transaction. Portable Kysely (SQLite and PostgreSQL).
import type { Kysely, Selectable, Transaction } from 'kysely';
import { insertAttempt, listAttempts, trimAttempts, type DeliveryAttempt } from './delivery-log.js';
import type { Database } from '../schema.js';
import type { SubscriptionsTable } from './schema.js';

export type { DeliveryAttempt };

export interface SubscriptionRecord {
  tenantId: string;
  id: string;
  appId: string;
  creatorId: string | null;
  resource: string;
  participantId: string | null;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleUrl: string | null;
  latestTls: string | null;
  notificationUrlAppId: string | null;
  expirationMs: number;
  expirationSetMs: number;
  createdMs: number;
  createdRealMs: number;
  reauthForMs: number | null;
  removedMs: number | null;
  removedReason: string | null;
}

export interface SubscriptionStore {
  create(s: SubscriptionRecord): Promise<void>;
  /** A subscription in any state (removed ones until purged). */
  get(tenantId: string, id: string): Promise<SubscriptionRecord | undefined>;
  /** Live (not removed) subscriptions of a tenant, of one app when given, by creation time. */
  listLive(tenantId: string, appId?: string): Promise<SubscriptionRecord[]>;
  /** Every subscription (removed ones included), of one tenant when given: for the CLI. */
  listAll(tenantId?: string): Promise<SubscriptionRecord[]>;
  update(
    tenantId: string,
    id: string,
    patch: { expirationMs?: number; expirationSetMs?: number; notificationUrl?: string },
  ): Promise<void>;
  /** Marks it removed, drops its undelivered changes, queues subscriptionRemoved; false if not live. */
  remove(tenantId: string, id: string, o: { nowMs: number; reason: string }): Promise<boolean>;
  /** Removes the live subscriptions whose expiration has passed; returns them. */
  expireDue(nowMs: number): Promise<SubscriptionRecord[]>;
  /** Queues reauthorizationRequired once per expiration, `leadMs` (at most half the lifetime) before it. */
  queueReauthorization(nowMs: number, leadMs: number): Promise<number>;
  /** Deletes removed subscriptions that have nothing left to deliver. */
  purgeRemoved(): Promise<number>;
  logAttempt(a: DeliveryAttempt): Promise<void>;
  /** The newest attempts first. */
  listAttempts(tenantId: string, o: { limit: number; subscriptionId?: string }): Promise<DeliveryAttempt[]>;
  /** Keeps the newest `keep` attempts of each tenant. */
  trimAttempts(keep: number): Promise<void>;
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function fromRow(r: Selectable<SubscriptionsTable>): SubscriptionRecord {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    appId: r.app_id,
    creatorId: r.creator_id,
    resource: r.resource,
    participantId: r.participant_id,
    changeType: r.change_type,
    clientState: r.client_state,
    notificationUrl: r.notification_url,
    lifecycleUrl: r.lifecycle_url,
    latestTls: r.latest_tls,
    notificationUrlAppId: r.notification_url_app_id,
    expirationMs: Number(r.expiration_ms),
    expirationSetMs: Number(r.expiration_set_ms),
    createdMs: Number(r.created_ms),
    createdRealMs: Number(r.created_real_ms),
    reauthForMs: num(r.reauth_for_ms),
    removedMs: num(r.removed_ms),
    removedReason: r.removed_reason,
  };
}

/** Queues a lifecycle notification for a subscription (inside the caller's transaction). */
export async function queueLifecycle(
  trx: Transaction<Database>,
  s: { tenantId: string; id: string },
  event: 'missed' | 'subscriptionRemoved' | 'reauthorizationRequired',
  nowMs: number,
): Promise<void> {
  await trx
    .insertInto('notification_queue')
    .values({
      tenant_id: s.tenantId,
      subscription_id: s.id,
      item_id: `${event}@${nowMs}`,
      event,
      record_id: null,
      due_ms: nowMs,
      next_attempt_ms: nowMs,
      attempts: 0,
      first_failure_ms: null,
      written_ms: Date.now(),
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'subscription_id', 'item_id']).doNothing())
    .execute();
}

export class KyselySubscriptionStore implements SubscriptionStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async create(s: SubscriptionRecord): Promise<void> {
    await this.#db
      .insertInto('subscriptions')
      .values({
        tenant_id: s.tenantId,
        id: s.id,
        app_id: s.appId,
        creator_id: s.creatorId,
        resource: s.resource,
        participant_id: s.participantId,
        change_type: s.changeType,
        client_state: s.clientState,
        notification_url: s.notificationUrl,
        lifecycle_url: s.lifecycleUrl,
        latest_tls: s.latestTls,
        notification_url_app_id: s.notificationUrlAppId,
        expiration_ms: s.expirationMs,
        expiration_set_ms: s.expirationSetMs,
        created_ms: s.createdMs,
        created_real_ms: s.createdRealMs,
        reauth_for_ms: s.reauthForMs,
        removed_ms: s.removedMs,
        removed_reason: s.removedReason,
      })
      .execute();
  }

  async get(tenantId: string, id: string): Promise<SubscriptionRecord | undefined> {
    const r = await this.#db
      .selectFrom('subscriptions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r && fromRow(r);
  }

  async listLive(tenantId: string, appId?: string): Promise<SubscriptionRecord[]> {
    let q = this.#db
      .selectFrom('subscriptions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('removed_ms', 'is', null);
    if (appId !== undefined) q = q.where('app_id', '=', appId);
    return (await q.orderBy('created_ms').orderBy('id').execute()).map(fromRow);
  }

  async listAll(tenantId?: string): Promise<SubscriptionRecord[]> {
    let q = this.#db.selectFrom('subscriptions').selectAll();
    if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
    return (await q.orderBy('tenant_id').orderBy('created_ms').orderBy('id').execute()).map(fromRow);
  }

  async update(
    tenantId: string,
    id: string,
    patch: { expirationMs?: number; expirationSetMs?: number; notificationUrl?: string },
  ): Promise<void> {
    await this.#db
      .updateTable('subscriptions')
      .set({
        ...(patch.expirationMs === undefined ? {} : { expiration_ms: patch.expirationMs }),
        ...(patch.expirationSetMs === undefined ? {} : { expiration_set_ms: patch.expirationSetMs }),
        ...(patch.notificationUrl === undefined ? {} : { notification_url: patch.notificationUrl }),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async remove(tenantId: string, id: string, o: { nowMs: number; reason: string }): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const s = await trx
        .selectFrom('subscriptions')
        .select(['lifecycle_url'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('removed_ms', 'is', null)
        .executeTakeFirst();
      if (!s) return false;
      await trx
        .updateTable('subscriptions')
        .set({ removed_ms: o.nowMs, removed_reason: o.reason })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
      // Changes not delivered yet are not sent after removal (Graph stops delivering too).
      await trx
        .deleteFrom('notification_queue')
        .where('tenant_id', '=', tenantId)
        .where('subscription_id', '=', id)
        .where('event', 'in', ['created', 'updated'])
        .execute();
      if (s.lifecycle_url !== null) {
        await queueLifecycle(trx, { tenantId, id }, 'subscriptionRemoved', o.nowMs);
      }
      return true;
    });
  }

  async expireDue(nowMs: number): Promise<SubscriptionRecord[]> {
    const due = await this.#db
      .selectFrom('subscriptions')
      .selectAll()
      .where('removed_ms', 'is', null)
      .where('expiration_ms', '<=', nowMs)
      .orderBy('expiration_ms')
      .limit(500)
      .execute();
    const removed: SubscriptionRecord[] = [];
    for (const r of due) {
      if (await this.remove(r.tenant_id, r.id, { nowMs, reason: 'expired' })) removed.push(fromRow(r));
    }
    return removed;
  }

  async queueReauthorization(nowMs: number, leadMs: number): Promise<number> {
    const candidates = await this.#db
      .selectFrom('subscriptions')
      .selectAll()
      .where('removed_ms', 'is', null)
      .where('lifecycle_url', 'is not', null)
      .where('expiration_ms', '<=', nowMs + leadMs)
      .where((eb) =>
        eb.or([eb('reauth_for_ms', 'is', null), eb('reauth_for_ms', '<>', eb.ref('expiration_ms'))]),
      )
      .limit(500)
      .execute();
    let queued = 0;
    for (const r of candidates.map(fromRow)) {
      const lead = Math.min(leadMs, (r.expirationMs - r.expirationSetMs) / 2);
      if (nowMs < r.expirationMs - lead) continue;
      await this.#db.transaction().execute(async (trx) => {
        await queueLifecycle(trx, r, 'reauthorizationRequired', nowMs);
        await trx
          .updateTable('subscriptions')
          .set({ reauth_for_ms: r.expirationMs })
          .where('tenant_id', '=', r.tenantId)
          .where('id', '=', r.id)
          .execute();
      });
      queued += 1;
    }
    return queued;
  }

  async purgeRemoved(): Promise<number> {
    const gone = await this.#db
      .selectFrom('subscriptions as s')
      .select(['s.tenant_id', 's.id'])
      .where('s.removed_ms', 'is not', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('notification_queue as q')
              .select('q.item_id')
              .whereRef('q.tenant_id', '=', 's.tenant_id')
              .whereRef('q.subscription_id', '=', 's.id'),
          ),
        ),
      )
      .limit(500)
      .execute();
    for (const g of gone) {
      await this.#db.transaction().execute(async (trx) => {
        for (const table of ['notification_seen', 'notification_queue'] as const) {
          await trx
            .deleteFrom(table)
            .where('tenant_id', '=', g.tenant_id)
            .where('subscription_id', '=', g.id)
            .execute();
        }
        await trx
          .deleteFrom('subscriptions')
          .where('tenant_id', '=', g.tenant_id)
          .where('id', '=', g.id)
          .execute();
      });
    }
    return gone.length;
  }

  logAttempt(a: DeliveryAttempt): Promise<void> {
    return insertAttempt(this.#db, a);
  }

  listAttempts(tenantId: string, o: { limit: number; subscriptionId?: string }): Promise<DeliveryAttempt[]> {
    return listAttempts(this.#db, tenantId, o);
  }

  trimAttempts(keep: number): Promise<void> {
    return trimAttempts(this.#db, keep);
  }
}
