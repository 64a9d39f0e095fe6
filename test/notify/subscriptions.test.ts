// /subscriptions over HTTP: create, list, get, renew, move, delete, reauthorize in Graph's shape (validated against
// the official OpenAPI), the resource forms, and every 400/403/404/405 a client can meet.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { DEMO_APPS } from '../../src/demo/apps.js';
import type { TestServer } from '../helpers/server.js';
import { assertValidResponse } from '../helpers/openapi.js';
import {
  call,
  inMinutes,
  startNotifyServer,
  subscribe,
  withWebhooks,
  type Receiver,
  type SubscriptionJson,
} from './helpers.js';

let server: TestServer;
let receiver: Receiver;
type Err = { error: { code: string; message: string } };

withWebhooks((s, r) => ([server, receiver] = [s, r]));

const post = (body: unknown, version = 'v1.0') =>
  call<Err & SubscriptionJson>(server, 'POST', `/${version}/subscriptions`, { body });
const valid = () => ({
  changeType: 'created',
  notificationUrl: `${receiver.url}/hook`,
  resource: '/communications/callRecords',
  expirationDateTime: inMinutes(server, 120),
  clientState: 'state-1',
});

describe('create, read, renew, delete', () => {
  test("POST answers 201 in Graph's subscription shape, after a handshake with the receiver", async () => {
    const before = receiver.requests.length;
    const res = await post(valid());
    assert.equal(res.status, 201);
    const { '@odata.context': context, ...entity } = res.body as unknown as Record<string, unknown>;
    assert.equal(context, `${server.url}/v1.0/$metadata#subscriptions/$entity`);
    assertValidResponse('v1.0', '/subscriptions/{subscription-id}', entity);
    assert.match(res.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.get('location'), `${server.url}/v1.0/subscriptions/${res.body.id}`);
    assert.deepEqual(Object.keys(entity), [
      'id',
      'resource',
      'applicationId',
      'changeType',
      'clientState',
      'notificationUrl',
      'notificationQueryOptions',
      'lifecycleNotificationUrl',
      'expirationDateTime',
      'creatorId',
      'includeResourceData',
      'latestSupportedTlsVersion',
      'encryptionCertificate',
      'encryptionCertificateId',
      'notificationUrlAppId',
    ]);
    assert.equal(entity.resource, '/communications/callRecords');
    assert.equal(entity.applicationId, DEMO_APPS[0].appId);
    assert.equal(entity.latestSupportedTlsVersion, 'v1_2');
    assert.match(String(entity.creatorId), /^[0-9a-f-]{36}$/);
    const handshake = receiver.requests.slice(before);
    assert.equal(handshake.length, 1);
    assert.match(handshake[0]!.validationToken ?? '', /^Validation: Testing client application reachability/);
  });

  test('GET by id and list; beta adds notificationContentType; both in the official shape', async () => {
    const created = await subscribe(server, { notificationUrl: `${receiver.url}/a` });
    const one = await call<SubscriptionJson>(server, 'GET', `/v1.0/subscriptions/${created.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.id, created.id);
    const keyed = await call<SubscriptionJson>(server, 'GET', `/v1.0/subscriptions('${created.id}')`);
    assert.equal(keyed.body.id, created.id);
    const list = await call<{ '@odata.context': string; value: SubscriptionJson[] }>(
      server,
      'GET',
      '/beta/subscriptions',
    );
    assert.equal(list.body['@odata.context'], `${server.url}/beta/$metadata#subscriptions`);
    assertValidResponse('beta', '/subscriptions', { value: list.body.value });
    assert.ok(list.body.value.some((s) => s.id === created.id && s.notificationContentType === null));
  });

  test('PATCH renews expirationDateTime and moves notificationUrl (validated again)', async () => {
    const created = await subscribe(server, { notificationUrl: `${receiver.url}/old` });
    const expiry = inMinutes(server, 4000);
    const renewed = await call<SubscriptionJson>(server, 'PATCH', `/v1.0/subscriptions/${created.id}`, {
      body: { expirationDateTime: expiry },
    });
    assert.equal(renewed.status, 200);
    assert.equal(renewed.body.expirationDateTime, expiry.replace('.000Z', 'Z'));
    const moved = await call<SubscriptionJson>(server, 'PATCH', `/v1.0/subscriptions/${created.id}`, {
      body: { notificationUrl: `${receiver.url}/new` },
    });
    assert.equal(moved.body.notificationUrl, `${receiver.url}/new`);
    assert.ok(receiver.requests.some((r) => r.path === '/new' && r.validationToken !== null));
    const other = await call<Err>(server, 'PATCH', `/v1.0/subscriptions/${created.id}`, {
      body: { changeType: 'updated' },
    });
    assert.equal(other.status, 400);
    assert.equal(other.body.error.code, 'ExtensionError');
  });

  test('DELETE answers 204; the subscription is gone (404 ResourceNotFound)', async () => {
    const created = await subscribe(server, { notificationUrl: `${receiver.url}/gone` });
    const del = await call(server, 'DELETE', `/v1.0/subscriptions/${created.id}`);
    assert.equal(del.status, 204);
    const get = await call<Err>(server, 'GET', `/v1.0/subscriptions/${created.id}`);
    assert.equal(get.status, 404);
    assert.equal(get.body.error.code, 'ResourceNotFound');
    assert.equal(get.body.error.message, 'The object was not found.');
    assert.equal((await call(server, 'DELETE', `/v1.0/subscriptions/${created.id}`)).status, 404);
  });

  test('reauthorize answers 204; unsupported methods 405', async () => {
    const created = await subscribe(server, { notificationUrl: `${receiver.url}/re` });
    const re = await call(server, 'POST', `/v1.0/subscriptions/${created.id}/microsoft.graph.reauthorize`);
    assert.equal(re.status, 204);
    assert.equal((await call(server, 'PUT', `/v1.0/subscriptions/${created.id}`, { body: {} })).status, 405);
    assert.equal((await call(server, 'DELETE', '/v1.0/subscriptions')).status, 405);
  });
});

describe('resources and change types', () => {
  test('with or without a leading slash, and the participant filter form', async () => {
    for (const resource of [
      'communications/callRecords',
      '/communications/callRecords',
      "/communications/callRecords?$filter=participants/any(p:p/id eq '5f0a1c2e-0d1b-4c8e-9a11-0a1b2c3d4e01')",
    ]) {
      const res = await post({ ...valid(), resource });
      assert.equal(res.status, 201, resource);
      assert.equal(res.body.resource, resource);
    }
  });

  test('created, updated and both are accepted; anything else is a 400', async () => {
    for (const changeType of ['created', 'updated', 'created,updated']) {
      assert.equal((await post({ ...valid(), changeType })).status, 201, changeType);
    }
    for (const changeType of ['deleted', 'created,deleted', 'Created', '']) {
      const res = await post({ ...valid(), changeType });
      assert.equal(res.status, 400, changeType);
    }
    const deleted = await post({ ...valid(), changeType: 'deleted' });
    assert.equal(deleted.body.error.code, 'ExtensionError');
    assert.match(deleted.body.error.message, /ChangeType 'deleted' is not supported/);
  });

  test('other resources, resource data and encryption are refused', async () => {
    for (const body of [
      { resource: 'communications/calls' },
      { resource: 'communications/callRecords/123' },
      { resource: 'communications/callRecords?$filter=startDateTime ge 2026-01-01T00:00:00Z' },
      { includeResourceData: true },
      { encryptionCertificate: 'MIIB', encryptionCertificateId: 'c1' },
    ]) {
      const res = await post({ ...valid(), ...body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'ExtensionError');
    }
  });
});

describe('bad bodies', () => {
  test('expiration: past, beyond 4230 minutes (ExtensionError); exactly 4230 minutes is fine', async () => {
    const far = await post({ ...valid(), expirationDateTime: inMinutes(server, 4231) });
    assert.equal(far.status, 400);
    assert.deepEqual(
      [far.body.error.code, far.body.error.message],
      ['ExtensionError', 'Subscription expiration can only be 4230 minutes in the future.'],
    );
    const past = await post({ ...valid(), expirationDateTime: inMinutes(server, -1) });
    assert.equal(past.status, 400);
    assert.equal(past.body.error.code, 'ExtensionError');
    assert.equal((await post({ ...valid(), expirationDateTime: inMinutes(server, 4230) })).status, 201);
  });

  test('missing or mistyped properties, unknown properties, bad dates: InvalidRequest', async () => {
    const v = valid();
    const { notificationUrl: _n, ...noUrl } = v;
    for (const body of [
      noUrl,
      { ...v, expirationDateTime: '2026-11-5T10:00:00Z' },
      { ...v, expirationDateTime: '2026-11-21T10:00:00' },
      { ...v, changeType: 1 },
      { ...v, notificationURL: v.notificationUrl },
      { ...v, clientState: 'x'.repeat(129) },
      { ...v, latestSupportedTlsVersion: 'v2_0' },
      [],
      'text',
    ]) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(res.body.error.code, 'InvalidRequest');
    }
    const annotated = await post({ ...v, '@odata.type': '#microsoft.graph.subscription' });
    assert.equal(annotated.status, 201);
  });

  test('https required; http only for loopback (dev flag); other hosts and schemes refused', async () => {
    for (const notificationUrl of ['http://example.com/hook', 'ftp://127.0.0.1/x', 'not a url']) {
      const res = await post({ ...valid(), notificationUrl });
      assert.equal(res.status, 400, notificationUrl);
      assert.equal(res.body.error.code, 'InvalidRequest');
    }
    const http = await post({ ...valid(), notificationUrl: 'http://example.com/hook' });
    assert.equal(http.body.error.message, "NotificationUrl scheme='http' is not supported.");
    const strict = await startNotifyServer({ webhookAllowHttp: false });
    try {
      const res = await call<Err>(strict, 'POST', '/v1.0/subscriptions', {
        body: { ...valid(), expirationDateTime: inMinutes(strict, 60) },
      });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.message, "NotificationUrl scheme='http' is not supported.");
    } finally {
      await strict.close();
    }
  });
});

