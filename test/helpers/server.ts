// Starts a real server on port 0 over a fresh store (SQLite in memory, or a PostgreSQL database of its own when
// CALLRECORDS_TEST_DB=postgres: test-db.ts), for integration tests over HTTP.
import { buildApp, type App } from '../../src/app.js';
import { selfSignedFor } from '../../src/auth/tls.js';
import { VirtualClock } from '../../src/clock.js';
import { loadConfig, type ConfigInput } from '../../src/config/index.js';
import { DEMO_APPS, ensureDemoApps } from '../../src/demo/apps.js';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import type { Resolver } from '../../src/net/outbound-policy.js';
import { openStore, type Store } from '../../src/store/index.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { demoImage } from './demo-template.js';
import { openTestStore, TEST_BACKEND, type TestBackend } from './test-db.js';

export interface TestServer {
  url: string;
  store: Store;
  app: App;
  clock: VirtualClock;
  /** A bearer token of the demo app granted CallRecords.Read.All (sent by get() and json()). */
  token: string;
  /** Gets a token from the server's token endpoint with a client secret. */
  tokenFor(clientId: string, secret: string, tenantId?: string): Promise<string>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  json<T = Record<string, unknown>>(path: string, headers?: Record<string, string>): Promise<T>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  config?: ConfigInput;
  /** Seed the demo tenant with this many users (0: empty store). */
  demoUsers?: number;
  demoDays?: number;
  now?: number;
  /** Serve https with a self-signed localhost certificate written to this directory. */
  tlsDir?: string;
  /** The database behind a ':memory:' store (default: the backend under test, CALLRECORDS_TEST_DB). */
  backend?: TestBackend;
  /** Settings written to the store before the app is built (e.g. the same `skiptoken-key` on two servers). */
  settings?: Record<string, string>;
  /** Receives every log line (set a logLevel in `config` to see them). */
  logStream?: { write(line: string): void };
  /** Resolves the names of the server's outbound requests (webhooks), instead of the system resolver. */
  resolver?: Resolver;
}

export const TEST_NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

export async function startTestServer(o: TestServerOptions = {}): Promise<TestServer> {
  // Throttling is off unless a test asks for it: on a frozen clock every request lands in the same window.
  const config = loadConfig(
    { db: ':memory:', port: 0, logLevel: 'silent', throttling: 'off', ...o.config },
    {},
  );
  const now = o.now ?? TEST_NOW;
  const users = o.demoUsers ?? 0;
  if (users > 0 && config.db !== ':memory:') throw new Error('the demo tenant is seeded into :memory: only');
  // A seeded demo tenant is a copy of a template built once for all test files (demo-template.ts, test-db.ts).
  const dataset = users > 0 ? { seed: config.demoSeed, users, days: o.demoDays ?? 30, now } : undefined;
  const store =
    config.db === ':memory:' && (o.backend ?? TEST_BACKEND) === 'postgres'
      ? await openTestStore(dataset ? { dataset } : {})
      : await openStore({
          db: config.db,
          json: STORED_JSON,
          busyTimeoutMs: config.dbBusyTimeoutMs,
          ...(dataset ? { image: await demoImage(dataset) } : {}),
        });
  for (const [key, value] of Object.entries(o.settings ?? {})) await store.setSetting(key, value);
  // Tests run on a frozen virtual clock: time moves only when a test moves it.
  const clock = new VirtualClock();
  clock.freeze();
  clock.set(now);
  if (!(await store.getTenant(DEMO_TENANT_ID))) {
    await store.createTenant({ id: DEMO_TENANT_ID, displayName: 'Contoso (demo)', createdMs: now });
  }
  const tls = o.tlsDir ? await selfSignedFor(o.tlsDir) : undefined;
  const app = await buildApp(config, {
    store,
    clock,
    ...(tls ? { tls } : {}),
    ...(o.logStream ? { logStream: o.logStream } : {}),
    ...(o.resolver ? { resolver: o.resolver } : {}),
  });
  await ensureDemoApps(store, app.identity.registry);
  await app.fastify.listen({ host: '127.0.0.1', port: 0 });
  app.setReady(true);
  const address = app.fastify.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const url = tls ? `https://localhost:${address.port}` : `http://127.0.0.1:${address.port}`;
  const tokenFor = async (clientId: string, secret: string, tenantId = DEMO_TENANT_ID) => {
    const res = await fetch(`${url}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    const body = (await res.json()) as { access_token?: string };
    if (res.status !== 200 || !body.access_token)
      throw new Error(`token: ${res.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };
  // The test process does not trust a self-signed certificate; such servers are driven from child processes.
  const token = tls ? '' : await tokenFor(DEMO_APPS[0].appId, DEMO_APPS[0].secret);
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(url + path, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return {
    url,
    store,
    app,
    clock,
    token,
    tokenFor,
    get,
    async json<T>(path: string, headers: Record<string, string> = {}) {
      const res = await get(path, headers);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async close() {
      await app.fastify.close();
      await store.close();
    },
  };
}
