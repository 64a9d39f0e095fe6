// A receiver outage: failed deliveries are retried with exponential backoff and jitter on the virtual clock and
// nothing is lost when the receiver comes back; past 4 hours of failures the batch is dropped and a `missed`
// lifecycle notification goes to the lifecycle URL.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { TestServer } from '../helpers/server.js';
import {
  deliveries,
  importRecords,
  push,
  record,
  subscribe,
  withWebhooks,
  type Receiver,
} from './helpers.js';
import { assertValidNotification } from './notification-schema.js';

let server: TestServer;
let receiver: Receiver;

withWebhooks((s, r) => ([server, receiver] = [s, r]));

/** Answers notifications on `path` with 503 while `down` says so. */
function outage(path: string, down: () => boolean) {
  receiver.behaviour = (r, res) => {
    if (r.path !== path || r.validationToken !== null || !down()) return false;
    res.writeHead(503).end();
    return true;
  };
}

const attemptsOn = (path: string) => receiver.notifications().filter((r) => r.path === path).length;
const pendingNext = async () => {
  const p = (await deliveries(server)).pending[0];
  return p === undefined ? undefined : Date.parse(String(p.nextAttemptDateTime));
};
const step = async (ms: number) => {
  server.clock.advance(ms);
  await server.app.notifier.idle();
};

test('through an outage: backoff grows, jitter applies, and every notification arrives once it is over', async () => {
  let down = true;
  outage('/outage', () => down);
  await subscribe(server, { notificationUrl: `${receiver.url}/outage` });
  const a = randomUUID();
  const b = randomUUID();
  // One import: both records are written in one transaction, so they fail and retry as one batch.
  await importRecords(server, [record(a, 1), record(b, 1)]);
  await server.app.notifier.idle();
  assert.ok(attemptsOn('/outage') >= 1);
  const gaps: number[] = [];
  for (let attempt = 1; attempt <= 6; attempt++) {
    const next = await pendingNext();
    assert.ok(next !== undefined, 'still queued');
    const gap = next - server.clock.now();
    gaps.push(gap);
    const base = 10_000 * 2 ** (attempt - 1);
    assert.ok(
      gap >= base * 0.75 && gap <= base * 1.25,
      `attempt ${attempt}: ${gap} ms within ±25 % of ${base}`,
    );
    await step(gap - 1);
    assert.equal(await pendingNext(), next, 'not retried early');
    await step(1);
  }
  // A new version during the outage is queued behind them, on its own schedule.
  await push(server, record(a, 2));
  await server.app.notifier.idle();
  const failures = attemptsOn('/outage');
  down = false;
  for (let next = await pendingNext(); next !== undefined; next = await pendingNext()) {
    await step(Math.max(0, next - server.clock.now()));
  }
  const values = receiver
    .notifications()
    .filter((r) => r.path === '/outage')
    .slice(failures)
    .flatMap(
      (r) => (JSON.parse(r.body) as { value: { changeType: string; resourceData: { id: string } }[] }).value,
    );
  assert.deepEqual(
    values.map((v) => `${v.resourceData.id}:${v.changeType}`).sort(),
    [`${a}:created`, `${a}:updated`, `${b}:created`].sort(),
  );
  assert.equal(await pendingNext(), undefined, 'nothing left queued');
  const log = (await deliveries(server)).value;
  assert.ok(log.filter((x) => x.outcome === 'failed' && x.status === 503).length >= 7);
  assert.ok(log.some((x) => x.outcome === 'delivered' && Number(x.attempt) >= 8));
  console.log(
    `outage: ${failures} failed attempts, backoff gaps ${gaps.map((g) => Math.round(g / 1000)).join(', ')} s`,
  );
});

test('after 4 hours of failures the batch is dropped and `missed` goes to the lifecycle URL', async () => {
  outage('/dead', () => true);
  const sub = await subscribe(server, {
    notificationUrl: `${receiver.url}/dead`,
    lifecycleNotificationUrl: `${receiver.url}/lifecycle-missed`,
    expirationDateTime: new Date(server.clock.now() + 4000 * 60_000).toISOString(),
  });
  const id = randomUUID();
  await push(server, record(id));
  await server.app.notifier.idle();
  const firstFailure = server.clock.now();
  while (server.clock.now() - firstFailure < 4 * 3_600_000) {
    const next = await pendingNext();
    if (next === undefined) break;
    await step(Math.max(1, next - server.clock.now()));
  }
  await server.app.notifier.idle();
  const attempts = attemptsOn('/dead');
  assert.ok(attempts >= 10 && attempts <= 25, `${attempts} attempts in 4 hours`);
  console.log(`dead receiver: ${attempts} attempts over 4 virtual hours, then dropped and \`missed\` sent`);
  const missed = receiver.values('/lifecycle-missed');
  assert.equal(missed.length, 1);
  assert.deepEqual(Object.keys(missed[0]!).sort(), [
    'clientState',
    'lifecycleEvent',
    'subscriptionExpirationDateTime',
    'subscriptionId',
    'tenantId',
  ]);
  assert.equal(missed[0]!.lifecycleEvent, 'missed');
  assert.equal(missed[0]!.subscriptionId, sub.id);
  assertValidNotification({ value: missed });
  const log = (await deliveries(server)).value;
  assert.ok(log.some((x) => x.outcome === 'dropped'));
  assert.equal(await pendingNext(), undefined, 'the dropped batch is gone');
});
