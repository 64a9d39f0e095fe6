// The link from an inner request of a JSON batch to the batch. Each inner request runs through the whole pipeline
// as a request of its own (Fastify's inject), but belongs to the outer one: it carries the batch's request id and
// client-request-id (Graph's inner errors show the batch's), its links use the batch's origin, it rides on the
// outer connection's backpressure slot, and an injected connection drop drops the outer connection. The link
// travels on the raw request's prototype, where no client can put it.
import { IncomingMessage } from 'node:http';

export interface BatchParent {
  requestId: string;
  clientRequestId: string;
  /** e.g. https://host:port: the scheme and host of the batch request, for inner nextLinks and contexts. */
  origin: string;
  /** Destroys the outer connection (an injected `drop` fault on an inner request). */
  drop(): void;
}

const PARENT = Symbol('callrecords.batchParent');

/** A request class for Fastify's inject (light-my-request's `Request` option) whose instances carry the parent. */
export function innerRequestClass(parent: BatchParent): typeof IncomingMessage {
  class InnerRequest extends IncomingMessage {}
  Object.defineProperty(InnerRequest.prototype, PARENT, { value: parent });
  return InnerRequest;
}

/** The batch an inner request belongs to; undefined for a request that came over the network. */
export function batchParentOf(raw: IncomingMessage): BatchParent | undefined {
  return (raw as unknown as Record<symbol, BatchParent | undefined>)[PARENT];
}