describe('permissions and isolation', () => {
  test('an app without CallRecords.Read.All gets 403 ExtensionError', async () => {
    const token = await server.tokenFor(DEMO_APPS[1].appId, DEMO_APPS[1].secret);
    const res = await call<Err>(server, 'POST', '/v1.0/subscriptions', { body: valid(), token });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'ExtensionError');
    assert.match(res.body.error.message, /^Operation: Create; Exception: \[Status Code: Forbidden/);
    assert.equal((await call(server, 'GET', '/v1.0/subscriptions', { token })).status, 403);
    assert.equal((await call(server, 'GET', '/v1.0/subscriptions')).status, 200);
    assert.equal((await call(server, 'GET', '/v1.0/subscriptions', { token: 'x.y.z' })).status, 401);
  });

  test("another app and another tenant see none of this app's subscriptions (404, never 403)", async () => {
    const mine = await subscribe(server, { notificationUrl: `${receiver.url}/mine` });
    const registry = server.app.identity.registry;
    const other = await registry.createApp({
      tenantId: DEMO_TENANT_ID,
      displayName: 'other app',
      roles: ['CallRecords.Read.All'],
    });
    const tenant = await registry.createTenant({ displayName: 'Fabrikam' });
    const foreign = await registry.createApp({
      tenantId: tenant,
      displayName: 'f',
      roles: ['CallRecords.Read.All'],
    });
    const tokens = [
      await server.tokenFor(other.app.appId, other.secret.value),
      await server.tokenFor(foreign.app.appId, foreign.secret.value, tenant),
    ];
    for (const token of tokens) {
      const list = await call<{ value: SubscriptionJson[] }>(server, 'GET', '/v1.0/subscriptions', { token });
      assert.deepEqual(list.body.value, []);
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { expirationDateTime: inMinutes(server, 90) }],
        ['DELETE', undefined],
        ['POST', undefined],
      ] as const) {
        const path = `/v1.0/subscriptions/${mine.id}${method === 'POST' ? '/reauthorize' : ''}`;
        const res = await call<Err>(server, method, path, { token, ...(body ? { body } : {}) });
        assert.equal(res.status, 404, `${method} ${path}`);
      }
    }
    assert.equal((await call(server, 'GET', `/v1.0/subscriptions/${mine.id}`)).status, 200);
  });
});
