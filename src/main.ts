// Process entry for `serve`: store, buildApp (which owns every background job), listen, demo seeding, close.
import { buildApp, type App } from './app.js';
import { savedClock } from './clock.js';
import { DEMO_TENANT_ID, dataDirOf, storeOptionsOf, type Config } from './config/index.js';
import { DEMO_APPS, ensureDemoApps } from './demo/apps.js';
import { SeedGate } from './demo/gate.js';
import { STORED_JSON } from './graph/shape/stored.js';
import type { TlsMaterial } from './auth/tls.js';
import type { DemoBatches } from './demo/seed.js';
import { openStore, type Store } from './store/index.js';
import { faultBanner } from './resilience/index.js';
import { markPhase, takePhases } from './startup.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** The demo seeding writes its first batch, then waits for this too before the rest (tests read meanwhile). */
  seedingHold?: Promise<void>;
  /** The demo dataset's generation, started while the modules loaded (demo/seed.ts startDemoBatches). */
  demoBatches?: DemoBatches;
}

export async function startServer(config: Config, o: StartOptions = {}): Promise<RunningServer> {
  const started = performance.now();
  let store: Store;
  try {
    store = await openStore({ ...storeOptionsOf(config), json: STORED_JSON });
  } catch (err) {
    await o.demoBatches?.cancel();
    throw err;
  }
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
  if (!gate) await o.demoBatches?.cancel();
  // The app's clock, read before the app is built so that the seeding can start first.
  const clock = await savedClock(store);
  let stopSeeding = false;
  let listening!: () => void;
  const listened = new Promise<void>((resolve) => (listening = resolve));
  // The rest of the seeding: once the server listens (and the hold, if any, is released), or when it stops.
  let release!: () => void;
  const rest = new Promise<void>((resolve) => (release = resolve));
  void Promise.all([listened, o.seedingHold]).then(release);
  let seeded: Promise<{ count: number; ms: number } | { err: unknown }> | undefined;
  let firstBatch: Promise<void> | undefined;
  // The seeding's progress lines go to the app's log once there is one.
  const progress: { log?: App['fastify']['log'] } = {};
  if (gate) {
    const { createDemoTenant, seedDemoRecords } = await import('./demo/seed.js');
    const now = o.demoBatches?.now ?? clock.now();
    await createDemoTenant(store, now);
    let first!: () => void;
    firstBatch = new Promise<void>((resolve) => (first = resolve));
    const seedStarted = performance.now();
    // The generation threads start now and work while the app is built; the first batch is written as soon as
    // it comes, the rest once the server listens.
    seeded = seedDemoRecords(store, {
      seed: config.demoSeed,
      users: config.demoUsers,
      days: config.demoDays,
      now,
      gate,
      onFirstBatch: first,
      rest,
      stopped: () => stopSeeding,
      ...(o.demoBatches ? { batches: o.demoBatches.batches } : {}),
      onProgress: (n) => progress.log?.debug({ records: n }, 'demo tenant: writing records'),
    }).then(
      (count) => ({ count, ms: Math.round(performance.now() - seedStarted) }),
      (err: unknown) => ({ err }),
    );
  }
  const stopSeedingNow = async () => {
    stopSeeding = true;
    release();
    await seeded;
  };
  let app: App;
  try {
    app = await buildApp(config, {
      store: gate ? gate.wrap(store) : store,
      clock,
      ...(tls ? { tls } : {}),
    });
  } catch (err) {
    await stopSeedingNow();
    await store.close();
    throw err;
  }
  markPhase('app');
  const log = app.fastify.log;
  progress.log = log;
  const seeding = seeded?.then((r) => {
    if ('err' in r) {
      // Reads that wait for the rest answer 503, and /healthz says the server cannot serve.
      gate!.fail(r.err instanceof Error ? r.err : new Error(String(r.err)));
      app.setReady(false);
      log.error({ err: r.err }, 'seeding the demo tenant failed');
    } else if (!stopSeeding)
      log.info({ records: r.count, tenantId: DEMO_TENANT_ID, ms: r.ms }, 'demo tenant created');
  });
  // Ready (healthz 200, Graph routes open) once the first days are written.
  const ready = seeding && firstBatch && Promise.race([firstBatch, seeding]);
  // The apps before the port opens, so that a client can get its token at once.
  if (config.demo) {
    await ensureDemoApps(store, app.identity.registry);
    markPhase('demo apps');
  }
  try {
    await app.fastify.listen({ host: config.host, port: config.port });
    markPhase('listen');
  } catch (err) {
    await stopSeedingNow();
    await seeding;
    await app.fastify.close();
    await store.close();
    throw err;
  }
  listening();
  const address = app.fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `${tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
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
      await stopSeedingNow();
      await seeding;
      gate?.fail(new Error('the server is closing'));
      await app.fastify.close();
      await store.close();
    })());
  return { url, close };
}
