// The mirror's own webhook endpoint: a small HTTP server (behind the operator's reverse proxy, which terminates
// https) that answers Graph's validation handshake and takes change and lifecycle notifications. It answers at once
// (202) and hands the work on: Graph retries, and in the end drops, what is not acknowledged within 3 seconds.
// Anyone can reach it, so every notification must carry the subscription's clientState, compared in constant time;
// the rest are counted and ignored.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Graph's notification POSTs hold at most 100 small items; anything much larger is not Graph's. */
const MAX_BODY = 1024 * 1024;
const MAX_TOKEN = 4096;
const RECORD_ID = /^[A-Za-z0-9-]{1,128}$/;

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';
const LIFECYCLE = new Set<string>(['reauthorizationRequired', 'subscriptionRemoved', 'missed']);

export interface ReceiverHandlers {
  /** Whether this clientState belongs to a subscription of ours (compare with `sameSecret`). */
  accepts(clientState: string, subscriptionId: string): boolean;
  onChange(recordId: string, subscriptionId: string): void;
  onLifecycle(event: LifecycleEvent, subscriptionId: string): void;
  /** Items that failed the clientState or tenant check. */
  onRejected(count: number): void;
}

export interface ReceiverOptions {
  host: string;
  port: number;
  /** The paths of the notification and lifecycle URLs (the proxy forwards them unchanged). */
  paths: readonly string[];
  tenantId: string;
  handlers: ReceiverHandlers;
}

/** The SHA-256 of a secret: what is kept and compared, so the comparison takes the same time whatever the input. */
export function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function sameSecret(presented: string, kept: Buffer): boolean {
  return timingSafeEqual(digest(presented), kept);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

export class NotificationReceiver {
  readonly #o: ReceiverOptions;
  readonly #server: Server;

  constructor(o: ReceiverOptions) {
    this.#o = o;
    this.#server = createServer((req, res) => void this.#handle(req, res));
    // Slow senders hold a socket for at most this long.
    this.#server.requestTimeout = 10_000;
    this.#server.headersTimeout = 10_000;
  }

  /** Listens; resolves with the port (useful when 0 was asked for). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#o.port, this.#o.host, () => {
        this.#server.off('error', reject);
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const answer = (status: number, text = ''): void => {
      res
        .writeHead(status, {
          'content-type': 'text/plain; charset=utf-8',
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-store',
        })
        .end(text);
    };
    if (!this.#o.paths.includes(url.pathname)) return answer(404);
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return answer(405);
    }
    const token = url.searchParams.get('validationToken');
    if (token !== null) {
      // The handshake: the decoded token, as text/plain, at once (Graph waits 10 seconds).
      req.resume();
      return token.length > MAX_TOKEN ? answer(400) : answer(200, token);
    }
    const text = await readBody(req);
    if (text === undefined) return answer(413);
    let items: unknown[];
    try {
      const body = JSON.parse(text) as { value?: unknown };
      if (!Array.isArray(body.value)) return answer(400);
      items = body.value;
    } catch {
      return answer(400);
    }
    answer(202);
    this.#dispatch(items);
  }

  #dispatch(items: unknown[]): void {
    const h = this.#o.handlers;
    let rejected = 0;
    for (const raw of items) {
      const n = (raw ?? {}) as Record<string, unknown>;
      const subscriptionId = typeof n.subscriptionId === 'string' ? n.subscriptionId : '';
      const ok =
        typeof n.clientState === 'string' &&
        typeof n.tenantId === 'string' &&
        n.tenantId.toLowerCase() === this.#o.tenantId &&
        h.accepts(n.clientState, subscriptionId);
      if (!ok) {
        rejected += 1;
        continue;
      }
      if (typeof n.lifecycleEvent === 'string') {
        if (LIFECYCLE.has(n.lifecycleEvent))
          h.onLifecycle(n.lifecycleEvent as LifecycleEvent, subscriptionId);
        continue;
      }
      const data = (n.resourceData ?? {}) as Record<string, unknown>;
      const id =
        typeof data.id === 'string'
          ? data.id
          : typeof n.resource === 'string'
            ? n.resource.split('/').pop()
            : undefined;
      if (id !== undefined && RECORD_ID.test(id)) h.onChange(id, subscriptionId);
      else rejected += 1;
    }
    if (rejected > 0) h.onRejected(rejected);
  }
}
