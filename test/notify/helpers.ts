// Test helpers for change notifications: a real webhook receiver (node:http on port 0), a server configured for
// webhooks on loopback http, and small clients for /subscriptions and the admin API.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before } from 'node:test';
import type { AddressInfo } from 'node:net';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import type { ConfigInput } from '../../src/config/index.js';
import { startTestServer, TEST_NOW, type TestServer } from '../helpers/server.js';

export const ADMIN_KEY = 'notify-admin-key-0123456789';

export interface Received {
  path: string;
  validationToken: string | null;
  contentType: string | undefined;
  body: string;
  atMs: number;
}

/** What the receiver does with a request; `undefined` falls through to the default behaviour. */
export type Behaviour = (req: Received, res: ServerResponse) => boolean | void;

export interface Receiver {
  url: string;
  requests: Received[];
  /** Notification POSTs (not validation requests). */
  notifications(): Received[];
  /** Parsed `value` entries of every notification received on `path` (default: all). */
  values(path?: string): Record<string, unknown>[];
  /** The entries received on `path` about the record `id`. */
  forRecord(path: string, id: string): Record<string, unknown>[];
  behaviour: Behaviour | undefined;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Answers validation requests as Graph requires and notifications with 202, unless `behaviour` says otherwise. */
export async function startReceiver(): Promise<Receiver> {
  const requests: Received[] = [];
  const receiver: Receiver = {
    url: '',
    requests,
    behaviour: undefined,
    notifications: () => requests.filter((r) => r.validationToken === null),
    values: (path) =>
      receiver
        .notifications()
        .filter((r) => path === undefined || r.path === path)
        .flatMap((r) => (JSON.parse(r.body) as { value: Record<string, unknown>[] }).value),
    forRecord: (path, id) =>
      receiver.values(path).filter((v) => (v.resourceData as { id: string }).id === id),
    async waitFor(predicate, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > until) throw new Error(`receiver: condition not met in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const r: Received = {
        path: url.pathname,
        validationToken: url.searchParams.get('validationToken'),
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
        atMs: Date.now(),
      };
      requests.push(r);
      if (receiver.behaviour?.(r, res) === true) return;
      if (r.validationToken !== null) {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(r.validationToken);
      } else {
        res.writeHead(202).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

export async function startNotifyServer(
  config: ConfigInput = {},
  onLogLine?: (line: string) => void,
): Promise<TestServer> {
  return startTestServer({
    ...(onLogLine ? { logStream: { write: onLogLine } } : {}),
    config: {
      adminKey: ADMIN_KEY,
      notificationDelaySeconds: 0,
      webhookAllowHttp: true,
      webhookValidationTimeoutMs: 1000,
      webhookDeliveryTimeoutMs: 1000,
      ...config,
    },
  });
}

/**
 * A webhook-ready server and a receiver for the enclosing suite (or the file): started before its tests, handed to
 * `ready`, closed after them.
 */
export function withWebhooks(
  ready: (server: TestServer, receiver: Receiver) => void,
  config: ConfigInput = {},
  onLogLine?: (line: string) => void,
): void {
  let server: TestServer | undefined;
  let receiver: Receiver | undefined;
  before(async () => {
    server = await startNotifyServer(config, onLogLine);
    receiver = await startReceiver();
    ready(server, receiver);
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
  });
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = Record<string, unknown>>(
  server: TestServer,
  method: string,
  path: string,
  o: { body?: unknown; token?: string; raw?: string } = {},
): Promise<Answer<T>> {
  const body = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  const res = await fetch(server.url + path, {
    method,
    headers: {
      authorization: `Bearer ${o.token ?? server.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
}

/** An expiration `minutes` from the server's (virtual) now. */
export const inMinutes = (server: TestServer, minutes: number): string =>
  new Date(server.clock.now() + minutes * 60_000).toISOString();

export interface SubscriptionJson {
  id: string;
  resource: string;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
  applicationId: string;
  [key: string]: unknown;
}

export async function subscribe(
  server: TestServer,
  body: Record<string, unknown>,
  o: { version?: string; token?: string } = {},
): Promise<SubscriptionJson> {
  const res = await call<SubscriptionJson>(server, 'POST', `/${o.version ?? 'v1.0'}/subscriptions`, {
    body: {
      changeType: 'created,updated',
      resource: 'communications/callRecords',
      expirationDateTime: inMinutes(server, 60),
      clientState: 'secret-client-state',
      ...body,
    },
    ...(o.token ? { token: o.token } : {}),
  });
  if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A sparse call record (the admin API completes it), optionally with participants. */
export function record(id: string, version = 1, participants: string[] = []): Record<string, unknown> {
  const start = new Date(TEST_NOW - 3_600_000);
  return {
    id,
    version,
    type: 'peerToPeer',
    modalities: ['audio'],
    startDateTime: start.toISOString(),
    endDateTime: new Date(start.getTime() + 300_000).toISOString(),
    lastModifiedDateTime: new Date(start.getTime() + 600_000 + version).toISOString(),
    sessions: [],
    participants_v2: participants.map((p) => ({ id: p, identity: { user: { id: p, displayName: p } } })),
  };
}

export async function push(
  server: TestServer,
  doc: Record<string, unknown>,
  tenantId = DEMO_TENANT_ID,
): Promise<{ status: number; outcome: string }> {
  const res = await fetch(`${server.url}/admin/tenants/${tenantId}/callRecords`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(doc),
  });
  const body = (await res.json()) as { outcome: string };
  if (res.status >= 300) throw new Error(`push: ${res.status} ${JSON.stringify(body)}`);
  return { status: res.status, outcome: body.outcome };
}

/** Writes records through the NDJSON import (one transaction for up to 200 records). */
export async function importRecords(
  server: TestServer,
  docs: Record<string, unknown>[],
  tenantId = DEMO_TENANT_ID,
): Promise<void> {
  const res = await fetch(`${server.url}/admin/tenants/${tenantId}/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/x-ndjson' },
    body: docs.map((d) => JSON.stringify(d)).join('\n'),
  });
  if (res.status !== 200) throw new Error(`import: ${res.status} ${await res.text()}`);
}

export async function deliveries(
  server: TestServer,
  tenantId = DEMO_TENANT_ID,
): Promise<{ value: Record<string, unknown>[]; pending: Record<string, unknown>[] }> {
  const res = await fetch(`${server.url}/admin/tenants/${tenantId}/deliveries`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  return (await res.json()) as { value: Record<string, unknown>[]; pending: Record<string, unknown>[] };
}
