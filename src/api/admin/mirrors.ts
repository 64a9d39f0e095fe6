// The mirrors' status (GET /admin/mirrors, GET /admin/tenants/{id}/mirror) and each tenant's retention
// (GET/PUT/DELETE /admin/tenants/{id}/retention): days, null for unlimited, or the server's when none is set.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { badRequest, GraphError } from '../../errors.js';
import type { TenantRetention } from '../../jobs/retention.js';
import type { MirrorStateRow, Store } from '../../store/index.js';

type TenantParams = { Params: { tenantId: string } };

const retentionBody = z.object({ days: z.number().int().min(1).max(36_500).nullable() }).strict();

function view(row: MirrorStateRow, retention: TenantRetention): Record<string, unknown> {
  return {
    ...(JSON.parse(row.status) as Record<string, unknown>),
    updatedAt: new Date(row.updatedMs).toISOString(),
    retentionDays: retention.daysFor(row.tenantId),
  };
}

export function registerMirrorRoutes(app: FastifyInstance, store: Store, retention: TenantRetention): void {
  const tenant = async (raw: string) => {
    const tenantId = raw.toLowerCase();
    if (!(await store.getTenant(tenantId))) {
      throw new GraphError('tenantNotFound', { message: `Tenant '${tenantId}' does not exist.` });
    }
    return tenantId;
  };
  app.get('/mirrors', async () => ({
    value: (await store.mirror.listStates()).map((r) => view(r, retention)),
  }));
  app.get<TenantParams>('/tenants/:tenantId/mirror', async (request) => {
    const row = await store.mirror.getState(await tenant(request.params.tenantId));
    if (!row) throw new GraphError('itemNotFound', { message: 'This tenant is not mirrored.' });
    return view(row, retention);
  });
  app.get<TenantParams>('/tenants/:tenantId/retention', async (request) => {
    const tenantId = await tenant(request.params.tenantId);
    const own = await store.mirror.getRetention(tenantId);
    return { tenantId, days: own === undefined ? retention.defaultDays : own, own: own !== undefined };
  });
  app.put<TenantParams>('/tenants/:tenantId/retention', async (request) => {
    const tenantId = await tenant(request.params.tenantId);
    const parsed = retentionBody.safeParse(request.body);
    if (!parsed.success) {
      throw badRequest(
        'The body must be {"days": <whole number of days from 1 to 36500>} or {"days": null} (unlimited).',
      );
    }
    await store.mirror.setRetention(tenantId, parsed.data.days);
    await retention.reload();
    return { tenantId, days: parsed.data.days, own: true };
  });
  app.delete<TenantParams>('/tenants/:tenantId/retention', async (request) => {
    const tenantId = await tenant(request.params.tenantId);
    await store.mirror.setRetention(tenantId, undefined);
    await retention.reload();
    return { tenantId, days: retention.defaultDays, own: false };
  });
}
