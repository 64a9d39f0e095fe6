import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  assertValidResponse,
  assertValidSchema,
  loadModel,
  metadataFile,
  toJsonSchema,
  validateResponse,
  validateSchema,
} from './openapi.js';
import type { GraphVersion } from './openapi.js';

const CALL_RECORDS = '/communications/callRecords';
const CALL_RECORD = `${CALL_RECORDS}/{callRecord-id}`;
const RANGE = '(fromDateTime={fromDateTime},toDateTime={toDateTime})';
const fn = (name: string) => `${CALL_RECORDS}/microsoft.graph.callRecords.${name}${RANGE}`;
const CALL_RECORD_SCHEMA = 'microsoft.graph.callRecords.callRecord';

type Json = Record<string, unknown>;

function example(file: string): unknown {
  return JSON.parse(readFileSync(metadataFile(`examples/${file}`), 'utf8')) as unknown;
}
function exampleObject(file: string): Json {
  return example(file) as Json;
}
/** A valid callRecord (first list item of the 2025 fixture), copied so tests can break it. */
function callRecord(): Json {
  return structuredClone((example('pnp-cli-callrecord-list-items-2025.json') as Json[])[0] ?? {});
}
/** A valid session with typed endpoints (first session of the v1.0 sessions doc example), copied. */
function session(): Json {
  const list = exampleObject('v1.0-list-sessions-expand-segments.json');
  return structuredClone((list.value as Json[])[0] ?? {});
}
const SESSION_SCHEMA = 'microsoft.graph.callRecords.session';

// ---- golden payloads that conform --------------------------------------------------------------------------

const conforming: [file: string, version: GraphVersion, pathTemplate: string][] = [
  ['v1.0-list-callrecords.json', 'v1.0', CALL_RECORDS],
  // 2020 doc example: deprecated organizer/participants, `sessions@odata.context` / `segments@odata.context`.
  ['v1.0-get-callrecord-expand-sessions-segments.json', 'v1.0', CALL_RECORD],
  ['v1.0-list-sessions-expand-segments.json', 'v1.0', `${CALL_RECORD}/sessions`],
  ['v1.0-list-participants_v2.json', 'v1.0', `${CALL_RECORD}/participants_v2`],
  ['v1.0-getpstncalls.json', 'v1.0', fn('getPstnCalls')],
  ['v1.0-getdirectroutingcalls.json', 'v1.0', fn('getDirectRoutingCalls')],
  ['beta-getsmslog.json', 'beta', fn('getSmsLog')],
  ['beta-getpstnonlinemeetingdialoutreport.json', 'beta', fn('getPstnOnlineMeetingDialoutReport')],
];

for (const [file, version, pathTemplate] of conforming) {
  void test(`golden ${file} conforms to GET ${pathTemplate.replace(RANGE, '(...)')} (${version})`, () => {
    assertValidResponse(version, pathTemplate, example(file));
  });
}

void test('the v1.0 callRecord golden payloads also conform to the beta document', () => {
  for (const [file, , pathTemplate] of conforming.slice(0, 4)) {
    assertValidResponse('beta', pathTemplate, example(file));
  }
});

void test('each item of pnp-cli-callrecord-list-items-2025.json conforms to callRecord', () => {
  const items = example('pnp-cli-callrecord-list-items-2025.json') as unknown[];
  assert.equal(items.length, 3);
  for (const item of items) assertValidSchema('v1.0', CALL_RECORD_SCHEMA, item);
});

// ---- golden payloads that do not conform (the validator must say so, not be weakened) -----------------------

void test('beta-getpstnblockeduserslog.json: the doc example writes userBlockMode in the wrong case', () => {
  // The doc example has "Blocked"/"Unblocked"; the beta CSDL enum pstnUserBlockMode (and the OpenAPI) is
  // lower camel case: blocked, unblocked, unknownFutureValue. A genuine error in the published example.
  const body = exampleObject('beta-getpstnblockeduserslog.json');
  const pathTemplate = fn('getPstnBlockedUsersLog');
  const allowed = 'must be one of "blocked", "unblocked", "unknownFutureValue"';
  assert.deepEqual(validateResponse('beta', pathTemplate, body), [
    `$.value[0].userBlockMode: ${allowed} (got "Blocked")`,
    `$.value[1].userBlockMode: ${allowed} (got "Unblocked")`,
  ]);
  for (const row of body.value as Json[]) row.userBlockMode = String(row.userBlockMode).toLowerCase();
  assertValidResponse('beta', pathTemplate, body);
});

