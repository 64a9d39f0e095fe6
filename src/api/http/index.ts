// The HTTP server's limits, in one place: sizes, timeouts, per-connection backpressure, parser-level errors.
import type { Config } from '../../config/index.js';
import { onClientError } from './client-errors.js';

export { registerBackpressure } from './backpressure.js';
export { registerJsonBody } from './json-body.js';

type Limits = Pick<
  Config,
  | 'requestTimeoutMs'
  | 'headersTimeoutMs'
  | 'keepAliveTimeoutMs'
  | 'idleTimeoutMs'
  | 'bodyLimitBytes'
  | 'maxHeaderBytes'
>;

/** Node http(s) server options: set at creation, for the https server too. */
export function nodeServerOptions(c: Limits) {
  return {
    maxHeaderSize: c.maxHeaderBytes,
    requestTimeout: c.requestTimeoutMs,
    headersTimeout: c.headersTimeoutMs,
    // Node enforces both timeouts on this tick (default 30 s); a quarter of the shorter keeps them close to exact.
    connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(c.headersTimeoutMs / 4))),
  };
}

/** Fastify options for the same limits. */
export function fastifyLimitOptions(c: Limits) {
  return {
    bodyLimit: c.bodyLimitBytes,
    requestTimeout: c.requestTimeoutMs,
    keepAliveTimeout: c.keepAliveTimeoutMs,
    connectionTimeout: c.idleTimeoutMs,
    clientErrorHandler: onClientError,
    http: nodeServerOptions(c),
  };
}
