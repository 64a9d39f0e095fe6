// Process entry for `serve`: config, store, buildApp, listen, demo seeding, graceful shutdown.
import { buildApp } from './app.js';
import { systemClock } from './clock.js';
import { DEMO_TENANT_ID, type Config } from './config/index.js';
import { seedDemoTenant } from './demo/seed.js';
import { openStore } from './store/index.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const started = performance.now();
  const store = await openStore({ db: config.db });
  const app = await buildApp(config, { store, clock: systemClock });
  const log = app.fastify.log;
  await app.fastify.listen({ host: config.host, port: config.port });
  const address = app.fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (config.demo) {
    const count = await seedDemoTenant(store, {
      seed: config.demoSeed,
      users: config.demoUsers,
      days: config.demoDays,
      now: systemClock.now(),
      onProgress: (n) => log.debug({ records: n }, 'demo tenant: writing records'),
    });
    if (count > 0) log.info({ records: count, tenantId: DEMO_TENANT_ID }, 'demo tenant created');
  }
  app.setReady(true);
  log.info({ url, startupMs: Math.round(performance.now() - started), demo: config.demo }, 'ready');
  if (config.demo) {
    process.stderr.write(
      [
        '',
        `callrecords is serving Microsoft Graph call records at ${url}/v1.0/communications/callRecords`,
        `Demo tenant ${DEMO_TENANT_ID} (local use only; see README "Demo tenant").`,
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
