// Bounded work per connection. A client may pipeline many requests and never read the answers; Node parses them
// all and, left alone, each would be answered into memory. Here a connection has at most `maxInFlight` requests
// being worked on, and the next one starts only once the answers already written are being read (the socket's
// unsent bytes under `maxBufferedBytes`). While requests wait, the socket is paused, so no more are read from it.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { batchParentOf } from '../graph/batch-context.js';

export interface BackpressureOptions {
  maxInFlight: number;
  maxBufferedBytes: number;
}

interface Connection {
  active: number;
  waiting: (() => void)[];
  draining: boolean;
}

export function registerBackpressure(app: FastifyInstance, o: BackpressureOptions): void {
  const connections = new WeakMap<Socket, Connection>();

  const pump = (socket: Socket, c: Connection): void => {
    while (c.waiting.length > 0 && c.active < o.maxInFlight) {
      if (socket.writableLength > o.maxBufferedBytes && !socket.destroyed) {
        if (!c.draining) {
          c.draining = true;
          socket.once('drain', () => {
            c.draining = false;
            pump(socket, c);
          });
        }
        return;
      }
      c.waiting.shift()!();
    }
    if (c.waiting.length === 0 && socket.isPaused() && !socket.destroyed) socket.resume();
  };

  const connectionOf = (socket: Socket): Connection => {
    let c = connections.get(socket);
    if (!c) {
      const created: Connection = { active: 0, waiting: [], draining: false };
      // A closed connection's waiting requests run on (their answers go nowhere) so nothing stays pending.
      socket.once('close', () => {
        for (const start of created.waiting.splice(0)) start();
      });
      connections.set(socket, created);
      c = created;
    }
    return c;
  };

  app.addHook('onRequest', (request, reply, done) => {
    const socket = request.raw.socket as Socket | null;
    // A batch's inner requests have no connection of their own: they run inside the batch's slot.
    if (!socket || batchParentOf(request.raw)) return done();
    const c = connectionOf(socket);
    const start = () => {
      c.active += 1;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        c.active -= 1;
        pump(socket, c);
      };
      reply.raw.once('finish', release);
      reply.raw.once('close', release);
      done();
    };
    const free =
      c.waiting.length === 0 && c.active < o.maxInFlight && socket.writableLength <= o.maxBufferedBytes;
    if (free) return start();
    socket.pause();
    c.waiting.push(start);
    pump(socket, c);
  });
}
