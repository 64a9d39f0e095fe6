// An app holds a bounded number of live subscriptions per tenant (Graph's own per-app limit and error), and a moved
// notification URL is logged without its query string, as a created one is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestServer } from '../helpers/server.js';
import { call, inMinutes, withWebhooks, type Receiver } from './helpers.js';

const LIMIT = 3;
let server: TestServer;
let receiver: Receiver;
const lines: string[] = [];

withWebhooks(
  (s, r) => ([server, receiver] = [s, r]),
  { maxSubscriptionsPerApp: LIMIT, logLevel: 'info' },
  (line) => lines.push(line),
);

const create = (url = `${receiver.url}/hook`) =>
  call<{ id: string; error: { code: string; message: string } }>(server, 'POST', '/v1.0/subscriptions', {
    body: {
      changeType: 'created',
      notificationUrl: url,
      resource: 'communications/callRecords',
      expirationDateTime: inMinutes(server, 60),
    },
  });

void test('past the per-app limit, creation answers 403 ExtensionError; a deletion frees a slot', async () => {
  const ids: string[] = [];
  // Concurrent creations count while their handshakes run, so a burst cannot overshoot the limit.
  const burst = await Promise.all(Array.from({ length: LIMIT + 2 }, () => create()));
  for (const r of burst) if (r.status === 201) ids.push(r.body.id);
  assert.equal(ids.length, LIMIT, `created ${ids.length} of a burst of ${LIMIT + 2}`);
  const over = await create();
  assert.equal(over.status, 403);
  assert.equal(over.body.error.code, 'ExtensionError');
  assert.equal(
    over.body.error.message,
    'Operation: Create; Exception: [Status Code: Forbidden; Reason: Maximum number of subscriptions has been reached]',
  );
  const list = await call<{ value: unknown[] }>(server, 'GET', '/v1.0/subscriptions');
  assert.equal(list.body.value.length, LIMIT);
  assert.equal((await call(server, 'DELETE', `/v1.0/subscriptions/${ids[0]}`)).status, 204);
  assert.equal((await create()).status, 201);
});

void test('PATCH logs the new notification URL without its query string', async () => {
  await call(server, 'DELETE', `/v1.0/subscriptions/${(await listIds())[0]}`);
  const created = await create(`${receiver.url}/hook?code=created-secret-1`);
  assert.equal(created.status, 201);
  const moved = await call(server, 'PATCH', `/v1.0/subscriptions/${created.body.id}`, {
    body: { notificationUrl: `${receiver.url}/moved?code=patched-secret-2&sig=abc` },
  });
  assert.equal(moved.status, 200);
  const log = lines.join('');
  assert.match(log, /subscription updated/);
  assert.match(log, /\/moved/, 'the redacted URL is logged');
  assert.doesNotMatch(log, /created-secret-1|patched-secret-2|sig=abc/);
});

async function listIds(): Promise<string[]> {
  const list = await call<{ value: { id: string }[] }>(server, 'GET', '/v1.0/subscriptions');
  return list.body.value.map((s) => s.id);
}
