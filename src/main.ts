// Process entry for `serve`: store, buildApp (which owns every background job), listen, demo seeding, close.
import { buildApp } from './app.js';
import { DEMO_TENANT_ID, dataDirOf, storeOptionsOf, type Config } from './config/index.js';
import { DEMO_APPS, ensureDemoApps } from './demo/apps.js';
import { STORED_JSON } from './graph/shape/stored.js';
import type { TlsMaterial } from './auth/tls.js';
import { openStore } from './store/index.js';
import { faultBanner } from './resilience/index.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const started = performance.now();
  const store = await openStore({ ...storeOptionsOf(config), json: STORED_JSON });
  // The demo seeder (the generator, with faker) and the certificate maker (selfsigned) are loaded only when used:
  // together about 60 MB of resident memory that a plain `serve` never needs.
  let tls: TlsMaterial | undefined;
  if (config.tlsCert && config.tlsKey)
    tls = (await import('./auth/tls.js')).tlsFromFiles(config.tlsCert, config.tlsKey);
  else if (config.tlsSelfSigned) tls = await (await import('./auth/tls.js')).selfSignedFor(dataDirOf(config));
  const app = await buildApp(config, { store, ...(tls ? { tls } : {}) });
  const log = app.fastify.log;
  await app.fastify.listen({ host: config.host, port: config.port });
  const address = app.fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `${tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (config.demo) {
    const { seedDemoTenant } = await import('./demo/seed.js');
    const count = await seedDemoTenant(store, {
      seed: config.demoSeed,
      users: config.demoUsers,
      days: config.demoDays,
      now: app.clock.now(),
      onProgress: (n) => log.debug({ records: n }, 'demo tenant: writing records'),
    });
    if (count > 0) log.info({ records: count, tenantId: DEMO_TENANT_ID }, 'demo tenant created');
    await ensureDemoApps(store, app.identity.registry);
  }
  app.setReady(true);
  log.info({ url, startupMs: Math.round(performance.now() - started), demo: config.demo }, 'ready');
  // Injected faults are never silently on: the active rules are printed at start-up.
  const banner = faultBanner(app.resilience.faults.list());
  if (banner) process.stderr.write(`${banner}\n`);
  if (config.demo) {
    process.stderr.write(
      [
        '',
        `callrecords is serving Microsoft Graph call records at ${url}/v1.0/communications/callRecords`,
        `Demo tenant ${DEMO_TENANT_ID} (local use only; see README "Demo tenant"):`,
        ...DEMO_APPS.map(
          (a) =>
            `  client id ${a.appId}  secret ${a.secret}  roles ${a.roles.length ? a.roles.join(', ') : '(none)'}`,
        ),
        `Get a token: curl -s -d grant_type=client_credentials -d client_id=${DEMO_APPS[0].appId} \\`,
        `  -d client_secret=${DEMO_APPS[0].secret} -d scope=https://graph.microsoft.com/.default \\`,
        `  ${url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`,
        ...(tls?.certFile ? [`TLS certificate (trust it with NODE_EXTRA_CA_CERTS): ${tls.certFile}`] : []),
        '',
      ].join('\n'),
    );
  }
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      app.setReady(false);
      await app.fastify.close();
      await store.close();
    })());
  return { url, close };
}
