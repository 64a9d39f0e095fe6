// Requests real clients send, exactly as they send them, get Graph's answers: the Teams SDK's JSON Content-Type on
// bodiless DELETE and reauthorize, a pipeline's one-digit dates, the CLI for Microsoft 365's odata.metadata=none,
// and the call-record-insights template's renewal PATCH that repeats the read-only fields.
// backends: sqlite — request leniency in parsing; the subscription store runs on both in notify/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TEST_NOW } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { inMinutes, subscribe, withWebhooks, type Receiver } from '../notify/helpers.js';
import { assertGraphError, call, RECORDS, type Json } from './helpers.js';
import { assertValidResponse } from '../helpers/openapi.js';
import { startTestServer } from '../helpers/server.js';

/** What the Teams SDK's Graph client sends on every request, body or not. */
const TEAMS_SDK_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

describe('subscriptions: the Teams SDK and the call-record-insights template', () => {
  let server: TestServer;
  let receiver: Receiver;
  withWebhooks((s, r) => ([server, receiver] = [s, r]));

  for (const version of ['v1.0', 'beta']) {
    test(`${version}: DELETE with Content-Type: application/json and no body answers 204`, async () => {
      const s = await subscribe(server, { notificationUrl: `${receiver.url}/teams` }, { version });
      const r = await call(server, `/${version}/subscriptions/${s.id}`, {
        method: 'DELETE',
        headers: TEAMS_SDK_HEADERS,
      });
      assert.equal(r.status, 204, r.text);
      assert.equal(r.text, '');
      const gone = await call(server, `/${version}/subscriptions/${s.id}`);
      assert.equal(gone.status, 404);
    });

    test(`${version}: POST …/reauthorize with Content-Type: application/json and no body answers 204`, async () => {
      const s = await subscribe(server, { notificationUrl: `${receiver.url}/teams` }, { version });
      for (const path of ['reauthorize', 'microsoft.graph.reauthorize']) {
        const r = await call(server, `/${version}/subscriptions/${s.id}/${path}`, {
          method: 'POST',
          headers: TEAMS_SDK_HEADERS,
        });
        assert.equal(r.status, 204, `${path}: ${r.text}`);
      }
    });
  }

  test('the renewal PATCH repeating changeType, notificationUrl and resource unchanged answers 200', async () => {
    const notificationUrl = `${receiver.url}/insights`;
    const s = await subscribe(server, {
      changeType: 'created,updated',
      notificationUrl,
      resource: '/communications/callRecords',
    });
    const expirationDateTime = inMinutes(server, 4000);
    const validations = receiver.requests.length;
    const r = await call(server, `/v1.0/subscriptions/${s.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        changeType: 'created,updated',
        notificationUrl,
        resource: '/communications/callRecords',
        expirationDateTime,
      }),
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json?.expirationDateTime, expirationDateTime.replace('.000Z', 'Z'));
    assert.equal(r.json?.changeType, 'created,updated');
    assert.equal(
      receiver.requests.length,
      validations,
      'an unchanged notificationUrl is not validated again',
    );
  });

  test('the whole subscription sent back (as GET returned it) with a new expiration is accepted', async () => {
    const s = await subscribe(server, { notificationUrl: `${receiver.url}/whole` });
    const current = await call(server, `/beta/subscriptions/${s.id}`);
    const { '@odata.context': _context, ...entity } = current.json!;
    const r = await call(server, `/beta/subscriptions/${s.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...entity, expirationDateTime: inMinutes(server, 300) }),
    });
    assert.equal(r.status, 200, r.text);
  });

  test('a create whose Accept allows no JSON is a 406 before anything is created', async () => {
    const before = await call(server, '/v1.0/subscriptions');
    const handshakes = receiver.requests.length;
    const r = await call(server, '/v1.0/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/xml' },
      body: JSON.stringify({
        changeType: 'created',
        notificationUrl: `${receiver.url}/xml`,
        resource: 'communications/callRecords',
        expirationDateTime: inMinutes(server, 60),
      }),
    });
    assertGraphError('v1.0', r, { status: 406, code: 'NotAcceptable' });
    const after = await call(server, '/v1.0/subscriptions');
    assert.equal((after.json?.value as Json[]).length, (before.json?.value as Json[]).length);
    assert.equal(receiver.requests.length, handshakes, 'no validation request was sent');
  });

  test('a read-only field with another value is still refused with the ExtensionError', async () => {
    const s = await subscribe(server, {
      notificationUrl: `${receiver.url}/changed`,
      changeType: 'created',
      resource: 'communications/callRecords',
    });
    for (const [key, value] of [
      ['changeType', 'created,updated'],
      ['resource', "communications/callRecords?$filter=participants/any(p:p/id eq 'x')"],
      ['clientState', 'another-state'],
      ['includeResourceData', true],
    ] as const) {
      const r = await call(server, `/v1.0/subscriptions/${s.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ [key]: value, expirationDateTime: inMinutes(server, 300) }),
      });
      assertGraphError(
        'v1.0',
        r,
        { status: 400, code: 'ExtensionError', message: new RegExp(`'${key}'`) },
        key,
      );
    }
  });
});

describe('reads: a pipeline and the CLI for Microsoft 365', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ demoUsers: 40, demoDays: 30 });
  });
  after(() => server.close());

  test('getDirectRoutingCalls(fromDateTime=2026-12-2,toDateTime=2026-12-3) answers 200', async () => {
    const path = `/v1.0${RECORDS}/getDirectRoutingCalls(fromDateTime=2026-12-2,toDateTime=2026-12-3)`;
    const r = await call(server, path);
    assert.equal(r.status, 200, r.text);
    assert.equal(
      r.json?.['@odata.context'],
      `${server.url}/v1.0/$metadata#Collection(microsoft.graph.callRecords.directRoutingLogRow)`,
    );
    assert.ok(Array.isArray(r.json?.value));
  });

  test('one-digit months and days select the same rows as two-digit ones', async () => {
    const month = new Date(TEST_NOW).getUTCMonth() + 1;
    const year = new Date(TEST_NOW).getUTCFullYear();
    for (const f of ['getDirectRoutingCalls', 'getPstnCalls']) {
      const short = await call(
        server,
        `/v1.0${RECORDS}/${f}(fromDateTime=${year}-${month}-2,toDateTime=${year}-${month}-9)`,
      );
      const long = await call(
        server,
        `/v1.0${RECORDS}/${f}(fromDateTime=${year}-${month}-02,toDateTime=${year}-${month}-09)`,
      );
      assert.equal(short.status, 200, short.text);
      assert.deepEqual(short.json?.value, long.json?.value);
      assert.ok((long.json?.value as Json[]).length > 0, `${f}: the demo tenant has rows on those days`);
    }
  });

  test('an impossible one-digit date is still a 400', async () => {
    const r = await call(server, `/v1.0${RECORDS}/getPstnCalls(fromDateTime=2026-2-30,toDateTime=2026-3-1)`);
    assertGraphError('v1.0', r, { status: 400, code: 'BadRequest', message: /Edm\.Date/ });
  });

  test('the CLI for Microsoft 365: Accept odata.metadata=none drops every context, keeps nextLink', async () => {
    const accept = { accept: 'application/json;odata.metadata=none' };
    const list = await call(server, `/v1.0${RECORDS}?$top=5`, { headers: accept });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json?.['@odata.context'], undefined);
    assert.match(String(list.json?.['@odata.nextLink']), /\$skiptoken=/);
    const id = (list.json?.value as Json[])[0]!.id as string;
    const one = await call(server, `/v1.0${RECORDS}/${id}?$expand=sessions($expand=segments)`, {
      headers: accept,
    });
    assert.equal(one.status, 200, one.text);
    assert.doesNotMatch(one.text, /@odata\.(context|type)/);
    assert.ok(Array.isArray(one.json?.sessions));
    assert.match(one.headers.get('content-type') ?? '', /^application\/json;odata\.metadata=none;/);
    // Valid against Microsoft's OpenAPI the way Graph's own metadata=none answers are (no @odata.type anywhere).
    assertValidResponse('v1.0', `${RECORDS}/{callRecord-id}`, one.json, { odataMetadata: 'none' });
    assertValidResponse('v1.0', RECORDS, list.json, { odataMetadata: 'none' });
  });
});
