// Sliding windows with a fake clock: exact at the edges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryCounterStore, Throttler, GRAPH_PROFILE, bucketsFor } from '../../src/resilience/index.js';
import { VirtualClock } from '../../src/clock.js';

const W = 20_000;

test('request N is allowed, N+1 refused, and allowed again exactly when the oldest leaves the window', async () => {
  const store = new MemoryCounterStore();
  const bucket = { key: 'k', limit: 3, windowMs: W };
  const t0 = 1_000_000;
  for (const [i, t] of [t0, t0 + 100, t0 + 200].entries()) {
    const d = await store.acquire([bucket], t);
    assert.equal(d.allowed, true, `request ${i + 1}`);
    assert.equal(d.tightest.remaining, 2 - i);
  }
  const refused = await store.acquire([bucket], t0 + 300);
  assert.equal(refused.allowed, false);
  assert.equal(refused.retryAfterMs, W - 300, 'until the oldest leaves');
  assert.equal((await store.acquire([bucket], t0 + W - 1)).allowed, false, 'one ms before');
  assert.equal((await store.acquire([bucket], t0 + W)).allowed, true, 'exactly at the edge');
  assert.equal((await store.acquire([bucket], t0 + W)).allowed, false, 'the slot was taken');
  assert.equal((await store.acquire([bucket], t0 + W + 100)).allowed, true, 'the second oldest left');
});

test('a request counts in every bucket or in none', async () => {
  const store = new MemoryCounterStore();
  const wide = { key: 'wide', limit: 10, windowMs: W };
  const narrow = { key: 'narrow', limit: 1, windowMs: W };
  assert.equal((await store.acquire([wide, narrow], 0)).allowed, true);
  const d = await store.acquire([wide, narrow], 1);
  assert.equal(d.allowed, false);
  assert.equal(d.tightest.bucket.key, 'narrow');
  for (let i = 0; i < 9; i++) assert.equal((await store.acquire([wide], 2)).allowed, true, `wide ${i}`);
  assert.equal((await store.acquire([wide], 2)).allowed, false, 'the refused request was not counted');
});

test('Graph profile: 40 list requests per 20 s per app and tenant; Retry-After in whole seconds', async () => {
  const clock = new VirtualClock();
  clock.freeze();
  clock.set(0);
  const throttler = new Throttler(GRAPH_PROFILE, new MemoryCounterStore(), clock);
  const caller = { appId: 'a', tenantId: 't' };
  for (let i = 0; i < 40; i++) {
    assert.equal((await throttler.admit(caller, { kind: 'records' }))?.allowed, true);
    clock.advance(10);
  }
  const out = await throttler.admit(caller, { kind: 'records' });
  assert.equal(out?.allowed, false);
  assert.equal(out.budget, 'call records, list');
  assert.equal(out.retryAfterSeconds, Math.ceil((W - 400) / 1000));
  assert.equal((await throttler.admit({ ...caller, appId: 'b' }, { kind: 'records' }))?.allowed, true);
  const pstn = bucketsFor(GRAPH_PROFILE, caller, {
    kind: 'function',
    name: 'getPstnCalls',
    rawParameters: '',
  });
  assert.deepEqual(
    pstn.map((b) => [b.limit, b.windowMs]),
    [
      [130_000, 10_000],
      [1000, 60_000],
      [200, 60_000],
      [50, 60_000],
    ],
  );
});
