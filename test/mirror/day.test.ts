// A day of keeping current: our own server as the upstream, with Graph's throttling, injected 429s with
// Retry-After, 503s, dropped connections, latency and duplicated webhook deliveries. The mirror backfills, then
// follows change notifications while the upstream's virtual clock runs through a day in steps of an hour and the
// call simulator produces calls whose records arrive late (15 minutes after the call, notified 5 minutes after
// that) and some of which gain a version 2 about two hours later. At the end the mirrored tenant exports byte for byte
// what the upstream exports for the window.
// backends: sqlite — the mirror's logic over a virtual day; its store paths run on both in the other mirror files.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { admin, assertSameLines, exported, TENANT, withUpstream, type Upstream } from './helpers.js';
import { advance, freePort, mirrorDb, startHooked, until } from './hook-helpers.js';

let up: Upstream;
let drop: () => Promise<void> = () => Promise.resolve();
after(() => drop());
// The server's defaults outside demo mode: records 900 s after the call, notifications 300 s after the record.
const dir = withUpstream('mirror-day', { days: 3, throttling: 'graph', webhooks: true }, (u) => (up = u));

const user = (n: number) => ({
  identity: {
    user: {
      id: `5f0a1c2e-0d1b-4c8e-9a11-0a1b2c3d4e${String(n % 100).padStart(2, '0')}`,
      displayName: `User ${n}`,
    },
  },
});

/** One simulated call of two minutes; every other one gains a version 2 two hours after its record arrives. */
async function call(n: number): Promise<string> {
  const c = (await admin(up, 'POST', `/tenants/${TENANT}/calls`, {
    source: user(2 * n),
    targets: [user(2 * n + 1)],
    requestedModalities: n % 3 === 0 ? ['audio', 'video'] : ['audio'],
    simulation: { seed: n, ...(n % 2 === 0 ? { lateUpdateAfterSeconds: 7000 } : {}) },
  })) as { id: string; callChainId: string };
  await advance(up, 'PT2M');
  await admin(up, 'DELETE', `/tenants/${TENANT}/calls/${c.id}`);
  return c.callChainId;
}

test('backfill, then a day of change notifications through faults: the mirror exports what the upstream exports', async () => {
  const d = await mirrorDb(dir, 'day');
  drop = () => d.drop();
  await admin(up, 'POST', '/faults', { resource: 'record', everyNth: 17, status: 429, retryAfterSeconds: 1 });
  await admin(up, 'POST', '/faults', { resource: 'participants', everyNth: 13, status: 503 });
  await admin(up, 'POST', '/faults', { resource: 'records', everyNth: 3, drop: true });
  await admin(up, 'POST', '/faults', {
    route: '/v1.0/communications/callRecords/*',
    probability: 0.2,
    latencyMs: [5, 40],
    seed: 3,
  });
  await admin(up, 'POST', '/faults', { on: 'delivery', probability: 0.3, duplicate: true, seed: 5 });

  // Scheduled passes two days apart: within the day only notifications (and catch-ups after gaps) bring records.
  const m = await startHooked(up, {
    db: d.db,
    days: 2,
    port: await freePort(),
    lookbackHours: 6,
    pollIntervalSeconds: 2 * 86_400,
    betaLogs: true,
  });
  const ids: string[] = [];
  // Each hour, once the upstream has sent what was due: the mirror holds every record the upstream has notified.
  const current = async (what: string) => {
    await up.server.app.notifier.idle(30_000);
    const theirs = await up.server.store.mirror.storedVersions(TENANT, ids);
    await until(
      what,
      async () => {
        const mine = await m.store.mirror.storedVersions(TENANT, ids);
        return [...theirs].every(([id, v]) => (mine.get(id) ?? 0) >= v) ? true : undefined;
      },
      30_000,
    );
    return theirs;
  };
  let status;
  try {
    for (let hour = 0; hour < 24; hour++) {
      ids.push(await call(2 * hour), await call(2 * hour + 1));
      // The hour's records (and the versions 2 due) arrive; five minutes later they are notified.
      await advance(up, 'PT40M');
      await advance(up, 'PT10M');
      await current(`the mirror at hour ${hour}`);
      await advance(up, 'PT6M');
    }
    // Version 2 of the last calls, and their notifications.
    await advance(up, 'PT3H');
    await advance(up, 'PT10M');
    const expected = await current('the mirror at the end');
    assert.equal(expected.size, ids.length, 'every call became a record upstream');
    assert.ok([...expected.values()].filter((v) => v === 2).length >= 20);
  } finally {
    status = await m.stop();
    await admin(up, 'DELETE', '/faults');
  }
  const w = status.webhook!;
  assert.ok(w.notifications >= ids.length + 24, JSON.stringify(w));
  assert.equal(w.recreations, 0);
  assert.ok(status.created >= ids.length && status.updated >= 24, JSON.stringify(status));
  assert.ok(status.throttled > 0 && status.serverErrors > 0 && status.dropped > 0, JSON.stringify(status));

  const end = new Date(up.server.clock.now()).toISOString();
  const mine = await exported(d.db, status.from, end);
  const theirs = await exported(up.db, status.from, end);
  assert.ok(theirs.split('\n').length > ids.length);
  assertSameLines(mine, theirs);
});
