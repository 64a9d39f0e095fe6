// POST /admin/tenants/{tenantId}/generate starts generating realistic data into a tenant (what `callrecords
// generate` does) as a background job; GET /admin/jobs/{id} reports its progress. One job runs at a time; closing
// the server stops it between batches.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { GraphError, badRequest } from '../../errors.js';
import { generateBatches } from '../../generate/worker/index.js';
import type { Store } from '../../store/index.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BATCH = 500;

const body = z.object({
  users: z.number().int().min(1).max(100_000).default(25),
  days: z.number().int().min(1).max(400).default(7),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .default(1),
  callsPerUserPerDay: z.number().min(0.1).max(50).default(1.5),
  poorStreamRate: z.number().min(0).max(1).default(0.03),
});

interface Job {
  id: string;
  tenantId: string;
  state: 'running' | 'succeeded' | 'failed' | 'stopped';
  records: number;
  logRows: number;
  expectedRecords: number;
  startedMs: number;
  finishedMs: number | null;
  error: string | null;
}

const view = (j: Job) => ({
  id: j.id,
  tenantId: j.tenantId,
  state: j.state,
  records: j.records,
  logRows: j.logRows,
  expectedRecords: j.expectedRecords,
  progress:
    j.state === 'succeeded' ? 1 : Math.min(0.99, j.expectedRecords ? j.records / j.expectedRecords : 0),
  startedDateTime: new Date(j.startedMs).toISOString(),
  finishedDateTime: j.finishedMs === null ? null : new Date(j.finishedMs).toISOString(),
  error: j.error,
});

export function registerGenerateRoutes(
  app: FastifyInstance,
  o: { store: Store; clock: Clock; onRecordsWritten?: () => void },
): void {
  const jobs = new Map<string, Job>();
  let running: { job: Job; done: Promise<void> } | undefined;
  let closing = false;
  app.addHook('onClose', async () => {
    closing = true;
    await running?.done;
  });

  app.post<{ Params: { tenantId: string } }>('/tenants/:tenantId/generate', async (request, reply) => {
    const tenantId = request.params.tenantId.toLowerCase();
    if (!GUID.test(tenantId) || !(await o.store.getTenant(tenantId)))
      throw new GraphError('tenantNotFound', {
        message: `Tenant '${request.params.tenantId}' does not exist.`,
      });
    const parsed = body.safeParse(request.body ?? {});
    if (!parsed.success)
      throw badRequest(
        'The body must be {"users"?, "days"?, "seed"?, "callsPerUserPerDay"?, "poorStreamRate"?}.',
      );
    if (running) throw badRequest(`Job ${running.job.id} is still generating; wait for it to finish.`);
    const p = parsed.data;
    const job: Job = {
      id: randomUUID(),
      tenantId,
      state: 'running',
      records: 0,
      logRows: 0,
      expectedRecords: Math.max(1, Math.round(p.users * p.callsPerUserPerDay * p.days * (5 / 7) * 1.05)),
      startedMs: Date.now(),
      finishedMs: null,
      error: null,
    };
    jobs.set(job.id, job);
    const run = async () => {
      try {
        for await (const batch of generateBatches({
          generate: {
            tenantId,
            seed: p.seed,
            users: p.users,
            days: p.days,
            until: new Date(o.clock.now()),
            callsPerUserPerDay: p.callsPerUserPerDay,
            poorStreamRate: p.poorStreamRate,
          },
          batch: BATCH,
          logs: { pstn: true, directRouting: true, sms: true },
        })) {
          await o.store.upsertRecordRows(tenantId, batch.rows);
          await o.store.logs.insert(tenantId, batch.logs);
          job.records += batch.counts.records;
          job.logRows += batch.counts.logRows;
          o.onRecordsWritten?.();
          if (closing) {
            job.state = 'stopped';
            return;
          }
        }
        job.state = 'succeeded';
      } catch (err) {
        job.state = 'failed';
        job.error = (err as Error).message;
        request.log.error({ err }, 'generating data failed');
      } finally {
        job.finishedMs = Date.now();
        running = undefined;
      }
    };
    running = { job, done: run() };
    return reply.code(202).header('location', `/admin/jobs/${job.id}`).send(view(job));
  });

  app.get<{ Params: { id: string } }>('/jobs/:id', (request) => {
    const job = jobs.get(request.params.id.toLowerCase());
    if (!job) throw new GraphError('notFound', { message: `Job '${request.params.id}' does not exist.` });
    return view(job);
  });
}
