// The Graph routes' resilience step, right after authentication: Retry-After compliance, injected faults, then
// throttling. Returns 'dropped' when a fault destroyed the connection (nothing more may be sent).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/verify.js';
import { GraphError, type ErrorKey } from '../../errors.js';
import type { FaultStatus, InjectedFault, Resilience } from '../../resilience/index.js';
import { batchParentOf } from './batch-context.js';
import type { RequestTarget } from './target.js';

export const FAULT_HEADER = 'x-callrecords-fault';

const FAULT_ERRORS: Record<FaultStatus, ErrorKey> = {
  429: 'throttled',
  500: 'faultInternal',
  502: 'faultBadGateway',
  503: 'faultUnavailable',
  504: 'faultGatewayTimeout',
  507: 'faultInsufficientStorage',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The resource labels fault rules match on. */
function resourcesOf(routed: RequestTarget): string[] {
  if (routed.kind === 'subscriptions') return ['subscriptions'];
  if (routed.kind !== 'resource') return [];
  return routed.target.kind === 'function' ? ['function', routed.target.name] : [routed.target.kind];
}

async function inject(
  r: Resilience,
  fault: InjectedFault,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
): Promise<'dropped' | 'continue'> {
  request.log.warn({ fault: fault.label }, 'fault injected');
  if (fault.latencyMs) await sleep(fault.latencyMs);
  if (fault.drop) {
    void reply.hijack();
    // Inside a JSON batch the connection to drop is the batch's.
    const parent = batchParentOf(request.raw);
    if (parent) parent.drop();
    else request.raw.socket.destroy();
    return 'dropped';
  }
  void reply.header(FAULT_HEADER, fault.label);
  if (fault.status === undefined) return 'continue';
  const headers: Record<string, string> = { [FAULT_HEADER]: fault.label };
  if (fault.retryAfterSeconds) {
    headers['retry-after'] = String(fault.retryAfterSeconds);
    if (fault.status === 429)
      r.compliance.refused(principal.tenantId, principal.appId, fault.retryAfterSeconds);
  }
  throw new GraphError(FAULT_ERRORS[fault.status], { headers });
}

type Step = 'dropped' | 'continue';

/** 'continue' at once when no fault rule is set and nothing throttles the request (no asynchronous step). */
export function beforeGraphRequest(
  r: Resilience,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  at: { urlPath: string; routed: RequestTarget },
): Step | Promise<Step> {
  r.compliance.observe(principal.tenantId, principal.appId);
  if (r.faults.size === 0 && (!r.throttler || at.routed.kind !== 'resource')) return 'continue';
  return faultsAndThrottling(r, request, reply, principal, at);
}

async function faultsAndThrottling(
  r: Resilience,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  at: { urlPath: string; routed: RequestTarget },
): Promise<Step> {
  if (r.faults.size > 0) {
    const fault = r.faults.forRequest({
      method: request.method,
      path: at.urlPath,
      resources: resourcesOf(at.routed),
      tenantId: principal.tenantId,
      appId: principal.appId,
    });
    if (fault && (await inject(r, fault, request, reply, principal)) === 'dropped') return 'dropped';
  }
  if (!r.throttler || at.routed.kind !== 'resource') return 'continue';
  const outcome = await r.throttler.admit(principal, at.routed.target);
  if (!outcome) return 'continue';
  if (r.rateLimitHeaders) for (const [k, v] of Object.entries(outcome.headers)) void reply.header(k, v);
  if (outcome.allowed) return 'continue';
  r.compliance.refused(principal.tenantId, principal.appId, outcome.retryAfterSeconds);
  request.log.info({ budget: outcome.budget, retryAfter: outcome.retryAfterSeconds }, 'throttled');
  throw new GraphError('throttled', {
    headers: {
      'retry-after': String(outcome.retryAfterSeconds),
      ...(r.rateLimitHeaders ? outcome.headers : {}),
    },
  });
}
