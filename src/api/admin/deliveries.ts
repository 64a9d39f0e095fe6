// GET /admin/tenants/{tenantId}/deliveries: recent webhook attempts (validation handshakes, notifications,
// lifecycle notifications) with status and latency, newest first, and what each subscription still has queued.
import type { FastifyInstance } from 'fastify';
import { GraphError, badRequest } from '../../errors.js';
import type { Store } from '../../store/index.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (ms: number) => new Date(ms).toISOString();

type Query = { limit?: string; subscriptionId?: string };

export function registerDeliveryRoutes(app: FastifyInstance, store: Store): void {
  app.get<{ Params: { tenantId: string }; Querystring: Query }>(
    '/tenants/:tenantId/deliveries',
    async (request) => {
      const tenantId = request.params.tenantId.toLowerCase();
      if (!GUID.test(tenantId) || !(await store.getTenant(tenantId))) {
        throw new GraphError('tenantNotFound', {
          message: `Tenant '${request.params.tenantId}' does not exist.`,
        });
      }
      const limit = request.query.limit === undefined ? 100 : Number(request.query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw badRequest('limit must be an integer from 1 to 1000.');
      }
      const subscriptionId = request.query.subscriptionId?.toLowerCase();
      const attempts = await store.subscriptions.listAttempts(tenantId, {
        limit,
        ...(subscriptionId ? { subscriptionId } : {}),
      });
      const pending = await store.notifications.pending(tenantId);
      return {
        value: attempts.map((a) => ({
          id: a.id,
          subscriptionId: a.subscriptionId,
          kind: a.kind,
          url: a.url,
          attempt: a.attempt,
          items: a.items,
          status: a.status,
          outcome: a.outcome,
          latencyMs: a.latencyMs,
          ingestToDeliveryMs: a.ingestLatencyMs,
          error: a.error,
          dateTime: iso(a.atMs),
        })),
        pending: pending
          .filter((p) => !subscriptionId || p.subscriptionId === subscriptionId)
          .map((p) => ({
            subscriptionId: p.subscriptionId,
            items: p.items,
            nextAttemptDateTime: iso(p.nextAttemptMs),
          })),
      };
    },
  );
}
