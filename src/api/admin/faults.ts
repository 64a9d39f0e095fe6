// GET/POST/DELETE /admin/faults (fault injection rules) and GET /admin/tenants/{tenantId}/throttling-report
// (apps that retried before their Retry-After had passed).
import type { FastifyInstance } from 'fastify';
import { badRequest, GraphError } from '../../errors.js';
import { parseFaultRules, type Resilience } from '../../resilience/index.js';
import type { Store } from '../../store/index.js';

export function registerFaultRoutes(app: FastifyInstance, r: Resilience, store: Store): void {
  const view = () => ({ seed: r.faults.seed, rules: r.faults.list() });
  app.get('/faults', () => view());
  // One rule, or {"rules": [...]}; answers the rules added, with their ids.
  app.post('/faults', async (request, reply) => {
    const input = request.body;
    const many = typeof input === 'object' && input !== null && 'rules' in input ? input.rules : [input];
    let rules;
    try {
      const parsed = parseFaultRules(many);
      rules = r.rules ? await r.rules.add(parsed) : r.faults.add(parsed);
    } catch (err) {
      throw badRequest(`Invalid fault rule: ${(err as Error).message}`);
    }
    request.log.warn({ faults: rules.map((f) => f.id) }, 'fault injection rules added');
    return reply.code(201).send({ rules });
  });
  app.delete('/faults', async (request, reply) => {
    if (r.rules) await r.rules.clear();
    else r.faults.clear();
    request.log.warn('fault injection rules cleared');
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>('/faults/:id', async (request, reply) => {
    const removed = r.rules ? await r.rules.remove(request.params.id) : r.faults.remove(request.params.id);
    if (!removed) throw new GraphError('faultNotFound');
    return reply.code(204).send();
  });
  app.get<{ Params: { tenantId: string } }>('/tenants/:tenantId/throttling-report', async (request) => {
    const { tenantId } = request.params;
    if (!(await store.getTenant(tenantId))) throw new GraphError('tenantNotFound');
    return {
      tenantId,
      throttling: r.throttler ? r.throttler.profile.name : 'off',
      throttledApps: r.compliance.throttledApps(tenantId),
      earlyRetries: r.compliance.report(tenantId),
    };
  });
}