void test('pnp-cli-callrecord-get-groupcall-2025.json conforms as an odata.metadata=none body only', () => {
  // The PnP CLI requests `Accept: application/json;odata.metadata=none`, so Graph left out every "@odata.type":
  // the participantEndpoint callers and the clientUserAgent user agents arrive untyped. Under the default
  // (minimal metadata) rules that is reported: an abstract userAgent without "@odata.type", and participantEndpoint
  // / clientUserAgent properties on objects that can only be read as the declared endpoint / userAgent.
  const body = example('pnp-cli-callrecord-get-groupcall-2025.json');
  assertValidResponse('v1.0', CALL_RECORD, body, { odataMetadata: 'none' });

  const errors = validateResponse('v1.0', CALL_RECORD, body);
  const caller = '$.sessions[0].caller';
  for (const expected of [
    `${caller}.userAgent: callRecords.userAgent is abstract; the object needs "@odata.type" naming a concrete ` +
      'subtype ("#microsoft.graph.callRecords.clientUserAgent", "#microsoft.graph.callRecords.serviceUserAgent")',
    `${caller}.userAgent.platform: not declared on closed type callRecords.userAgent`,
    `${caller}.cpuName: not declared on closed type callRecords.endpoint`,
    `${caller}.identity: not declared on closed type callRecords.endpoint`,
    `${caller}.feedback: not declared on closed type callRecords.endpoint`,
    `$.sessions[0].segments[0].caller.associatedIdentity: not declared on closed type callRecords.endpoint`,
  ]) {
    assert.ok(errors.includes(expected), `missing: ${expected}\n${errors.join('\n')}`);
  }
  const participantEndpointOrClientUserAgent =
    /: (callRecords\.userAgent is abstract|not declared on closed type callRecords\.(endpoint|userAgent))/;
  assert.deepEqual(
    errors.filter((e) => !participantEndpointOrClientUserAgent.test(e)),
    [],
  );
});

// ---- converter ----------------------------------------------------------------------------------------------

void test('every component schema converts to JSON Schema that Ajv compiles in strict mode', () => {
  for (const version of ['v1.0', 'beta'] as const) {
    const model = loadModel(version);
    const names = Object.keys(model.schemas);
    assert.ok(names.length > 60, `${version}: ${names.length} schemas`);
    for (const name of names) {
      assert.equal(typeof model.ajv.getSchema(`${model.refBase}#/definitions/${name}`), 'function', name);
    }
  }
});

void test('toJsonSchema handles nullable, null-marker branches, $ref and x-* keywords', () => {
  const base = 'urn:x';
  assert.deepEqual(toJsonSchema({ type: 'string', nullable: true, 'x-ms-foo': true }, base), {
    type: ['string', 'null'],
  });
  assert.deepEqual(toJsonSchema({ type: 'string', enum: ['a'], nullable: true }, base), {
    type: ['string', 'null'],
    enum: ['a', null],
  });
  assert.deepEqual(toJsonSchema({ $ref: '#/components/schemas/a.b', nullable: true }, base), {
    anyOf: [{ $ref: 'urn:x#/definitions/a.b' }, { type: 'null' }],
  });
  assert.deepEqual(
    toJsonSchema({ anyOf: [{ $ref: '#/components/schemas/a' }, { type: 'object', nullable: true }] }, base),
    { anyOf: [{ $ref: 'urn:x#/definitions/a' }, { type: 'null' }] },
  );
  assert.deepEqual(
    toJsonSchema({ type: 'object', properties: {}, additionalProperties: { type: 'object' } }, base),
    { type: 'object', properties: {} },
  );
});

void test('formats: Edm.Duration with fractions, int32 range, date-time', () => {
  const stream = (extra: Json) => ({ streamDirection: 'callerToCallee', ...extra });
  const schema = 'microsoft.graph.callRecords.mediaStream';
  assert.deepEqual(
    validateSchema('v1.0', schema, stream({ averageJitter: 'PT0.007S', maxJitter: 'PT1M' })),
    [],
  );
  assert.ok(validateSchema('v1.0', schema, stream({ averageJitter: 'P1Y' })).length > 0);
  assert.deepEqual(validateSchema('v1.0', 'microsoft.graph.callRecords.networkInfo', { port: 2 ** 31 }), [
    '$.port: must be <= 2147483647 (got 2147483648)',
    '$.port: must match format "int32" (got 2147483648)',
  ]);
  assert.deepEqual(validateSchema('v1.0', schema, stream({ startDateTime: '2020-02-30T00:00:00Z' })), [
    '$.startDateTime: must match format "date-time" (got "2020-02-30T00:00:00Z")',
  ]);
});

// ---- violations that must be reported -----------------------------------------------------------------------

