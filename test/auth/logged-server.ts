// startTestServer's twin that also captures every log line (AppDeps.logStream), to prove credentials never reach
// the logs. Same set-up: in-memory store, demo tenant and demo apps, a virtual clock, port 0.
import { buildApp } from '../../src/app.js';
import { VirtualClock } from '../../src/clock.js';
import { DEMO_TENANT_ID, loadConfig, type ConfigInput } from '../../src/config/index.js';
import { DEMO_APPS, ensureDemoApps } from '../../src/demo/apps.js';
import { openStore } from '../../src/store/index.js';
import { TEST_NOW, type TestServer } from '../helpers/server.js';

export interface LoggedServer {
  server: TestServer;
  /** Everything logged so far, one JSON line per entry. */
  logs(): string;
}

export async function startLoggedServer(o: { config?: ConfigInput } = {}): Promise<LoggedServer> {
  const lines: string[] = [];
  const config = loadConfig({ db: ':memory:', port: 0, logLevel: 'trace', ...o.config }, {});
  const store = await openStore({ db: config.db });
  const clock = new VirtualClock();
  clock.freeze();
  clock.set(TEST_NOW);
  await store.createTenant({ id: DEMO_TENANT_ID, displayName: 'Contoso (demo)', createdMs: TEST_NOW });
  const app = await buildApp(config, { store, clock, logStream: { write: (line) => void lines.push(line) } });
  await ensureDemoApps(store, app.identity.registry);
  await app.fastify.listen({ host: '127.0.0.1', port: 0 });
  app.setReady(true);
  const address = app.fastify.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
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
  const token = await tokenFor(DEMO_APPS[0].appId, DEMO_APPS[0].secret);
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(url + path, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const server: TestServer = {
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
  return { server, logs: () => lines.join('') };
}
