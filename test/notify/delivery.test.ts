// Delivery to a real receiver: records pushed through the admin API arrive as changeNotificationCollection payloads
// (validated against the official schema), created once then updated per version, filtered by participant, batched
// per subscription, isolated by tenant, delayed on the virtual clock, and a slow receiver holds up no one else.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import type { TestServer } from '../helpers/server.js';
import {
  ADMIN_KEY,
  call,
  deliveries,
  push,
  record,
  startNotifyServer,
  startReceiver,
  subscribe,
  withWebhooks,
  type Receiver,
} from './helpers.js';
import { assertValidNotification } from './notification-schema.js';

let server: TestServer;
let receiver: Receiver;

withWebhooks((s, r) => ([server, receiver] = [s, r]));

const settle = () => server.app.notifier.idle();

describe('payloads', () => {
  test('a pushed record arrives as a changeNotificationCollection in the official shape', async () => {
    const sub = await subscribe(server, { notificationUrl: `${receiver.url}/shape`, clientState: 'abc' });
    const id = randomUUID();
    await push(server, record(id));
    await receiver.waitFor(() => receiver.forRecord('/shape', id).length === 1);
    const request = receiver.notifications().find((r) => r.path === '/shape')!;
    assert.match(request.contentType ?? '', /^application\/json/);
    const payload = JSON.parse(request.body) as { value: Record<string, unknown>[] };
    assertValidNotification(payload);
    assert.deepEqual(payload.value[0], {
      subscriptionId: sub.id,
      clientState: 'abc',
      changeType: 'created',
      resource: `communications/callRecords/${id}`,
      subscriptionExpirationDateTime: sub.expirationDateTime.replace(/Z$/, '+00:00'),
      resourceData: {
        '@odata.type': '#Microsoft.Graph.callrecord',
        '@odata.id': `communications/callRecords/${id}`,
        oDataType: '#microsoft.graph.callrecord',
        oDataId: `communications/callRecords/${id}`,
        id,
      },
      tenantId: DEMO_TENANT_ID,
    });
    assert.match(String(payload.value[0]?.subscriptionExpirationDateTime), /\+00:00$/);
  });

  test('a new version is `updated`; an equal or lower one sends nothing', async () => {
    await subscribe(server, { notificationUrl: `${receiver.url}/versions` });
    const id = randomUUID();
    await push(server, record(id, 1));
    await push(server, record(id, 2));
    assert.equal((await push(server, record(id, 2))).outcome, 'ignored');
    await push(server, record(id, 3));
    await settle();
    const events = receiver.forRecord('/versions', id).map((v) => v.changeType);
    assert.deepEqual(events, ['created', 'updated', 'updated']);
    for (const r of receiver.notifications().filter((n) => n.path === '/versions')) {
      assertValidNotification(JSON.parse(r.body));
    }
  });

  test('created-only hears once; updated-only hears the first sight as updated', async () => {
    await subscribe(server, { notificationUrl: `${receiver.url}/created-only`, changeType: 'created' });
    await subscribe(server, { notificationUrl: `${receiver.url}/updated-only`, changeType: 'updated' });
    const id = randomUUID();
    await push(server, record(id, 1));
    await push(server, record(id, 5));
    await settle();
    assert.deepEqual(
      receiver.forRecord('/created-only', id).map((v) => v.changeType),
      ['created'],
    );
    assert.deepEqual(
      receiver.forRecord('/updated-only', id).map((v) => v.changeType),
      ['updated', 'updated'],
    );
  });

  test('the participant filter: only records with that participant', async () => {
    const alice = randomUUID();
    await subscribe(server, {
      notificationUrl: `${receiver.url}/alice`,
      resource: `/communications/callRecords?$filter=participants/any(p:p/id eq '${alice}')`,
    });
    const withAlice = randomUUID();
    const without = randomUUID();
    await push(server, record(withAlice, 1, [alice, randomUUID()]));
    await push(server, record(without, 1, [randomUUID()]));
    await settle();
    const ids = receiver.values('/alice').map((v) => (v.resourceData as { id: string }).id);
    assert.ok(ids.includes(withAlice));
    assert.ok(!ids.includes(without));
  });
});

describe('isolation, delay and slow receivers', () => {
  test("another tenant's records never reach this tenant's subscriptions", async () => {
    await subscribe(server, { notificationUrl: `${receiver.url}/tenant-a` });
    const other = await server.app.identity.registry.createTenant({ displayName: 'Other' });
    const id = randomUUID();
    await push(server, record(id), other);
    await settle();
    assert.equal(receiver.values().filter((v) => (v.resourceData as { id: string }).id === id).length, 0);
    const log = await fetch(`${server.url}/admin/tenants/${other}/deliveries`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    assert.deepEqual(((await log.json()) as { value: unknown[] }).value, []);
  });

  test('the delay follows the virtual clock; what became due together goes in one POST', async () => {
    const delayed = await startNotifyServer({ notificationDelaySeconds: 600 });
    try {
      await subscribe(delayed, { notificationUrl: `${receiver.url}/delayed` });
      const ids = Array.from({ length: 5 }, () => randomUUID());
      for (const id of ids) await push(delayed, record(id));
      await delayed.app.notifier.idle();
      assert.equal(receiver.values('/delayed').length, 0, 'not before 10 virtual minutes');
      delayed.clock.advance(599_000);
      await delayed.app.notifier.idle();
      assert.equal(receiver.values('/delayed').length, 0);
      delayed.clock.advance(1000);
      await delayed.app.notifier.idle();
      const posts = receiver.notifications().filter((r) => r.path === '/delayed');
      assert.equal(posts.length, 1, 'one batch for the subscription');
      const got = receiver.values('/delayed').map((v) => (v.resourceData as { id: string }).id);
      assert.deepEqual(got.sort(), [...ids].sort());
    } finally {
      await delayed.close();
    }
  });

  test('a receiver that never answers delays no other subscription', async () => {
    const slow = await startReceiver();
    slow.behaviour = (r) => r.validationToken === null; // hangs on notifications
    try {
      await subscribe(server, { notificationUrl: `${slow.url}/slow` });
      await subscribe(server, { notificationUrl: `${receiver.url}/fast` });
      const id = randomUUID();
      await push(server, record(id));
      await receiver.waitFor(() => receiver.forRecord('/fast', id).length === 1);
      // Served while the slow delivery was still out: not queued behind its timeout, whatever the machine's load.
      const served = await deliveries(server);
      assert.ok(
        !served.value.some((a) => a.url === `${slow.url}/slow` && a.error === 'timeout'),
        'the fast receiver was served before the slow one timed out',
      );
      await slow.waitFor(() => slow.notifications().length === 1);
      await settle(); // the slow one times out (1 s here, 3 s by default) and is rescheduled
      const log = await deliveries(server);
      assert.ok(log.value.some((a) => a.outcome === 'failed' && a.error === 'timeout'));
      assert.ok(log.pending.length >= 1, 'the timed-out notification stays queued for a retry');
    } finally {
      await slow.close();
    }
  });

  test('GET /admin/tenants/{id}/deliveries lists attempts with status and latency', async () => {
    const log = await deliveries(server);
    const delivered = log.value.find((a) => a.outcome === 'delivered');
    assert.ok(delivered);
    assert.equal(delivered.status, 202);
    assert.equal(typeof delivered.latencyMs, 'number');
    assert.equal(typeof delivered.ingestToDeliveryMs, 'number');
    assert.equal((await call(server, 'GET', `/admin/tenants/${DEMO_TENANT_ID}/deliveries`)).status, 401);
  });
});
