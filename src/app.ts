// The composition root: builds the Fastify app with its dependencies. It never listens (main does).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { registerErrorHandling, sendGraphError } from './api/errors.js';
import { registerGraphRoutes } from './api/graph/routes.js';
import { graphErrorOf } from './api/framework-errors.js';
import {
  fastifyLimitOptions,
  nodeServerOptions,
  registerBackpressure,
  registerJsonBody,
} from './api/http/index.js';
import { stdoutLineWriter } from './api/log-destination.js';
import { genRequestId, registerRequestIds } from './api/request-id.js';
import { buildIdentity, type Identity } from './auth/index.js';
import { identityNotFound, registerIdentityRoutes } from './auth/routes.js';
import type { TlsMaterial } from './auth/tls.js';
import { savedClock, type VirtualClock } from './clock.js';
import { registerAdminRoutes } from './api/admin/index.js';
import { registerUiRoutes } from './api/ui/static.js';
import {
  DEFAULT_NOTIFICATION_DELAY_SECONDS,
  DEFAULT_RECORD_DELAY_SECONDS,
  type Config,
} from './config/index.js';
import { GraphError } from './errors.js';
import { KeyReload } from './jobs/key-reload.js';
import { RetentionPurge, TenantRetention } from './jobs/retention.js';
import { startMirrorJobs } from './jobs/mirrors.js';
import { Shaper } from './graph/shape/reshape.js';
import { SkipTokenCodec } from './graph/shape/skiptoken.js';
import { CallSimulator, RecordDispatcher } from './simulate/index.js';
import { Notifier, SubscriptionService } from './notify/index.js';
import { OutboundPolicy, type Resolver } from './net/outbound-policy.js';
import { buildResilience, parseFaultRules, SharedFaultRules, type Resilience } from './resilience/index.js';
import { buildCoordination, type Coordination } from './coord/index.js';
import { CLOCK_TOPIC, Poller, SharedClock } from './coord/sync.js';
import type { Store } from './store/index.js';

export interface AppDeps {
  store: Store;
  /** The server's clock; the admin API can move it. Default: the one the admin API saved, else real time. */
  clock?: VirtualClock;
  tls?: TlsMaterial;
  /** Where log lines go (default stdout); tests pass a stream to inspect them. */
  logStream?: { write(line: string): void };
  /** Resolves the names of outbound requests (default: the system resolver); tests pass their own. */
  resolver?: Resolver;
  /** What instances share (default: Redis when `redisUrl` is configured, else this process alone). */
  coordination?: Coordination;
}

export interface App {
  fastify: FastifyInstance;
  clock: VirtualClock;
  identity: Identity;
  /** Delivers simulated call records at their arrival time; started here, stopped when fastify closes. */
  dispatcher: RecordDispatcher;
  /** Delivers change notifications from the store's outbox; started here, stopped when fastify closes. */
  notifier: Notifier;
  /** Deletes records past the retention window; started here, stopped when fastify closes. */
  retention: RetentionPurge;
  /** Throttling, fault injection and Retry-After compliance. */
  resilience: Resilience;
  /** What this instance shares with the others (Redis), or keeps for itself. */
  coordination: Coordination;
  /** This instance's name in webhook claims and job leases. */
  instanceId: string;
  /** Set once the server can serve; /healthz answers 503 before. */
  setReady(ready: boolean): void;
}

/** Query parameters that may carry credentials; their values are replaced before a URL is logged. */
const SECRET_PARAMS =
  /([?&](?:client_secret|client_assertion|access_token|code|assertion|password|refresh_token)=)[^&#]*/gi;

/**
 * What a log line says of a request. Credentials never reach a log line: no header is logged (so neither the
 * Authorization header nor a cookie), and credential query parameters are replaced. This serializer, not a
 * redaction pass over every line, is the guard: redaction walked each line for headers it could never hold.
 */
function requestForLog(request: { method: string; url: string; host?: string; ip?: string }) {
  const url = request.url;
  return {
    method: request.method,
    url: url.includes('?') ? url.replace(SECRET_PARAMS, '$1[redacted]') : url,
    host: request.host,
    remoteAddress: request.ip,
  };
}

/**
 * One log line per request, written when it completes (method, URL, status, time); Fastify's own 'incoming
 * request' line moves to debug. Two lines a request were a measurable share of a small request's cost.
 */
class RequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const responseTime = reply.elapsedTime;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime }, 'request completed');
  }
}

