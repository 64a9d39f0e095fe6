// buildApp owns every background job: the clock saved by the admin API, the retention purge and the signing key
// reload start with the app and stop with it, so tests build exactly what `serve` runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.js';
import { CLOCK_SETTING } from '../../src/clock.js';
import { loadConfig } from '../../src/config/index.js';
import { makeRecord } from '../api/fixtures.js';
import { openTestStore } from '../helpers/test-db.js';

const TENANT = 'aaaaaaaa-0000-4000-8000-00000000000a';
const DAY = 86_400_000;
const config = loadConfig({ db: ':memory:', port: 0, logLevel: 'silent', retentionDays: 30 }, {});

test('the app resumes the saved virtual clock and purges records past retention', async () => {
  const store = await openTestStore();
  const now = Date.UTC(2026, 5, 1);
  await store.setSetting(CLOCK_SETTING, JSON.stringify({ frozen: true, now, offsetMs: 0 }));
  const app = await buildApp(config, { store });
  try {
    assert.equal(app.clock.now(), now);
    await store.createTenant({ id: TENANT, displayName: 'A', createdMs: now });
    const old = makeRecord('old', { startMs: now - 31 * DAY });
    const kept = makeRecord('kept', { startMs: now - 29 * DAY });
    await store.upsertCallRecords(TENANT, [old, kept]);
    assert.equal(await app.retention.purge(), 1);
    assert.equal(await store.countAllCallRecords(TENANT), 1);
    assert.equal((await store.getCallRecord(TENANT, kept.id, 0))?.id, kept.id);
  } finally {
    await app.fastify.close();
    await store.close();
  }
});

test("every job's timer stops when the app closes", async (t) => {
  const store = await openTestStore();
  // Watch the real timers: which intervals the app starts, and which it clears.
  const started = t.mock.method(globalThis, 'setInterval');
  const cleared = t.mock.method(globalThis, 'clearInterval');
  const app = await buildApp(config, { store });
  const timers = started.mock.calls.map((c) => c.result);
  // Notifier, dispatcher, retention purge and key reload each keep one.
  assert.ok(timers.length >= 4, `${timers.length} timers started`);
  await app.fastify.close();
  const stopped = new Set(cleared.mock.calls.map((c) => c.arguments[0]));
  assert.deepEqual(
    timers.filter((x) => !stopped.has(x as NodeJS.Timeout)),
    [],
  );
  await store.close();
});