void test('an undeclared property on a callRecord (closed type) is reported', () => {
  const record = { ...callRecord(), durationSeconds: 12 };
  assert.deepEqual(validateSchema('v1.0', CALL_RECORD_SCHEMA, record), [
    '$.durationSeconds: not declared on closed type callRecords.callRecord',
  ]);
  assert.throws(
    () => assertValidResponse('v1.0', CALL_RECORDS, { value: [record] }),
    (err: Error) => err.name === 'AssertionError' && err.message.includes('$.value[0].durationSeconds'),
  );
});

void test('a wrong type (string version), a bad enum value and null on a non-nullable property are reported', () => {
  const record = { ...callRecord(), version: '2', type: 'p2p', startDateTime: null };
  assert.deepEqual(validateSchema('v1.0', CALL_RECORD_SCHEMA, record), [
    '$.version: must be integer (got "2")',
    '$.type: must be one of "unknown", "groupCall", "peerToPeer", "unknownFutureValue" (got "p2p")',
    '$.startDateTime: must not be null',
  ]);
  // Nullable per the CSDL although OpenAPI 3.0 cannot say so next to a $ref.
  assert.deepEqual(validateSchema('v1.0', CALL_RECORD_SCHEMA, { ...callRecord(), organizer: null }), []);
  assert.deepEqual(validateSchema('v1.0', CALL_RECORD_SCHEMA, { ...callRecord(), type: null }), [
    '$.type: must not be null',
  ]);
});

void test('an unknown @odata.type is reported', () => {
  const s = session();
  (s.caller as Json)['@odata.type'] = '#microsoft.graph.callRecords.botEndpoint';
  assert.deepEqual(validateSchema('v1.0', SESSION_SCHEMA, s), [
    '$.caller["@odata.type"]: "#microsoft.graph.callRecords.botEndpoint" is not a known type in the v1.0 OpenAPI document',
  ]);
});

void test('an @odata.type that does not derive from the declared type is reported', () => {
  const s = session();
  (s.caller as Json)['@odata.type'] = '#microsoft.graph.callRecords.clientUserAgent';
  ((s.callee as Json).userAgent as Json)['@odata.type'] = '#microsoft.graph.callRecords.serviceEndpoint';
  const segment = ((s.segments as Json[])[0] ?? {}).callee as Json;
  segment['@odata.type'] = '#microsoft.graph.callRecords.callType';
  assert.deepEqual(validateSchema('v1.0', SESSION_SCHEMA, s), [
    '$.caller["@odata.type"]: "#microsoft.graph.callRecords.clientUserAgent" is neither callRecords.endpoint nor a type derived from it',
    '$.callee.userAgent["@odata.type"]: "#microsoft.graph.callRecords.serviceEndpoint" is neither callRecords.userAgent nor a type derived from it',
    '$.segments[0].callee["@odata.type"]: "#microsoft.graph.callRecords.callType" is not a structured type in the v1.0 OpenAPI document',
  ]);
});

void test('an undeclared property on a participantEndpoint is reported (validated as the @odata.type)', () => {
  const s = session();
  Object.assign(s.caller as Json, { osVersion: '10.0', cpuCoresCount: 'eight' });
  assert.deepEqual(validateSchema('v1.0', SESSION_SCHEMA, s), [
    '$.caller.cpuCoresCount: must be integer (got "eight")',
    '$.caller.osVersion: not declared on closed type callRecords.participantEndpoint',
  ]);
  // The same properties without "@odata.type" are read as the declared endpoint.
  delete (s.callee as Json)['@odata.type'];
  const errors = validateSchema('v1.0', SESSION_SCHEMA, s);
  assert.ok(
    errors.includes('$.callee.name: not declared on closed type callRecords.endpoint'),
    errors.join('\n'),
  );
  // With odata.metadata=none the derived type is inferred, but a bogus property is still reported.
  assert.deepEqual(validateSchema('v1.0', SESSION_SCHEMA, s, { odataMetadata: 'none' }), [
    '$.caller.cpuCoresCount: must be integer (got "eight")',
    '$.caller.osVersion: not declared on closed type callRecords.participantEndpoint',
  ]);
});

void test('an abstract userAgent needs @odata.type', () => {
  const s = session();
  const userAgent = (s.caller as Json).userAgent as Json;
  delete userAgent['@odata.type'];
  delete userAgent.platform;
  delete userAgent.productFamily;
  assert.deepEqual(validateSchema('v1.0', SESSION_SCHEMA, s), [
    '$.caller.userAgent: callRecords.userAgent is abstract; the object needs "@odata.type" naming a concrete ' +
      'subtype ("#microsoft.graph.callRecords.clientUserAgent", "#microsoft.graph.callRecords.serviceUserAgent")',
  ]);
});

