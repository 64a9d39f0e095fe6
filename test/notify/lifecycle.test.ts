// Lifecycle on the virtual clock: reauthorizationRequired before expiry (once per expiration), renewal by PATCH,
// expiry with subscriptionRemoved (then nothing more is delivered), and subscriptionRemoved on DELETE.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { DEMO_APPS } from '../../src/demo/apps.js';
import type { TestServer } from '../helpers/server.js';
import { call, inMinutes, push, record, subscribe, withWebhooks, type Receiver } from './helpers.js';
import { assertValidNotification } from './notification-schema.js';

let server: TestServer;
let receiver: Receiver;

withWebhooks((s, r) => {
  [server, receiver] = [s, r];
  token = s.token;
});

let token = '';
const minutes = async (n: number) => {
  server.clock.advance(n * 60_000);
  await server.app.notifier.idle();
  // Tokens live an hour of virtual time too.
  token = await server.tokenFor(DEMO_APPS[0].appId, DEMO_APPS[0].secret);
};
const events = (path: string) => receiver.values(path).map((v) => v.lifecycleEvent);

test('reauthorizationRequired 15 minutes before expiry; PATCH renews; expiry removes with subscriptionRemoved', async () => {
  const sub = await subscribe(server, {
    notificationUrl: `${receiver.url}/life`,
    lifecycleNotificationUrl: `${receiver.url}/life-events`,
    expirationDateTime: inMinutes(server, 60),
  });
  await minutes(44);
  assert.deepEqual(events('/life-events'), []);
  await minutes(1);
  assert.deepEqual(events('/life-events'), ['reauthorizationRequired']);
  await minutes(5);
  assert.deepEqual(events('/life-events'), ['reauthorizationRequired'], 'once per expiration');
  assertValidNotification(JSON.parse(receiver.notifications().find((r) => r.path === '/life-events')!.body));

  // Renewal: another hour from now; the old expiry passes without effect.
  const renewed = await call(server, 'PATCH', `/v1.0/subscriptions/${sub.id}`, {
    body: { expirationDateTime: inMinutes(server, 60) },
    token,
  });
  assert.equal(renewed.status, 200);
  await minutes(20);
  assert.equal(
    (await call(server, 'GET', `/v1.0/subscriptions/${sub.id}`, { token })).status,
    200,
    'still alive',
  );
  const id = randomUUID();
  await push(server, record(id));
  await server.app.notifier.idle();
  assert.equal(receiver.values('/life').length, 1);

  await minutes(25);
  assert.deepEqual(events('/life-events'), ['reauthorizationRequired', 'reauthorizationRequired']);
  await minutes(15);
  assert.deepEqual(events('/life-events'), [
    'reauthorizationRequired',
    'reauthorizationRequired',
    'subscriptionRemoved',
  ]);
  const removed = receiver.values('/life-events').at(-1)!;
  assert.equal(removed.subscriptionId, sub.id);
  assert.equal((await call(server, 'GET', `/v1.0/subscriptions/${sub.id}`, { token })).status, 404);
  const list = await call<{ value: { id: string }[] }>(server, 'GET', '/v1.0/subscriptions', { token });
  assert.ok(!list.body.value.some((s) => s.id === sub.id));

  await push(server, record(randomUUID()));
  await server.app.notifier.idle();
  assert.equal(receiver.values('/life').length, 1, 'nothing after expiry');
});

test('DELETE sends subscriptionRemoved to the lifecycle URL; no lifecycle URL, no lifecycle notifications', async () => {
  const sub = await subscribe(
    server,
    { notificationUrl: `${receiver.url}/del`, lifecycleNotificationUrl: `${receiver.url}/del-events` },
    { token },
  );
  const plain = await subscribe(server, { notificationUrl: `${receiver.url}/plain` }, { token });
  assert.equal((await call(server, 'DELETE', `/v1.0/subscriptions/${sub.id}`, { token })).status, 204);
  assert.equal((await call(server, 'DELETE', `/v1.0/subscriptions/${plain.id}`, { token })).status, 204);
  await server.app.notifier.idle();
  assert.deepEqual(events('/del-events'), ['subscriptionRemoved']);
  assert.equal(receiver.values('/del-events')[0]!.clientState, 'secret-client-state');
  assert.deepEqual(
    receiver.notifications().filter((r) => r.path === '/plain'),
    [],
  );
});
