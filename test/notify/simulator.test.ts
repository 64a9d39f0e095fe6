// From a simulated call to a webhook: hanging up a call (POST/DELETE /admin/tenants/{t}/calls) makes a record
// whose notification arrives at once with no delays configured, and its late version 2 arrives as `updated` when
// the virtual clock reaches it. A participant subscription hears only the calls of that participant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { adminRequest } from '../helpers/admin.js';
import type { TestServer } from '../helpers/server.js';
import { ADMIN_KEY, subscribe, withWebhooks, type Receiver } from './helpers.js';
import { assertValidNotification } from './notification-schema.js';

const ALICE = '5f0a1c2e-0d1b-4c8e-9a11-0a1b2c3d4e01';
const BOB = '5f0a1c2e-0d1b-4c8e-9a11-0a1b2c3d4e02';
const CAROL = '5f0a1c2e-0d1b-4c8e-9a11-0a1b2c3d4e03';

let server: TestServer;
let receiver: Receiver;

withWebhooks((s, r) => ([server, receiver] = [s, r]), { recordDelaySeconds: 0 });

async function admin<T>(path: string, method: string, body?: unknown): Promise<T> {
  const r = await adminRequest(`${server.url}/admin${path}`, ADMIN_KEY, method, body);
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  return (r.text ? r.json : null) as T;
}

const user = (id: string) => ({ identity: { user: { id, displayName: id.slice(-2) } } });

test('a hung-up call is notified as created, its late version 2 as updated', async () => {
  await subscribe(server, { notificationUrl: `${receiver.url}/calls` });
  await subscribe(server, {
    notificationUrl: `${receiver.url}/carol`,
    resource: `/communications/callRecords?$filter=participants/any(p:p/id eq '${CAROL}')`,
  });
  const call = await admin<{ id: string; callChainId: string }>(`/tenants/${DEMO_TENANT_ID}/calls`, 'POST', {
    source: user(ALICE),
    targets: [user(BOB)],
    requestedModalities: ['audio'],
    simulation: { lateUpdateAfterSeconds: 600 },
  });
  await admin('/clock', 'POST', { action: 'advance', by: 'PT3M' });
  await admin(`/tenants/${DEMO_TENANT_ID}/calls/${call.id}`, 'DELETE');
  await receiver.waitFor(() => receiver.values('/calls').length === 1);
  const created = receiver.values('/calls')[0]!;
  assert.equal(created.changeType, 'created');
  assert.equal(created.resource, `communications/callRecords/${call.callChainId}`);
  await admin('/clock', 'POST', { action: 'advance', by: 'PT10M' });
  await receiver.waitFor(() => receiver.values('/calls').length === 2);
  assert.equal(receiver.values('/calls')[1]!.changeType, 'updated');
  for (const r of receiver.notifications()) assertValidNotification(JSON.parse(r.body));
  await server.app.notifier.idle();
  assert.deepEqual(receiver.values('/carol'), [], 'Carol was not in the call');
});
