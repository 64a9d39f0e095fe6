// Process entry for `serve`: store, buildApp (which owns every background job), listen, demo seeding, close.
import { buildApp } from './app.js';
import { DEMO_TENANT_ID, dataDirOf, storeOptionsOf, type Config } from './config/index.js';
import { DEMO_APPS, ensureDemoApps } from './demo/apps.js';
import { SeedGate } from './demo/gate.js';
import { STORED_JSON } from './graph/shape/stored.js';
import type { TlsMaterial } from './auth/tls.js';
import { openStore } from './store/index.js';
import { faultBanner } from './resilience/index.js';
import { markPhase, takePhases } from './startup.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const started = performance.now();
  const store = await openStore({ ...storeOptionsOf(config), json: STORED_JSON });
  markPhase('store');
  // The demo seeder (the generator, with faker) and the certificate maker (selfsigned) are loaded only when used:
  // together about 60 MB of resident memory that a plain `serve` never needs.
  let tls: TlsMaterial | undefined;
  if (config.tlsCert && config.tlsKey)
    tls = (await import('./auth/tls.js')).tlsFromFiles(config.tlsCert, config.tlsKey);
  else if (config.tlsSelfSigned) tls = await (await import('./auth/tls.js')).selfSignedFor(dataDirOf(config));
  // An empty database in demo mode is seeded while the server answers: the server's reads go through a gate that
  // answers what the records written so far settle and holds the rest until the seeding is done (demo/gate.ts).
  const gate =
    config.demo && !(await store.getTenant(DEMO_TENANT_ID)) ? new SeedGate(DEMO_TENANT_ID) : undefined;
  const app = await buildApp(config, { store: gate ? gate.wrap(store) : store, ...(tls ? { tls } : {}) });
  markPhase('app');
  const log = app.fastify.log;
  let seeding: Promise<void> | undefined;
  let ready: Promise<void> | undefined;
  let stopSeeding = false;
  if (gate) {
    const { createDemoTenant, seedDemoRecords } = await import('./demo/seed.js');
    const now = app.clock.now();
    await createDemoTenant(store, now);
    // The apps first, so that a client can get its token while the records are written.
    await ensureDemoApps(store, app.identity.registry);
    let first!: () => void;
    const firstBatch = new Promise<void>((resolve) => (first = resolve));
    const seedStarted = performance.now();
    seeding = seedDemoRecords(store, {
      seed: config.demoSeed,
      users: config.demoUsers,
      days: config.demoDays,
      now,
      gate,
      onFirstBatch: first,
      stopped: () => stopSeeding,
      onProgress: (n) => log.debug({ records: n }, 'demo tenant: writing records'),
    }).then(
      (count) => {
        if (stopSeeding) return;
        const ms = Math.round(performance.now() - seedStarted);
        log.info({ records: count, tenantId: DEMO_TENANT_ID, ms }, 'demo tenant created');
      },
      (err: unknown) => {
        // Reads that wait for the rest answer 503, and /healthz says the server cannot serve.
        gate.fail(err instanceof Error ? err : new Error(String(err)));
        app.setReady(false);
        log.error({ err }, 'seeding the demo tenant failed');
      },
    );
    ready = Promise.race([firstBatch, seeding]);
  } else if (config.demo) await ensureDemoApps(store, app.identity.registry);
  if (config.demo) markPhase('demo apps');
  try {
    await app.fastify.listen({ host: config.host, port: config.port });
    markPhase('listen');
  } catch (err) {
    stopSeeding = true;
    await seeding;
    await app.fastify.close();
    await store.close();
    throw err;
  }
  const address = app.fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `${tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  // Ready (healthz 200, Graph routes open) once the first days are written.
  if (ready) {
    await ready;
    markPhase('first records');
  }
  app.setReady(!gate?.failed);
  log.info(
    { url, startupMs: Math.round(performance.now() - started), demo: config.demo, phases: takePhases() },
    'ready',
  );
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
      stopSeeding = true;
      await seeding;
      gate?.fail(new Error('the server is closing'));
      await app.fastify.close();
      await store.close();
    })());
  return { url, close };
}