export async function buildApp(config: Config, deps: AppDeps): Promise<App> {
  const clock = deps.clock ?? (await savedClock(deps.store));
  const coord = deps.coordination ?? (await buildCoordination(config));
  const instanceId = config.instanceId ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
  const identityPathError = identityNotFound(clock);
  const options = {
    logger: {
      level: config.logLevel,
      serializers: { req: requestForLog },
      stream: deps.logStream ?? stdoutLineWriter(),
    },
    logController: new RequestLog(),
    genReqId: genRequestId,
    requestIdHeader: false as const,
    trustProxy: false,
    ...fastifyLimitOptions(config),
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 1000 },
    // Errors raised before routing (a malformed URL) skip the hooks, so ids and envelope are set here.
    frameworkErrors: (
      err: Error,
      request: Parameters<typeof sendGraphError>[0],
      reply: Parameters<typeof sendGraphError>[1],
    ) => {
      request.clientRequestId = request.id;
      void reply.header('request-id', request.id).header('client-request-id', request.id);
      // A tenant segment over the router's limit on the token endpoint: the identity platform's answer.
      if (identityPathError(request, reply)) return;
      void sendGraphError(request, reply, graphErrorOf(err as FastifyError) ?? new GraphError('badRequest'));
    },
  };
  const fastify = (
    deps.tls
      ? Fastify({
          ...options,
          https: { key: deps.tls.key, cert: deps.tls.cert, ...nodeServerOptions(config) },
        })
      : Fastify(options)
  ) as FastifyInstance;
  const resilience = buildResilience(
    {
      throttling: config.throttling ?? (config.demo ? 'off' : 'graph'),
      rateLimitHeaders: config.rateLimitHeaders,
      faults: config.faults,
      faultSeed: config.faultSeed,
    },
    clock,
    coord.counters,
  );
  // Fault rules live in the store, so every instance serves the same ones (and the admin API changes them all).
  const faultRules = new SharedFaultRules(deps.store, coord.bus, resilience.faults);
  await faultRules.init(parseFaultRules(config.faults));
  resilience.rules = faultRules;
  const key = await deps.store.setSettingIfAbsent('skiptoken-key', randomBytes(32).toString('base64'));
  const identity = await buildIdentity(config, deps.store, clock, coord);
  let ready = false;
  const publicUrl = config.publicUrl ? { publicUrl: config.publicUrl } : {};

  // The pipeline, in order: per-connection backpressure -> request ids -> identity platform routes (token,
  // discovery) | Graph routes (authentication -> resource path -> roles -> OData options -> store -> shaping) ->
  // one error handler.
  registerBackpressure(fastify, {
    maxInFlight: config.maxPipelinedRequests,
    maxBufferedBytes: config.maxBufferedResponseBytes,
  });
  registerRequestIds(fastify);
  registerJsonBody(fastify);
  registerIdentityRoutes(fastify, {
    store: deps.store,
    clock,
    keys: identity.keys,
    issuer: identity.issuer,
    clients: identity.clients,
    limiter: identity.limiter,
    ...publicUrl,
  });
  // Every request the server makes itself goes through this policy (webhooks now; the mirror later).
  const outbound = new OutboundPolicy({
    allowLoopback: config.demo || config.webhookAllowHttp,
    allow: config.outboundAllow,
    ...(deps.resolver ? { lookup: deps.resolver } : {}),
  });
  // Change notifications: the store writes an outbox row with each new record version; the notifier delivers them.
  const notifier = new Notifier({
    store: deps.store,
    clock,
    log: fastify.log,
    delayMs: (config.notificationDelaySeconds ?? DEFAULT_NOTIFICATION_DELAY_SECONDS) * 1000,
    deliveryTimeoutMs: config.webhookDeliveryTimeoutMs,
    maxRetryMs: config.webhookMaxRetrySeconds * 1000,
    concurrency: config.webhookConcurrency,
    outbound,
    instanceId,
    leaseMs: config.webhookLeaseSeconds * 1000,
    deliveryFault: (d) => resilience.faults.forDelivery(d),
  });
  const subscriptions = new SubscriptionService({
    store: deps.store,
    clock,
    log: fastify.log,
    metrics: notifier.metrics,
    allowHttpLoopback: config.demo || config.webhookAllowHttp,
    validationTimeoutMs: config.webhookValidationTimeoutMs,
    outbound,
    maxPerApp: config.maxSubscriptionsPerApp,
    onChange: () => notifier.kick(),
  });
  notifier.start();
  fastify.addHook('onClose', () => notifier.stop());
  const tenantRetention = new TenantRetention(deps.store.mirror, config.retentionDays);
  await tenantRetention.reload();
  tenantRetention.start(30_000, (err) => fastify.log.error({ err }, 'reloading tenant retention failed'));
  fastify.addHook('onClose', () => tenantRetention.stop());
  registerGraphRoutes(fastify, {
    subscriptions,
    deps: {
      store: deps.store,
      clock,
      tokens: new SkipTokenCodec(Buffer.from(key, 'base64')),
      shapers: { 'v1.0': new Shaper('v1.0'), beta: new Shaper('beta') },
      retentionDays: config.retentionDays,
      tenantRetention,
    },
    auth: identity.authenticator,
    isReady: () => ready,
    resilience,
    ...publicUrl,
  });
  // Simulated calls' records wait in the store until the (virtual) clock reaches their arrival time.
  const dispatcher = new RecordDispatcher({
    clock,
    pending: deps.store.pending,
    onDelivered: () => notifier.kick(),
    onError: (err) => fastify.log.error({ err }, 'delivering simulated call records failed'),
    lease: { leases: deps.store.leases, holder: instanceId },
  });
  dispatcher.start();
  fastify.addHook('onClose', () => dispatcher.stop());
  // The virtual clock, as moved by any instance: the store keeps it, the bus or the poll brings it here.
  const sharedClock = new SharedClock({
    clock,
    settings: deps.store,
    bus: coord.bus,
    onChange: async () => {
      await dispatcher.runDue();
      notifier.kick();
    },
    onError: (err) => fastify.log.warn({ err }, 'reading the shared virtual clock failed'),
  });
  await sharedClock.refresh();
  const poller = new Poller(
    config.syncIntervalMs,
    [() => sharedClock.refresh(), () => faultRules.refresh()],
    (err) => fastify.log.warn({ err }, 'reading shared state failed'),
  );
  poller.start();
  fastify.addHook('onClose', () => poller.stop());
  if (config.adminKey) {
    const simulator = new CallSimulator({
      clock,
      calls: coord.calls,
      pending: deps.store.pending,
      recordDelaySeconds: config.recordDelaySeconds ?? DEFAULT_RECORD_DELAY_SECONDS,
      onPending: () => dispatcher.runDue(),
    });
    registerAdminRoutes(fastify, {
      adminKey: config.adminKey,
      failuresPerAddress: config.adminFailuresPerAddress,
      failureWindowMs: config.adminFailureWindowSeconds * 1000,
      failures: coord.failures('admin', config.adminFailureWindowSeconds * 1000),
      importMaxLineBytes: config.importMaxLineBytes,
      store: deps.store,
      clock,
      simulator,
      resilience,
      tenantRetention,
      registry: identity.registry,
      onRecordsWritten: () => notifier.kick(),
      onClockChanged: async () => {
        await dispatcher.runDue();
        notifier.kick();
      },
      onClockSaved: async (state) => {
        sharedClock.saved(state);
        await coord.bus.publish(CLOCK_TOPIC);
      },
    });
  }
  const retention = new RetentionPurge({
    documents: deps.store.documents,
    clock,
    retentionDays: config.retentionDays,
    tenants: {
      retention: tenantRetention,
      list: async () => (await deps.store.listTenants()).map((t) => t.id),
    },
    batch: config.retentionBatch,
    onPurged: (records) => fastify.log.info({ records }, 'retention: purged records'),
    onError: (err) => fastify.log.error({ err }, 'retention purge failed'),
    lease: { leases: deps.store.leases, holder: instanceId },
  });
  retention.start();
  fastify.addHook('onClose', () => retention.stop());
  // Tenants mirrored from an upstream and kept current, each until the server closes.
  const mirrors = startMirrorJobs(config.mirrors, deps.store, fastify.log);
  fastify.addHook('onClose', () => mirrors.stop());
  const keyReload = new KeyReload({
    keys: identity.keys,
    intervalMs: config.keyReloadSeconds * 1000,
    onError: (err) => fastify.log.error({ err }, 'signing key reload failed'),
  });
  keyReload.start();
  fastify.addHook('onClose', () => keyReload.stop());
  // Load balancers probe this: 200 only when the server is ready and its database and Redis (when configured)
  // answer, so an instance that lost either leaves rotation and comes back when they answer again.
  fastify.get('/healthz', async (_request, reply) => {
    if (!ready) return reply.code(503).header('retry-after', '1').send({ status: 'starting' });
    const [db, shared] = await Promise.all([deps.store.health(), coord.health()]);
    const database = {
      backend: db.backend,
      status: db.ok ? 'ok' : 'unavailable',
      latencyMs: db.latencyMs,
      ...(db.error ? { error: db.error } : {}),
    };
    const redis = shared && {
      status: shared.ok ? 'ok' : 'unavailable',
      ...(shared.latencyMs !== undefined ? { latencyMs: shared.latencyMs } : {}),
      ...(shared.error ? { error: shared.error } : {}),
    };
    const ok = db.ok && (shared === undefined || shared.ok);
    const body = { status: ok ? 'ok' : 'unavailable', database, ...(redis ? { redis } : {}) };
    return ok ? reply.send(body) : reply.code(503).header('retry-after', '5').send(body);
  });
  if (!deps.coordination) fastify.addHook('onClose', () => coord.close());
  // The dashboard's page and assets; it reads the admin API, so it is served only when that is on.
  if (config.adminKey) registerUiRoutes(fastify);
  registerErrorHandling(fastify);

  return {
    fastify,
    clock,
    identity,
    dispatcher,
    notifier,
    retention,
    resilience,
    coordination: coord,
    instanceId,
    setReady: (r) => (ready = r),
  };
}
