// The composition root: builds the Fastify app with its dependencies. It never listens (main does).
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerErrorHandling, sendGraphError } from './api/errors.js';
import { registerGraphRoutes } from './api/graph/routes.js';
import { genRequestId, registerRequestIds } from './api/request-id.js';
import { buildIdentity, type Identity } from './auth/index.js';
import { registerIdentityRoutes } from './auth/routes.js';
import type { TlsMaterial } from './auth/tls.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config/index.js';
import { GraphError } from './errors.js';
import { Shaper } from './graph/shape/reshape.js';
import { SkipTokenCodec } from './graph/shape/skiptoken.js';
import type { Store } from './store/index.js';

export interface AppDeps {
  store: Store;
  clock?: Clock;
  tls?: TlsMaterial;
}

export interface App {
  fastify: FastifyInstance;
  identity: Identity;
  /** Set once the server can serve; /healthz answers 503 before. */
  setReady(ready: boolean): void;
}

/** Credentials never reach a log line: these request parts are redacted. */
const REDACT = ['req.headers.authorization', 'req.headers.cookie'];

export async function buildApp(config: Config, deps: AppDeps): Promise<App> {
  const options = {
    logger: { level: config.logLevel, redact: { paths: REDACT, censor: '[redacted]' } },
    genReqId: genRequestId,
    requestIdHeader: false as const,
    trustProxy: false,
    bodyLimit: 10 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 1000 },
    // Errors raised before routing (a malformed URL) skip the hooks, so ids and envelope are set here.
    frameworkErrors: (
      err: Error,
      request: Parameters<typeof sendGraphError>[0],
      reply: Parameters<typeof sendGraphError>[1],
    ) => {
      request.clientRequestId = request.id;
      void reply.header('request-id', request.id).header('client-request-id', request.id);
      void sendGraphError(request, reply, new GraphError('badRequest', { message: err.message }));
    },
  };
  const fastify = (
    deps.tls ? Fastify({ ...options, https: { key: deps.tls.key, cert: deps.tls.cert } }) : Fastify(options)
  ) as FastifyInstance;
  const clock = deps.clock ?? systemClock;
  const key = await deps.store.setSettingIfAbsent('skiptoken-key', randomBytes(32).toString('base64'));
  const identity = await buildIdentity(config, deps.store, clock);
  let ready = false;
  const publicUrl = config.publicUrl ? { publicUrl: config.publicUrl } : {};

  // The pipeline, in order: request ids -> identity platform routes (token, discovery) | Graph routes
  // (authentication -> resource path -> roles -> OData options -> store -> shaping) -> one error handler.
  registerRequestIds(fastify);
  registerIdentityRoutes(fastify, {
    store: deps.store,
    clock,
    keys: identity.keys,
    issuer: identity.issuer,
    clients: identity.clients,
    limiter: identity.limiter,
    ...publicUrl,
  });
  registerGraphRoutes(fastify, {
    deps: {
      store: deps.store,
      clock,
      tokens: new SkipTokenCodec(Buffer.from(key, 'base64')),
      shapers: { 'v1.0': new Shaper('v1.0'), beta: new Shaper('beta') },
      retentionDays: config.retentionDays,
    },
    auth: identity.authenticator,
    isReady: () => ready,
    ...publicUrl,
  });
  fastify.get('/healthz', (_request, reply) =>
    ready
      ? reply.send({ status: 'ok' })
      : reply.code(503).header('retry-after', '1').send({ status: 'starting' }),
  );
  registerErrorHandling(fastify);

  return { fastify, identity, setReady: (r) => (ready = r) };
}
