// request-id and client-request-id, as Graph sends them: the client's id is echoed, or equals request-id.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { batchParentOf } from './graph/batch-context.js';

declare module 'fastify' {
  interface FastifyRequest {
    clientRequestId: string;
  }
}

/** Client ids are echoed into headers and logs, so only a bounded, header-safe form is accepted. */
const SAFE_ID = /^[\w.:-]{1,128}$/;

/** A new id; an inner request of a JSON batch takes the batch's, as Graph's inner errors show. */
export function genRequestId(raw?: IncomingMessage): string {
  return (raw && batchParentOf(raw)?.requestId) ?? randomUUID();
}

export function registerRequestIds(app: FastifyInstance): void {
  app.decorateRequest('clientRequestId', '');
  app.addHook('onRequest', (request, reply, done) => {
    const sent = request.headers['client-request-id'];
    const clientId = typeof sent === 'string' && SAFE_ID.test(sent) ? sent : request.id;
    request.clientRequestId = clientId;
    void reply.header('request-id', request.id).header('client-request-id', clientId);
    done();
  });
}
