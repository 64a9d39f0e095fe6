// The demo is served while it is seeded: reads the records written so far settle are answered at once, the others
// wait for the end of the seeding (or fail as 503 if it stops short). The last test runs `serve --demo` itself,
// its seeding held after the first batch: the token works from the start and a client that walks the list as soon
// as the server is ready sees every record.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEMO_TENANT_ID, loadConfig } from '../../src/config/index.js';
import { DEMO_APPS } from '../../src/demo/apps.js';
import { SeedGate } from '../../src/demo/gate.js';
import { startDemoBatches } from '../../src/demo/seed.js';
import { generateBatches, type GeneratedBatch } from '../../src/generate/worker/index.js';
import { startServer } from '../../src/main.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { openStore, StoreUnavailableError, type Store } from '../../src/store/index.js';
import { freshPostgres, openTestStore, TEST_BACKEND } from '../helpers/test-db.js';

const OTHER = 'ab000000-0000-4000-8000-0000000000ab';
const UNTIL = new Date(Date.UTC(2026, 10, 20));
const page = (limit: number) => ({ minStartMs: 0, limit });

/** 'pending' when `p` has not settled within `ms` (the reads that must answer at once are awaited, never raced). */
function settledWithin(p: Promise<unknown>, ms = 300): Promise<'resolved' | 'rejected' | 'pending'> {
  return Promise.race([
    p.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

let batches: GeneratedBatch[] = [];

before(async () => {
  // Small batches, two threads: the seeder's path, in several steps.
  for await (const b of generateBatches({
    generate: { tenantId: DEMO_TENANT_ID, seed: 5, users: 40, days: 6, until: UNTIL },
    batch: 100,
    logs: { pstn: true, directRouting: true, sms: true },
    threads: 2,
  }))
    batches.push(b);
  assert.ok(batches.length >= 4, `${batches.length} batches`);
});

async function seededStore(): Promise<Store> {
  const store = await openTestStore();
  await store.createTenant({ id: DEMO_TENANT_ID, displayName: 'Contoso (demo)', createdMs: UNTIL.getTime() });
  await store.createTenant({ id: OTHER, displayName: 'other', createdMs: UNTIL.getTime() });
  return store;
}

async function write(store: Store, gate: SeedGate, b: GeneratedBatch): Promise<void> {
  await store.upsertRecordRows(DEMO_TENANT_ID, b.rows);
  await store.logs.insert(DEMO_TENANT_ID, b.logs);
  if (b.lastStartMs !== undefined) gate.advance(b.lastStartMs);
}

test('reads settled by the records written so far answer at once; the others wait for the end', async () => {
  const store = await seededStore();
  try {
    const gate = new SeedGate(DEMO_TENANT_ID);
    const served = gate.wrap(store);
    await write(store, gate, batches[0]!);
    // The first page and its next-page probe start before the frontier: final.
    const first = await served.listCallRecords(DEMO_TENANT_ID, page(11));
    assert.equal(first.length, 11);
    assert.deepEqual(
      first.map((r) => r.id),
      batches[0]!.rows.slice(0, 11).map((r) => r.record.id),
    );
    const written = batches[0]!.rows[5]!.record.id;
    assert.equal((await served.getCallRecord(DEMO_TENANT_ID, written, 0))?.id, written);
    assert.ok(
      (await served.listSessions(DEMO_TENANT_ID, written, { limit: 10, withSegments: true })).length > 0,
    );
    // Another tenant is not being seeded.
    assert.deepEqual(await served.listCallRecords(OTHER, page(5)), []);

    const unwritten = batches[2]!.rows[0]!.record.id;
    const all = served.listCallRecords(DEMO_TENANT_ID, page(100_000));
    const count = served.countCallRecords(DEMO_TENANT_ID, { minStartMs: 0 });
    const missing = served.getCallRecord(DEMO_TENANT_ID, unwritten, 0);
    const logs = served.logs.count(DEMO_TENANT_ID, 'pstnCalls');
    const daily = served.dashboard.qualityByDay(DEMO_TENANT_ID, 0, UNTIL.getTime());
    for (const p of [all, count, missing, logs, daily]) assert.equal(await settledWithin(p), 'pending');

    for (const b of batches.slice(1)) await write(store, gate, b);
    gate.open();
    const total = batches.reduce((n, b) => n + b.rows.length, 0);
    assert.equal((await all).length, total);
    assert.equal(await count, total);
    assert.equal((await missing)?.id, unwritten);
    assert.equal(await logs, await store.logs.count(DEMO_TENANT_ID, 'pstnCalls'));
    assert.ok((await daily).length > 0);
  } finally {
    await store.close();
  }
});

test('a seeding that stops short fails the reads that waited for it, as the database unavailable', async () => {
  const store = await seededStore();
  try {
    const gate = new SeedGate(DEMO_TENANT_ID);
    const served = gate.wrap(store);
    await write(store, gate, batches[0]!);
    const count = served.countAllCallRecords(DEMO_TENANT_ID);
    assert.equal(await settledWithin(count), 'pending');
    gate.fail(new Error('stopped'));
    await assert.rejects(count, StoreUnavailableError);
    await assert.rejects(served.listCallRecords(DEMO_TENANT_ID, page(100_000)), StoreUnavailableError);
  } finally {
    await store.close();
  }
});

test('serve --demo on an empty database: a client that walks the list at once sees the whole tenant', async () => {
  const database = TEST_BACKEND === 'postgres' ? await freshPostgres() : undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-seed-gate-'));
  const db = database?.url ?? path.join(dir, 'demo.db');
  // The seeding stops after its first batch until the client has read its first page, so that the walk and the
  // count below happen while records are still being written (without the gate they see part of the tenant).
  let release!: () => void;
  const seedingHold = new Promise<void>((resolve) => (release = resolve));
  const config = loadConfig({ db, port: 0, demo: true, demoUsers: 60, demoDays: 10, logLevel: 'silent' }, {});
  // On a SQLite file not made yet, the generation starts before the store is open, as `serve --demo` does.
  const demoBatches = startDemoBatches(config);
  assert.equal(demoBatches === undefined, TEST_BACKEND === 'postgres');
  const server = await startServer(config, { seedingHold, ...(demoBatches ? { demoBatches } : {}) });
  try {
    const app = DEMO_APPS[0];
    const tokenRes = await fetch(`${server.url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.appId,
        client_secret: app.secret,
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    assert.equal(tokenRes.status, 200);
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const headers = { authorization: `Bearer ${token}` };
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    // Walk every page at once, and count, while the rest is being written.
    const counted = fetch(`${server.url}/v1.0/communications/callRecords/$count`, { headers });
    const ids: string[] = [];
    let next: string | undefined = `${server.url}/v1.0/communications/callRecords`;
    while (next) {
      // Pages served plain and compressed (joined from stored fragments) alternate: both list reads are gated.
      const coding = ids.length % 120 === 0 ? 'identity' : 'gzip';
      const res = await fetch(next, { headers: { ...headers, 'accept-encoding': coding } });
      assert.equal(res.headers.get('content-encoding') ?? 'identity', coding);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { value: { id: string }[]; '@odata.nextLink'?: string };
      ids.push(...body.value.map((r) => r.id));
      next = body['@odata.nextLink'];
      if (ids.length === body.value.length) {
        // The first page is served from the first batch; the count is not, while the seeding is held.
        assert.ok(ids.length > 0 && next !== undefined);
        assert.equal(await settledWithin(counted), 'pending');
        release();
      }
    }
    const count = Number(await (await counted).text());
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, count);
    assert.ok(ids.length > 1000, `${ids.length} records`);
    await server.close();
    // What the seeding wrote in the end: the walk saw all of it.
    const store = await openStore({ db, json: STORED_JSON });
    try {
      assert.equal(await store.countAllCallRecords(DEMO_TENANT_ID), ids.length);
    } finally {
      await store.close();
    }
  } finally {
    await server.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the generation starts before the store is open only for a database certainly empty', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-seed-start-'));
  try {
    const existing = path.join(dir, 'demo.db');
    await (await openStore({ db: existing, json: STORED_JSON })).close();
    const demo = { demo: true, demoUsers: 10, demoDays: 1 };
    assert.equal(startDemoBatches(loadConfig({ ...demo, db: existing }, {})), undefined);
    assert.equal(startDemoBatches(loadConfig({ ...demo, db: 'postgres://127.0.0.1/none' }, {})), undefined);
    assert.equal(startDemoBatches(loadConfig({ db: path.join(dir, 'new.db') }, {})), undefined);
    const started = startDemoBatches(loadConfig({ ...demo, db: path.join(dir, 'new.db') }, {}));
    assert.ok(started);
    await started.cancel();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

after(() => {
  batches = [];
});
