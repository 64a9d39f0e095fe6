// Webhook mode against our own server as the upstream, through real HTTP both ways: the mirror's subscription
// survives a renewal, a `subscriptionRemoved` (re-created, the gap listed again), a missed period while its endpoint
// was unreachable (`missed`, then a catch-up), and the mirror itself being down (a restart lists the gap and
// deletes the subscription it can no longer verify). Scheduled passes are a day apart here, so only the mechanism
// under test can bring the records that prove it.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { cli } from '../cli/run.js';
import { admin, mirrorArgs, TENANT, withUpstream, type Upstream } from './helpers.js';
import type { MirrorStatus } from '../../src/mirror/index.js';
import {
  advance,
  freePort,
  graph,
  mirrorDb,
  pushRecord,
  startHooked,
  startRelay,
  subscriptions,
  until,
} from './hook-helpers.js';

let up: Upstream;
const drops: (() => Promise<void>)[] = [];
after(async () => {
  for (const drop of drops) await drop();
});
const dir = withUpstream(
  'mirror-hook',
  { days: 3, throttling: 'off', notificationDelaySeconds: 0, webhooks: true },
  (u) => (up = u),
);

/** Runs `body` with the mirror, then stops it whatever happened; resolves with its final status. */
async function withMirror(
  m: { stop(): Promise<MirrorStatus> },
  body: () => Promise<void>,
): Promise<MirrorStatus> {
  try {
    await body();
  } catch (err) {
    await m.stop().catch(() => undefined);
    throw err;
  }
  return m.stop();
}

async function db(name: string): Promise<string> {
  const d = await mirrorDb(dir, name);
  drops.push(() => d.drop());
  return d.db;
}

test('a renewal keeps the subscription past its first expiry, and notifications keep coming', async () => {
  const m = await startHooked(up, { db: await db('renewal'), days: 1, port: await freePort() });
  let subId = '';
  const s = await withMirror(m, async () => {
    const [sub] = await subscriptions(up);
    assert.ok(sub, 'a subscription was created');
    assert.match(sub.notificationUrl, /^http:\/\/127\.0\.0\.1:\d+\/callrecords$/);
    const firstExpiry = Date.parse(sub.expirationDateTime);
    // Graph's maximum lifetime less the margin: about 70 hours.
    assert.ok(firstExpiry - up.server.clock.now() > 69 * 3_600_000, sub.expirationDateTime);

    // Past half its lifetime: the mirror renews it (PATCH), keeping the id.
    await advance(up, 'PT36H');
    const renewed = await until('the renewal', async () => {
      const [s] = await subscriptions(up);
      return s && Date.parse(s.expirationDateTime) > firstExpiry ? s : undefined;
    });
    assert.equal(renewed.id, sub.id);
    assert.ok(up.requests.some((r) => r.method === 'PATCH' && r.url === `/v1.0/subscriptions/${sub.id}`));

    // After the first expiry the same subscription still notifies.
    await advance(up, 'PT36H');
    assert.ok(up.server.clock.now() > firstExpiry);
    const id = await pushRecord(up);
    assert.equal(await until('the notified record', () => m.version(id)), 1);
    assert.equal((await subscriptions(up))[0]?.id, sub.id);
    subId = sub.id;
  });
  assert.ok((s.webhook?.renewals ?? 0) >= 1, JSON.stringify(s.webhook));
  assert.ok((s.webhook?.notifications ?? 0) >= 1);
  assert.equal(s.webhook?.recreations, 0);
  assert.ok(subId);
  // Stopping deletes the subscription: its clientState dies with the process.
  assert.deepEqual(await subscriptions(up), []);
});

test('after subscriptionRemoved the mirror subscribes again and lists the gap', async () => {
  const m = await startHooked(up, { db: await db('removed'), days: 1, port: await freePort() });
  const s = await withMirror(m, async () => {
    const [first] = await subscriptions(up);
    assert.ok(first);
    // The lifecycle notification takes a moment, as Graph's do: records arrive while no subscription exists.
    await admin(up, 'POST', '/faults', { on: 'delivery', latencyMs: 1500 });
    const res = await graph(up, 'DELETE', `/v1.0/subscriptions/${first.id}`);
    assert.equal(res.status, 204);
    const inGap = await pushRecord(up, 20);
    const second = await until('a new subscription', async () => {
      const [s] = await subscriptions(up);
      return s && s.id !== first.id ? s : undefined;
    });
    assert.equal(await until('the record pushed in the gap', () => m.version(inGap)), 1);
    await admin(up, 'DELETE', '/faults');

    // The new subscription notifies.
    const later = await pushRecord(up, 5);
    assert.equal(await until('a record notified on the new subscription', () => m.version(later)), 1);
    assert.deepEqual(
      (await subscriptions(up)).map((s) => s.id),
      [second.id],
    );
  });
  assert.equal(s.webhook?.lifecycle.subscriptionRemoved, 1, JSON.stringify(s.webhook));
  assert.equal(s.webhook?.recreations, 1);
  assert.ok((s.webhook?.catchUps ?? 0) >= 1);
});

