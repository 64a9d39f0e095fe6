// Requests Node's HTTP parser refuses before Fastify sees them (headers over the limit, a request that took too long
// to arrive, malformed HTTP: NUL in the path, Content-Length with Transfer-Encoding, bare LF) still get Graph's error
// envelope, written straight to the socket, with a request-id like every other answer.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_CATALOG, type ErrorKey } from '../../errors.js';
import { graphDate } from '../errors.js';

function keyFor(code: string | undefined): ErrorKey {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'requestTimeout';
  if (code === 'HPE_HEADER_OVERFLOW') return 'headersTooLarge';
  return 'badRequest';
}

/** The raw HTTP response for a parser-level error. */
export function clientErrorResponse(code: string | undefined, now = Date.now()): string {
  const entry = ERROR_CATALOG[keyFor(code)];
  const id = randomUUID();
  const body = JSON.stringify({
    error: {
      code: entry.code,
      message: entry.message,
      innerError: { date: graphDate(now), 'request-id': id, 'client-request-id': id },
    },
  });
  return [
    `HTTP/1.1 ${entry.status} ${STATUS_CODES[entry.status] ?? ''}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `request-id: ${id}`,
    `client-request-id: ${id}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Fastify's `clientErrorHandler`: answer in Graph's shape when nothing else is being written, then close. */
export function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // A response already under way on this connection cannot be followed by another one: just close.
  const inProgress = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inProgress?.headersSent) socket.end(clientErrorResponse(err.code));
  else socket.destroy();
}
