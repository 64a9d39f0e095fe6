// The call simulator's admin routes: start a call in Graph's `call` shape, change it (modalities, participants,
// hold), hang it up, list the active ones. A hung-up call becomes a call record after the arrival delay.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { GraphError } from '../../errors.js';
import {
  adminTime,
  callView,
  eventsView,
  participantsView,
  SimulationError,
  type CallSimulator,
  type SimCall,
  type SimIdentity,
} from '../../simulate/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../../clock.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const E164 = /^\+[1-9]\d{6,14}$/;
const SLOTS = ['user', 'phone', 'guest', 'acsUser', 'azureCommunicationServicesUser'] as const;

const identity = z.object({
  id: z.string().min(1).max(200),
  displayName: z.string().max(256).nullable().optional(),
  tenantId: z.string().regex(GUID, 'must be a GUID').nullable().optional(),
});
const identitySet = z
  .object(
    Object.fromEntries(SLOTS.map((s) => [s, identity.optional()])) as Record<
      (typeof SLOTS)[number],
      z.ZodOptional<typeof identity>
    >,
  )
  .superRefine((set, ctx) => {
    const used = SLOTS.filter((s) => set[s] !== undefined);
    if (used.length !== 1)
      ctx.addIssue({ code: 'custom', message: `must have exactly one of ${SLOTS.join(', ')}` });
    const user = set.user;
    if (user && !GUID.test(user.id))
      ctx.addIssue({ code: 'custom', path: ['user', 'id'], message: 'must be a GUID' });
    const phone = set.phone;
    if (phone && !E164.test(phone.id))
      ctx.addIssue({
        code: 'custom',
        path: ['phone', 'id'],
        message: 'must be an E.164 number such as +14255550100',
      });
  });
const participant = z.object({ identity: identitySet });
const modalities = z
  .array(z.enum(['audio', 'video', 'videoBasedScreenSharing']))
  .min(1)
  .refine((m) => m.includes('audio'), 'must include audio')
  .refine((m) => new Set(m).size === m.length, 'must not repeat a modality');

