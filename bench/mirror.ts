// `npx tsx bench/mirror.ts [--users 200 --days 30 --mirror-days 7 --concurrency 4 --throttling graph]`: backfill
// throughput of `callrecords mirror` against our own server as the upstream with Graph's call-record budgets on.
// Seeds the demo tenant into a temporary SQLite file, serves it on a running virtual clock at the seed's "now", runs
// the mirror in this process (its --json summary), and prints records per second, requests, 429s and the time the
// client spent waiting for its own budget pacing. See docs/mirror.md for measured figures.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { runCli } from '../src/cli/program.js';
import { VirtualClock } from '../src/clock.js';
import { DEMO_TENANT_ID, loadConfig } from '../src/config/index.js';
import { DEMO_APPS, ensureDemoApps } from '../src/demo/apps.js';
import { seedDemoTenant } from '../src/demo/seed.js';
import { STORED_JSON } from '../src/graph/shape/stored.js';
import { openStore } from '../src/store/index.js';

const { values: a } = parseArgs({
  options: {
    users: { type: 'string', default: '200' },
    days: { type: 'string', default: '30' },
    'mirror-days': { type: 'string', default: '7' },
    concurrency: { type: 'string', default: '4' },
    throttling: { type: 'string', default: 'graph' },
  },
});
const now = Date.UTC(2026, 10, 20, 12);
const dir = mkdtempSync(path.join(os.tmpdir(), 'callrecords-bench-mirror-'));
try {
  const db = path.join(dir, 'upstream.db');
  const config = loadConfig({ db, port: 0, logLevel: 'silent', throttling: a.throttling }, {});
  const store = await openStore({ db, json: STORED_JSON });
  const seeded = await seedDemoTenant(store, {
    seed: config.demoSeed,
    users: Number(a.users),
    days: Number(a.days),
    now,
  });
  const clock = new VirtualClock();
  clock.set(now);
  const app = await buildApp(config, { store, clock });
  await ensureDemoApps(store, app.identity.registry);
  await app.fastify.listen({ host: '127.0.0.1', port: 0 });
  app.setReady(true);
  const address = app.fastify.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
  let out = '';
  const io = {
    stdout: new Writable({ write: (c: Buffer, _e, done) => ((out += c.toString()), done()) }),
    stderr: process.stderr,
    stdin: Readable.from([]),
    exitCode: 0,
  };
  const code = await runCli(
    [
      'mirror',
      ...['--upstream', url, '--authority', url, '--tenant', DEMO_TENANT_ID],
      ...['--client-id', DEMO_APPS[0].appId, '--client-secret', DEMO_APPS[0].secret],
      ...['--db', path.join(dir, 'mirror.db'), '--days', a['mirror-days'], '--once', '--beta-logs', '--json'],
      ...['--concurrency', a.concurrency, '--now', new Date(clock.now()).toISOString()],
    ],
    io,
  );
  const s = JSON.parse(out) as Record<
    'created' | 'logRows' | 'seconds' | 'recordsPerSecond' | 'requests' | 'throttled' | 'budgetWaitMs',
    number
  >;
  console.log(
    JSON.stringify(
      {
        upstream: { users: Number(a.users), days: Number(a.days), records: seeded, throttling: a.throttling },
        mirrorDays: Number(a['mirror-days']),
        concurrency: Number(a.concurrency),
        exit: code,
        records: s.created,
        logRows: s.logRows,
        seconds: s.seconds,
        recordsPerSecond: s.recordsPerSecond,
        requests: s.requests,
        requestsPerSecond: Math.round((s.requests / s.seconds) * 10) / 10,
        throttled: s.throttled,
        budgetWaitMs: s.budgetWaitMs,
        loadAverage: os.loadavg()[0],
      },
      null,
      2,
    ),
  );
  await app.fastify.close();
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
