// The log of webhook attempts (validation handshakes, notifications, lifecycle notifications) behind
// GET /admin/tenants/{id}/deliveries; each tenant keeps its newest attempts. Portable Kysely.
import type { Kysely, Selectable } from 'kysely';
import type { WebhookDeliveriesTable } from './schema.js';
import type { Database } from '../schema.js';

export interface DeliveryAttempt {
  tenantId: string;
  id: string;
  subscriptionId: string;
  kind: 'validation' | 'notification' | 'lifecycle';
  url: string;
  attempt: number;
  items: number;
  status: number | null;
  outcome: 'delivered' | 'failed' | 'dropped' | 'validated' | 'rejected';
  latencyMs: number;
  ingestLatencyMs: number | null;
  error: string | null;
  atMs: number;
  realMs: number;
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function attemptFromRow(r: Selectable<WebhookDeliveriesTable>): DeliveryAttempt {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    subscriptionId: r.subscription_id,
    kind: r.kind as DeliveryAttempt['kind'],
    url: r.url,
    attempt: Number(r.attempt),
    items: Number(r.items),
    status: num(r.status),
    outcome: r.outcome as DeliveryAttempt['outcome'],
    latencyMs: Number(r.latency_ms),
    ingestLatencyMs: num(r.ingest_latency_ms),
    error: r.error,
    atMs: Number(r.at_ms),
    realMs: Number(r.real_ms),
  };
}

export async function insertAttempt(db: Kysely<Database>, a: DeliveryAttempt): Promise<void> {
  await db
    .insertInto('webhook_deliveries')
    .values({
      tenant_id: a.tenantId,
      id: a.id,
      subscription_id: a.subscriptionId,
      kind: a.kind,
      url: a.url,
      attempt: a.attempt,
      items: a.items,
      status: a.status,
      outcome: a.outcome,
      latency_ms: a.latencyMs,
      ingest_latency_ms: a.ingestLatencyMs,
      error: a.error,
      at_ms: a.atMs,
      real_ms: a.realMs,
    })
    .execute();
}

export async function listAttempts(
  db: Kysely<Database>,
  tenantId: string,
  o: { limit: number; subscriptionId?: string },
): Promise<DeliveryAttempt[]> {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('tenant_id', '=', tenantId);
  if (o.subscriptionId !== undefined) q = q.where('subscription_id', '=', o.subscriptionId);
  const rows = await q.orderBy('real_ms', 'desc').orderBy('id', 'desc').limit(o.limit).execute();
  return rows.map(attemptFromRow);
}

export async function trimAttempts(db: Kysely<Database>, keep: number): Promise<void> {
  const tenants = await db.selectFrom('webhook_deliveries').select('tenant_id').distinct().execute();
  for (const { tenant_id } of tenants) {
    const cutoff = await db
      .selectFrom('webhook_deliveries')
      .select('real_ms')
      .where('tenant_id', '=', tenant_id)
      .orderBy('real_ms', 'desc')
      .limit(1)
      .offset(keep)
      .executeTakeFirst();
    if (!cutoff) continue;
    await db
      .deleteFrom('webhook_deliveries')
      .where('tenant_id', '=', tenant_id)
      .where('real_ms', '<=', Number(cutoff.real_ms))
      .execute();
  }
}