test('a missed period (the endpoint unreachable until the upstream gave up) is caught up after `missed`', async () => {
  const listenPort = await freePort();
  const relay = await startRelay(listenPort);
  const m = await startHooked(up, {
    db: await db('missed'),
    days: 1,
    port: relay.port,
    listenPort,
    lookbackHours: 6,
  });
  const s = await withMirror(m, async () => {
    relay.down = true;
    const lost = await pushRecord(up, 5);
    // The upstream retries for 4 hours of its clock, then drops the notification and queues `missed`.
    for (let i = 0; i < 10; i++) {
      await advance(up, 'PT30M');
      await up.server.app.notifier.idle();
    }
    const log = (await admin(up, 'GET', `/tenants/${TENANT}/deliveries?limit=200`)) as {
      value: { kind: string; outcome: string }[];
    };
    assert.ok(
      log.value.some((d) => d.kind === 'notification' && d.outcome === 'dropped'),
      JSON.stringify(log.value.slice(0, 5)),
    );
    assert.equal(await m.version(lost), undefined, 'nothing reached the mirror while it was unreachable');
    relay.down = false;
    await advance(up, 'PT1M');
    assert.equal(await until('the record caught up after missed', () => m.version(lost)), 1);
  }).finally(() => relay.close());
  assert.ok((s.webhook?.lifecycle.missed ?? 0) >= 1, JSON.stringify(s.webhook));
  assert.ok((s.webhook?.catchUps ?? 0) >= 1);
});

test('a mirror that was down lists the gap from where it left off, and deletes the subscription it cannot verify', async () => {
  const mdb = await db('down');
  const port = await freePort();
  const first = await startHooked(up, { db: mdb, days: 2, port, lookbackHours: 24 });
  let staleId = '';
  const firstStatus = await withMirror(first, async () => {
    // A subscription to the same endpoint whose clientState the next run cannot know (as after a crash).
    const stale = await graph(up, 'POST', '/v1.0/subscriptions', {
      changeType: 'created,updated',
      notificationUrl: `http://127.0.0.1:${port}/callrecords`,
      resource: '/communications/callRecords',
      expirationDateTime: new Date(up.server.clock.now() + 86_400_000).toISOString(),
      clientState: 'not-the-mirrors',
    });
    assert.equal(stale.status, 201, await stale.clone().text());
    staleId = ((await stale.json()) as { id: string }).id;
  });
  assert.ok(firstStatus.syncedThrough, 'the first run knew itself current');

  // While it is down, a late record arrives for the day before (a day whose window the backfill has done).
  const now = up.server.clock.now();
  const yesterday = Math.floor(now / 86_400_000) * 86_400_000 - 3_600_000;
  const late = await pushRecord(up, (now - yesterday) / 60_000);
  await advance(up, 'PT2H');

  const second = await startHooked(up, { db: mdb, days: 2, port, lookbackHours: 24 });
  await withMirror(second, async () => {
    assert.equal(await until('the record that arrived while down', () => second.version(late)), 1);
    const live = await subscriptions(up);
    assert.equal(live.length, 1);
    assert.notEqual(live[0]!.id, staleId);
    assert.ok(second.lines.some((l) => l.includes(`deleted stale subscription ${staleId}`)));
  });
});

test('the command line in webhook mode: a record pushed after the backfill arrives by notification, SIGTERM deletes the subscription', async () => {
  const mdb = await db('cli');
  const port = await freePort();
  const args = mirrorArgs(up, mdb, 1, '--notification-url', `http://127.0.0.1:${port}/hook`, '--json').filter(
    (a) => a !== '--once',
  );
  const running = cli(...args);
  try {
    await until('the subscription', async () => ((await subscriptions(up)).length === 1 ? true : undefined));
    const id = await pushRecord(up, 3);
    const store = await openStore({ db: mdb, json: STORED_JSON });
    try {
      await until('the notified record', async () =>
        (await store.getCallRecord(TENANT, id, -8.64e15)) ? true : undefined,
      );
    } finally {
      await store.close();
    }
  } finally {
    process.emit('SIGTERM');
  }
  const r = await running;
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as MirrorStatus;
  assert.equal(s.mode, 'webhook');
  assert.ok((s.webhook?.notifications ?? 0) >= 1, JSON.stringify(s.webhook));
  assert.deepEqual(await subscriptions(up), []);
});