const startBody = z.object({
  source: participant,
  targets: z.array(participant).min(1).max(250),
  requestedModalities: modalities.default(['audio']),
  direction: z.enum(['incoming', 'outgoing']).default('outgoing'),
  subject: z.string().max(1024).nullable().optional(),
  /** Not part of Graph's call: how the simulated call's record evolves. */
  simulation: z
    .strictObject({
      lateUpdateAfterSeconds: z.number().int().min(1).max(604_800).optional(),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .optional(),
    })
    .optional(),
});
const updateBody = z
  .strictObject({
    requestedModalities: modalities.optional(),
    addParticipants: z.array(participant).min(1).max(250).optional(),
    removeParticipants: z.array(z.string().min(1).max(200)).min(1).max(250).optional(),
    hold: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'must change something');

/** A 400 naming the first invalid field, e.g. `targets[0].identity.phone.id: must be an E.164 number`. */
function invalid(error: z.ZodError): GraphError {
  const issues = error.issues.slice(0, 5).map((i) => {
    const path = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    return { path: path.replace(/^\./, '') || '(body)', message: i.message };
  });
  const first = issues[0]!;
  return new GraphError('badRequest', {
    message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
    target: first.path,
    details: issues.map((i) => ({ code: 'InvalidField', message: i.message, target: i.path })),
  });
}

function toIdentity(p: z.infer<typeof participant>, tenantId: string): SimIdentity {
  const slot = SLOTS.find((s) => p.identity[s] !== undefined)!;
  const i = p.identity[slot]!;
  const displayName = i.displayName ?? null;
  if (slot === 'phone') return { kind: 'phone', id: i.id, displayName, tenantId: null, slot };
  const own = (i.tenantId ?? tenantId).toLowerCase();
  const kind =
    slot === 'user' ? (own === tenantId ? 'user' : 'federated') : slot === 'guest' ? 'guest' : 'acs';
  return { kind, id: slot === 'user' ? i.id.toLowerCase() : i.id, displayName, tenantId: own, slot };
}

export interface CallRouteOptions {
  store: Store;
  clock: Clock;
  simulator: CallSimulator;
}

type CallParams = { Params: { tenantId: string; id: string } };
type TenantParams = { Params: { tenantId: string } };

export function registerCallRoutes(app: FastifyInstance, o: CallRouteOptions): void {
  const sim = o.simulator;
  const requireTenant = async (tenantId: string) => {
    if (!GUID.test(tenantId) || !(await o.store.getTenant(tenantId.toLowerCase()))) {
      throw new GraphError('tenantNotFound', { message: `Tenant '${tenantId}' does not exist.` });
    }
    return tenantId.toLowerCase();
  };
  const requireCall = async (params: CallParams['Params']): Promise<SimCall> => {
    const tenantId = await requireTenant(params.tenantId);
    const call = await sim.get(tenantId, params.id);
    if (!call)
      throw new GraphError('callNotFound', { message: `No active call '${params.id}' in this tenant.` });
    return call;
  };
  const simulationError = (err: unknown) =>
    err instanceof SimulationError
      ? new GraphError('badRequest', {
          message: err.field ? `${err.field}: ${err.message}` : err.message,
          ...(err.field ? { target: err.field } : {}),
        })
      : err;

  app.get<TenantParams>('/tenants/:tenantId/calls', async (request) => {
    const tenantId = await requireTenant(request.params.tenantId);
    return { value: (await sim.list(tenantId)).map((c) => callView(sim, c)) };
  });

  app.post<TenantParams>('/tenants/:tenantId/calls', async (request, reply: FastifyReply) => {
    const tenantId = await requireTenant(request.params.tenantId);
    const parsed = startBody.safeParse(request.body ?? {});
    if (!parsed.success) throw invalid(parsed.error);
    const b = parsed.data;
    let call: SimCall;
    try {
      call = await sim.start(tenantId, {
        source: toIdentity(b.source, tenantId),
        targets: b.targets.map((t) => toIdentity(t, tenantId)),
        requestedModalities: b.requestedModalities,
        direction: b.direction,
        subject: b.subject ?? null,
        simulation: b.simulation ?? {},
      });
    } catch (err) {
      throw simulationError(err);
    }
    return reply
      .code(201)
      .header('location', `/admin/tenants/${tenantId}/calls/${call.id}`)
      .send(callView(sim, call));
  });

  app.get<CallParams>('/tenants/:tenantId/calls/:id', async (request) =>
    callView(sim, await requireCall(request.params)),
  );

  app.get<CallParams>('/tenants/:tenantId/calls/:id/participants', async (request) => ({
    value: participantsView(sim, await requireCall(request.params), o.clock.now()),
  }));

  app.get<CallParams>('/tenants/:tenantId/calls/:id/events', async (request) => ({
    value: eventsView(await requireCall(request.params), o.clock.now()),
  }));

  app.patch<CallParams>('/tenants/:tenantId/calls/:id', async (request) => {
    const call = await requireCall(request.params);
    const parsed = updateBody.safeParse(request.body ?? {});
    if (!parsed.success) throw invalid(parsed.error);
    const b = parsed.data;
    let updated: SimCall | undefined;
    try {
      updated = await sim.update(call.tenantId, call.id, {
        ...(b.requestedModalities ? { requestedModalities: b.requestedModalities } : {}),
        ...(b.addParticipants
          ? { addParticipants: b.addParticipants.map((p) => toIdentity(p, call.tenantId)) }
          : {}),
        ...(b.removeParticipants ? { removeParticipants: b.removeParticipants } : {}),
        ...(b.hold !== undefined ? { hold: b.hold } : {}),
      });
    } catch (err) {
      throw simulationError(err);
    }
    if (!updated)
      throw new GraphError('callNotFound', { message: `No active call '${call.id}' in this tenant.` });
    return callView(sim, updated);
  });

  app.delete<CallParams>('/tenants/:tenantId/calls/:id', async (request, reply) => {
    const call = await requireCall(request.params);
    // Another request may have hung up in between: the call is gone either way, but only one records it.
    if (!(await sim.hangUp(call.tenantId, call.id)))
      throw new GraphError('callNotFound', { message: `No active call '${call.id}' in this tenant.` });
    return reply.code(204).send();
  });

  app.get<TenantParams>('/tenants/:tenantId/pendingCallRecords', async (request) => {
    const tenantId = await requireTenant(request.params.tenantId);
    const rows = await o.store.pending.list(tenantId);
    return {
      value: rows.map((r) => ({ id: r.id, version: r.version, availableDateTime: adminTime(r.dueMs) })),
    };
  });
}
