// The one error handler: every failure leaves as a Graph error envelope with the catalog's status and code.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphError, type ErrorDetail } from '../errors.js';
import { SharedStateUnavailableError } from '../coord/types.js';
import { StoreBusyError } from '../store/index.js';
import { graphErrorOf } from './framework-errors.js';

export function graphDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export function errorBody(
  request: FastifyRequest,
  code: string,
  message: string,
  target?: string,
  details?: ErrorDetail[],
): string {
  const clientRequestId = request.clientRequestId;
  return JSON.stringify({
    error: {
      code,
      message,
      ...(target === undefined ? {} : { target }),
      ...(details === undefined ? {} : { details }),
      innerError: {
        date: graphDate(Date.now()),
        'request-id': request.id,
        'client-request-id': clientRequestId,
      },
    },
  });
}

export function sendGraphError(request: FastifyRequest, reply: FastifyReply, err: GraphError): FastifyReply {
  for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
  return reply
    .code(err.status)
    .header('content-type', 'application/json')
    .send(Buffer.from(errorBody(request, err.code, err.message, err.target, err.details)));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof GraphError) return sendGraphError(request, reply, err);
    if (err instanceof StoreBusyError) {
      request.log.warn({ err }, 'database busy');
      return sendGraphError(request, reply, new GraphError('storeBusy', { headers: { 'retry-after': '1' } }));
    }
    if (err instanceof SharedStateUnavailableError) {
      request.log.warn({ err }, 'shared state (Redis) unavailable');
      return sendGraphError(
        request,
        reply,
        new GraphError('sharedStateUnavailable', { headers: { 'retry-after': '1' } }),
      );
    }
    const mapped = graphErrorOf(err);
    if (mapped) return sendGraphError(request, reply, mapped);
    request.log.error({ err }, 'unhandled error');
    return sendGraphError(request, reply, new GraphError('internal'));
  });
  app.setNotFoundHandler((request, reply) => sendGraphError(request, reply, new GraphError('noResource')));
}
