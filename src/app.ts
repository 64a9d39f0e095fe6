// The composition root: builds the Fastify app with its dependencies. It never listens (main does).
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuth } from './auth/hook.js';
import { registerErrorHandling, sendGraphError } from './api/errors.js';
import { GraphError } from './errors.js';
import { registerGraphRoutes } from './api/graph/routes.js';
import { genRequestId, registerRequestIds } from './api/request-id.js';
import { systemClock, type Clock } from './clock.js';
import { DEMO_TENANT_ID, type Config } from './config/index.js';
import { Shaper } from './graph/shape/reshape.js';
import { SkipTokenCodec } from './graph/shape/skiptoken.js';
import type { Store } from './store/index.js';

export interface AppDeps {
  store: Store;
  clock?: Clock;
}

export interface App {
  fastify: FastifyInstance;
  /** Set once the server can serve; /healthz answers 503 before. */
  setReady(ready: boolean): void;
}

/** Redacts secrets from request logs: headers that carry credentials never reach a log line. */
const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-admin-key"]'];

export async function buildApp(config: Config, deps: AppDeps): Promise<App> {
  const fastify = Fastify({
    logger: { level: config.logLevel, redact: { paths: REDACT, censor: '[redacted]' } },
    genReqId: genRequestId,
    requestIdHeader: false,
    trustProxy: false,
    bodyLimit: 10 * 1024 * 1024,
    // Errors raised before routing (a malformed URL) skip the hooks, so ids and envelope are set here.
    frameworkErrors: (err, request, reply) => {
      request.clientRequestId = request.id;
      void reply.header('request-id', request.id).header('client-request-id', request.id);
      void sendGraphError(request, reply, new GraphError('badRequest', { message: err.message }));
    },
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 1000 },
  });
  const clock = deps.clock ?? systemClock;
  const key = await deps.store.setSettingIfAbsent('skiptoken-key', randomBytes(32).toString('base64'));
  let ready = false;

  // The pipeline, in order: request ids -> authentication -> Graph routes (OData parsing, store, shaping) ->
  // one error handler for every stage.
  registerRequestIds(fastify);
  registerAuth(fastify, { anonymousTenantId: DEMO_TENANT_ID });
  registerGraphRoutes(fastify, {
    deps: {
      store: deps.store,
      clock,
      tokens: new SkipTokenCodec(Buffer.from(key, 'base64')),
      shapers: { 'v1.0': new Shaper('v1.0'), beta: new Shaper('beta') },
      retentionDays: config.retentionDays,
    },
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    isReady: () => ready,
  });
  fastify.get('/healthz', (_request, reply) =>
    ready
      ? reply.send({ status: 'ok' })
      : reply.code(503).header('retry-after', '1').send({ status: 'starting' }),
  );
  registerErrorHandling(fastify);

  return { fastify, setReady: (r) => (ready = r) };
}
