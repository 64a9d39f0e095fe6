// Webhook delivery faults: a rule with "on": "delivery" drops, duplicates or delays change notifications.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { beforeEach, test } from 'node:test';
import { parseFaultRules } from '../../src/resilience/index.js';
import type { TestServer } from '../helpers/server.js';
import { push, record, subscribe, withWebhooks, type Receiver } from '../notify/helpers.js';

let server: TestServer;
let receiver: Receiver;

withWebhooks((s, r) => ([server, receiver] = [s, r]));
beforeEach(() => server.app.resilience.faults.clear());

test('duplicate: the receiver gets the notification twice', async () => {
  await subscribe(server, { notificationUrl: `${receiver.url}/dup` });
  server.app.resilience.faults.add(parseFaultRules([{ on: 'delivery', duplicate: true }]));
  const id = randomUUID();
  await push(server, record(id));
  await receiver.waitFor(() => receiver.forRecord('/dup', id).length === 2);
  await server.app.notifier.idle();
  assert.equal(receiver.forRecord('/dup', id).length, 2);
});

test('drop: the notification never arrives and is not retried; the next one does', async () => {
  await subscribe(server, { notificationUrl: `${receiver.url}/drop` });
  const [rule] = server.app.resilience.faults.add(parseFaultRules([{ on: 'delivery', drop: true }]));
  const lost = randomUUID();
  await push(server, record(lost));
  await server.app.notifier.idle();
  assert.equal(receiver.forRecord('/drop', lost).length, 0);
  assert.ok((server.app.resilience.faults.list()[0]?.injected ?? 0) >= 1, 'one drop per subscription');
  server.app.resilience.faults.remove(rule!.id);
  const next = randomUUID();
  await push(server, record(next));
  await receiver.waitFor(() => receiver.forRecord('/drop', next).length === 1);
  await server.app.notifier.idle();
  assert.equal(receiver.forRecord('/drop', lost).length, 0, 'never retried');
});

test('delay: the delivery waits the added latency', async () => {
  await subscribe(server, { notificationUrl: `${receiver.url}/slow` });
  server.app.resilience.faults.add(parseFaultRules([{ on: 'delivery', latencyMs: 300 }]));
  const id = randomUUID();
  const started = performance.now();
  await push(server, record(id));
  await receiver.waitFor(() => receiver.forRecord('/slow', id).length === 1);
  assert.ok(performance.now() - started >= 295);
});