void test('ODataError: error.code and error.message are required, innerError is open, MainError is closed', () => {
  const schema = 'microsoft.graph.ODataErrors.ODataError';
  const innerError = { date: '2024-01-01T00:00:00', 'request-id': 'r', 'client-request-id': 'c' };
  assertValidSchema('v1.0', schema, { error: { code: 'NotFound', message: 'gone', innerError } });
  assert.deepEqual(validateSchema('v1.0', schema, { error: { message: 'gone' } }), [
    '$.error.code: required property of type ODataErrors.MainError is missing',
  ]);
  assert.deepEqual(validateSchema('v1.0', schema, { error: { code: 'NotFound' } }), [
    '$.error.message: required property of type ODataErrors.MainError is missing',
  ]);
  assert.deepEqual(validateSchema('v1.0', schema, {}), [
    '$.error: required property of type ODataErrors.ODataError is missing',
  ]);
  assert.deepEqual(validateSchema('v1.0', schema, { error: { code: 'a', message: 'b', status: 404 } }), [
    '$.error.status: not declared on closed type ODataErrors.MainError',
  ]);
});

void test('open types accept undeclared properties: identity.tenantId, identitySet.acsUser', () => {
  const identity = { id: 'u1', displayName: 'A', tenantId: 't1' };
  assert.deepEqual(validateSchema('v1.0', 'microsoft.graph.identity', identity), []);
  assert.deepEqual(
    validateSchema('v1.0', 'microsoft.graph.identitySet', { user: identity, acsUser: null }),
    [],
  );
  assert.deepEqual(
    validateSchema('v1.0', 'microsoft.graph.identitySet', {
      user: { '@odata.type': '#microsoft.graph.communicationsUserIdentity', ...identity, anything: [1] },
    }),
    [],
  );
  // Declared properties of an open type are still checked.
  assert.deepEqual(validateSchema('v1.0', 'microsoft.graph.identity', { displayName: 7 }), [
    '$.displayName: must be string (got 7)',
  ]);
  assert.deepEqual(validateSchema('v1.0', 'microsoft.graph.callRecords.traceRouteHop', { hops: 1 }), [
    '$.hops: not declared on closed type callRecords.traceRouteHop',
  ]);
});

void test('participant is open in beta (OpenType="true") but closed in v1.0', () => {
  const participant = { id: 'p1', identity: { user: { id: 'u1' } }, role: 'attendee' };
  assert.deepEqual(validateSchema('beta', 'microsoft.graph.callRecords.participant', participant), []);
  assert.deepEqual(validateSchema('v1.0', 'microsoft.graph.callRecords.participant', participant), [
    '$.role: not declared on closed type callRecords.participant',
  ]);
});

void test('OData annotations are allowed everywhere and their values checked', () => {
  const record = { ...callRecord(), 'sessions@odata.nextLink': 'https://x', '@odata.etag': 'W/"1"' };
  assert.deepEqual(validateSchema('v1.0', CALL_RECORD_SCHEMA, record), []);
  const body = { '@odata.count': '2', '@odata.nextLink': 5, value: [] };
  assert.deepEqual(validateResponse('v1.0', CALL_RECORDS, body), [
    '$["@odata.count"]: must be a non-negative integer (got "2")',
    '$["@odata.nextLink"]: must be a string (got 5)',
  ]);
  assert.deepEqual(validateResponse('v1.0', CALL_RECORDS, { value: [], count: 0 }), [
    '$.count: not declared on closed type callRecords.callRecordCollectionResponse',
  ]);
  assert.deepEqual(validateResponse('v1.0', fn('getPstnCalls'), { value: [{ callId: 1 }], next: null }), [
    '$.value[0].callId: must be string (got 1)',
    '$.next: not declared on closed inline object schema',
  ]);
});

void test('path lookup: $count bodies, other parameter names, /subscriptions, unknown paths', () => {
  assert.deepEqual(validateResponse('v1.0', `${CALL_RECORDS}/$count`, '42'), []);
  assert.equal(validateResponse('v1.0', `${CALL_RECORDS}/$count`, 'many').length, 1);
  assertValidResponse('v1.0', '/communications/callRecords/{id}/sessions/{sid}/segments', { value: [] });
  assertValidResponse('beta', '/subscriptions', {
    value: [
      {
        id: '7f105c7d-2dc5-4530-97cd-4e7ae6534c07',
        resource: 'communications/callRecords',
        changeType: 'created',
        notificationUrl: 'https://webhook.example.com/api/notify',
        expirationDateTime: '2026-01-01T11:00:00Z',
        clientState: null,
      },
    ],
  });
  assert.throws(
    () => validateResponse('v1.0', '/communications/calls', {}),
    /no path \/communications\/calls/,
  );
  assert.throws(() => validateSchema('v1.0', 'microsoft.graph.nope', {}), /no component schema/);
});
