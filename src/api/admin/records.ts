// Admin routes for tenants and call records: push one record, import NDJSON, delete, purge.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GraphError, badRequest } from '../../errors.js';
import type { CallRecordDocument } from '../../graph/model/index.js';
import { IngestError, normalizeCallRecord } from '../../graph/ingest/normalize.js';
import { importLines } from '../../ingest/import-lines.js';
import type { AdminOptions } from './index.js';

type TenantParams = { Params: { tenantId: string } };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const tenantBody = z.object({
  id: z.string().regex(GUID).optional(),
  displayName: z.string().min(1).max(256),
});

export function registerRecordRoutes(app: FastifyInstance, o: AdminOptions): void {
  const store = o.store;
  const requireTenant = async (tenantId: string) => {
    if (!GUID.test(tenantId) || !(await store.getTenant(tenantId.toLowerCase()))) {
      throw new GraphError('tenantNotFound', { message: `Tenant '${tenantId}' does not exist.` });
    }
    return tenantId.toLowerCase();
  };

  // NDJSON bodies are streamed line by line, never buffered whole.
  app.addContentTypeParser(['application/x-ndjson', 'application/jsonl'], (_request, payload, done) =>
    done(null, payload),
  );

  app.get('/tenants', async () => ({ value: await store.listTenants() }));

  app.post('/tenants', async (request, reply) => {
    const parsed = tenantBody.safeParse(request.body);
    if (!parsed.success) throw badRequest('The body must be {"displayName": "…", "id"?: "<GUID>"}.');
    const id = (parsed.data.id ?? randomUUID()).toLowerCase();
    if (await store.getTenant(id)) throw badRequest(`Tenant '${id}' already exists.`);
    await store.createTenant({ id, displayName: parsed.data.displayName, createdMs: o.clock.now() });
    return reply.code(201).send({ id, displayName: parsed.data.displayName });
  });

  app.delete<TenantParams>('/tenants/:tenantId', async (request, reply) => {
    const tenantId = await requireTenant(request.params.tenantId);
    await store.identity.deleteTenantApps(tenantId);
    await store.deleteTenant(tenantId);
    return reply.code(204).send();
  });

  app.post<TenantParams>('/tenants/:tenantId/purge', async (request) => {
    const tenantId = await requireTenant(request.params.tenantId);
    const records = await store.countAllCallRecords(tenantId);
    let deleted = 0;
    for (let n = -1; n !== 0; deleted += n)
      n = await store.documents.purgeOlderThan(tenantId, Number.MAX_SAFE_INTEGER, 1000);
    return { tenantId, deletedRecords: deleted, before: records };
  });

  app.post<TenantParams>('/tenants/:tenantId/callRecords', async (request, reply) => {
    const tenantId = await requireTenant(request.params.tenantId);
    let doc: CallRecordDocument;
    try {
      doc = normalizeCallRecord(request.body);
    } catch (err) {
      if (err instanceof IngestError) {
        throw badRequest(`The call record is invalid: ${err.message}`, err);
      }
      throw err;
    }
    const [outcome] = await store.upsertCallRecords(tenantId, [doc]);
    if (outcome !== 'ignored') o.onRecordsWritten?.();
    const status = outcome === 'created' ? 201 : 200;
    return reply.code(status).send({
      id: doc.id,
      version: doc.version,
      outcome,
      ...(outcome === 'ignored'
        ? { reason: 'A record with this id and the same or a higher version is stored.' }
        : {}),
    });
  });

  app.delete<{ Params: { tenantId: string; id: string } }>(
    '/tenants/:tenantId/callRecords/:id',
    async (request, reply) => {
      const tenantId = await requireTenant(request.params.tenantId);
      if (!(await store.documents.delete(tenantId, request.params.id))) throw new GraphError('notFound');
      return reply.code(204).send();
    },
  );

  app.post<TenantParams>('/tenants/:tenantId/import', async (request) => {
    const tenantId = await requireTenant(request.params.tenantId);
    const body = request.body as Readable | undefined;
    if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function') {
      throw new GraphError('unsupportedMediaType', { message: 'Send the records as application/x-ndjson.' });
    }
    const summary = await importLines(store, tenantId, body, { maxLineBytes: o.importMaxLineBytes });
    if (summary.created + summary.updated > 0) o.onRecordsWritten?.();
    return summary;
  });
}
