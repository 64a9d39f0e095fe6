// Shared by the webhook-mode tests: a mirror in this process keeping current through change notifications from
// the upstream (our own server), on the upstream's virtual clock; its database on the backend under test; a TCP
// relay standing for the reverse proxy in front of the mirror's endpoint, which a test can cut; small clients.
import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MirrorJob, type MirrorStatus } from '../../src/mirror/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { freshPostgres, TEST_BACKEND } from '../helpers/test-db.js';
import { admin, APP, TENANT, type Upstream } from './helpers.js';

/** A port free now (the mirror's endpoint must be named in its URL before it listens). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The mirror's database on the backend under test: a SQLite file, or a PostgreSQL database of its own. */
export async function mirrorDb(dir: string, name: string): Promise<{ db: string; drop(): Promise<void> }> {
  if (TEST_BACKEND === 'sqlite') return { db: path.join(dir, `${name}.db`), drop: () => Promise.resolve() };
  const pg = await freshPostgres();
  return { db: pg.url, drop: () => pg.drop() };
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export interface HookedMirror {
  store: Store;
  lines: string[];
  /** Aborts the mirror and resolves with its final status (the subscription is deleted by then). */
  stop(): Promise<MirrorStatus>;
  /** The stored version of a record, or undefined. */
  version(id: string): Promise<number | undefined>;
}

export interface HookOptions {
  db: string;
  days: number;
  /** The public URL's port (a relay's) and the port the endpoint listens on; the same without a relay. */
  port: number;
  listenPort?: number;
  lookbackHours?: number;
  pollIntervalSeconds?: number;
  concurrency?: number;
  betaLogs?: boolean;
}

/** Starts a mirror in webhook mode against `up` and waits until its backfill is done. */
export async function startHooked(up: Upstream, o: HookOptions): Promise<HookedMirror> {
  const job = new MirrorJob({
    upstream: up.server.url,
    authority: up.server.url,
    tenant: TENANT,
    clientId: APP.appId,
    clientSecret: APP.secret,
    days: o.days,
    lookbackHours: o.lookbackHours ?? 6,
    pollIntervalSeconds: o.pollIntervalSeconds ?? 86_400,
    concurrency: o.concurrency ?? 4,
    betaLogs: o.betaLogs === true,
    notificationUrl: `http://127.0.0.1:${o.port}/callrecords`,
    listen: `127.0.0.1:${o.listenPort ?? o.port}`,
    clock: () => up.server.clock.now(),
  });
  const store = await openStore({ db: o.db, json: STORED_JSON });
  const lines: string[] = [];
  const controller = new AbortController();
  const run = job.run({ store, once: false, signal: controller.signal, log: (l) => lines.push(l) });
  let failed: unknown;
  run.catch((err: unknown) => (failed = err));
  await until(
    'the backfill',
    () => {
      if (failed) throw failed as Error;
      return Promise.resolve(lines.some((l) => /: current, /.test(l)) ? true : undefined);
    },
    60_000,
  );
  return {
    store,
    lines,
    async stop() {
      controller.abort();
      try {
        return await run;
      } finally {
        job.close();
        await store.close();
      }
    },
    async version(id) {
      const row = await store.getCallRecord(TENANT, id, -8.64e15);
      return row ? (JSON.parse(row.body) as { version: number }).version : undefined;
    },
  };
}

/** A token of the demo app now (tokens expire as the upstream's clock moves). */
export const token = (up: Upstream): Promise<string> => up.server.tokenFor(APP.appId, APP.secret);

/** A Graph request as the demo app. */
export async function graph(up: Upstream, method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(`${up.server.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${await token(up)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** The demo app's subscriptions on the upstream, as Graph lists them. */
export async function subscriptions(
  up: Upstream,
): Promise<{ id: string; expirationDateTime: string; notificationUrl: string }[]> {
  const res = await graph(up, 'GET', '/v1.0/subscriptions');
  if (res.status !== 200) throw new Error(`GET /v1.0/subscriptions: ${res.status} ${await res.text()}`);
  return (
    (await res.json()) as { value: { id: string; expirationDateTime: string; notificationUrl: string }[] }
  ).value;
}

/** A small record pushed to the upstream (admin API), started `agoMinutes` before the upstream's now. */
export async function pushRecord(up: Upstream, agoMinutes = 10, version = 1): Promise<string> {
  const id = randomUUID();
  const start = up.server.clock.now() - agoMinutes * 60_000;
  await admin(up, 'POST', `/tenants/${TENANT}/callRecords`, {
    id,
    version,
    type: 'peerToPeer',
    modalities: ['audio'],
    startDateTime: new Date(start).toISOString(),
    endDateTime: new Date(start + 5 * 60_000).toISOString(),
    lastModifiedDateTime: new Date(start + 6 * 60_000).toISOString(),
    sessions: [],
  });
  return id;
}

export const advance = (up: Upstream, by: string) => admin(up, 'POST', '/clock', { action: 'advance', by });

/** A TCP relay in front of the mirror's endpoint (the reverse proxy); `down` refuses every connection. */
export interface Relay {
  port: number;
  down: boolean;
  close(): Promise<void>;
}

export async function startRelay(target: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const relay: Relay = { port: 0, down: false, close: () => Promise.resolve() };
  const server: Server = createServer((inbound) => {
    if (relay.down) {
      inbound.destroy();
      return;
    }
    const outbound = connect(target, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.port = (server.address() as { port: number }).port;
  relay.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return relay;
}
