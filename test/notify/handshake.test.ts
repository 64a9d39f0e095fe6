// The validation handshake against a real receiver: success (notification and lifecycle URLs), failures (non-200,
// wrong body, wrong content type, nothing listening) and a timeout, each with Graph's 400 and nothing created.
// backends: sqlite — the validation handshake with a receiver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestServer } from '../helpers/server.js';
import { call, deliveries, inMinutes, startReceiver, withWebhooks, type Receiver } from './helpers.js';

let server: TestServer;
let receiver: Receiver;
type Err = { error: { code: string; message: string } };

// A short budget keeps the timeout test fast; the default is Graph's 10 s.
withWebhooks((s, r) => ([server, receiver] = [s, r]), { webhookValidationTimeoutMs: 300 });

const create = (path: string, extra: Record<string, unknown> = {}) =>
  call<Err & { id: string }>(server, 'POST', '/v1.0/subscriptions', {
    body: {
      changeType: 'created',
      notificationUrl: `${receiver.url}${path}`,
      resource: 'communications/callRecords',
      expirationDateTime: inMinutes(server, 60),
      ...extra,
    },
  });

const count = async () =>
  (await call<{ value: unknown[] }>(server, 'GET', '/v1.0/subscriptions')).body.value.length;

test('the receiver gets POST ?validationToken=… and echoes it: created; the lifecycle URL is checked too', async () => {
  receiver.behaviour = undefined;
  const res = await create('/ok?tenant=a', { lifecycleNotificationUrl: `${receiver.url}/lifecycle` });
  assert.equal(res.status, 201);
  const checks = receiver.requests.filter((r) => r.validationToken !== null);
  assert.deepEqual(checks.map((r) => r.path).sort(), ['/lifecycle', '/ok']);
  for (const r of checks) {
    assert.equal(r.body, '');
    assert.match(r.contentType ?? '', /^text\/plain/);
  }
  const log = await deliveries(server);
  assert.ok(log.value.filter((a) => a.kind === 'validation' && a.outcome === 'validated').length >= 2);
  assert.ok(
    log.value.every((a) => !String(a.url).includes('?')),
    'query strings are not logged',
  );
});

test('a non-200 answer: 400 ValidationError, nothing created', async () => {
  const before = await count();
  receiver.behaviour = (r, res) => {
    if (r.path !== '/503') return false;
    res.writeHead(503).end();
    return true;
  };
  const res = await create('/503');
  assert.equal(res.status, 400);
  assert.deepEqual(res.body.error, {
    ...res.body.error,
    code: 'ValidationError',
    message:
      'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
  });
  assert.equal(await count(), before);
});

test('a wrong body or content type: 400 ValidationError', async () => {
  receiver.behaviour = (r, res) => {
    if (r.path === '/wrong-body') res.writeHead(200, { 'content-type': 'text/plain' }).end('something else');
    else if (r.path === '/json')
      res.writeHead(200, { 'content-type': 'application/json' }).end(r.validationToken);
    else if (r.path === '/encoded') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(encodeURIComponent(r.validationToken ?? ''));
    } else return false;
    return true;
  };
  const wrong = await create('/wrong-body');
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error.code, 'ValidationError');
  assert.equal(
    wrong.body.error.message,
    'Subscription validation request failed. Response must exactly match validationToken query parameter.',
  );
  // The token has spaces and colons: echoing it still URL-encoded is a mismatch.
  assert.equal((await create('/encoded')).status, 400);
  assert.equal((await create('/json')).body.error.code, 'ValidationError');
});

test('a failing lifecycle URL fails the create even when the notification URL is fine', async () => {
  receiver.behaviour = (r, res) => {
    if (r.path !== '/bad-lifecycle') return false;
    res.writeHead(404).end();
    return true;
  };
  const res = await create('/fine', { lifecycleNotificationUrl: `${receiver.url}/bad-lifecycle` });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'ValidationError');
});

test('nothing listening: 400 ValidationError', async () => {
  const gone = await startReceiver();
  await gone.close();
  const res = await call<Err>(server, 'POST', '/v1.0/subscriptions', {
    body: {
      changeType: 'created',
      notificationUrl: `${gone.url}/hook`,
      resource: 'communications/callRecords',
      expirationDateTime: inMinutes(server, 60),
    },
  });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'ValidationError');
});

test('no answer within the budget: 400 InvalidRequest "Subscription validation request timed out."', async () => {
  receiver.behaviour = (r) => r.path === '/hang'; // never answers
  const started = Date.now();
  const res = await create('/hang');
  assert.equal(res.status, 400);
  assert.deepEqual(
    [res.body.error.code, res.body.error.message],
    ['InvalidRequest', 'Subscription validation request timed out.'],
  );
  assert.ok(Date.now() - started < 2000, 'the configured 300 ms budget applies');
  const log = await deliveries(server);
  assert.ok(
    log.value.some((a) => a.kind === 'validation' && a.outcome === 'rejected' && a.error === 'timeout'),
  );
});
