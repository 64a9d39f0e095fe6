// The Kiota-generated Microsoft Graph SDK for TypeScript (@microsoft/msgraph-sdk, v1.0 models), unchanged: every
// kind of response this server sends is parsed with the SDK's own model deserializers, and nothing may land in
// `additionalData` on a closed type or be dropped (see kiota-audit.ts). The SDK's request adapter and its
// PageIterator are also driven against the server (custom base URL, a bearer-token provider) over plain HTTP on
// localhost; test/fixtures/kiota-client.ts does the same over TLS with @azure/identity, in a child process.
// backends: sqlite — the SDK's parsing of our responses; their bytes are compared across backends in backend-parity.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AllowedHostsValidator,
  BaseBearerTokenAuthenticationProvider,
  HttpMethod,
  RequestInformation,
} from '@microsoft/kiota-abstractions';
import type { Parsable, ParsableFactory } from '@microsoft/kiota-abstractions';
import { GraphRequestAdapter } from '@microsoft/msgraph-sdk';
import { PageIterator } from '@microsoft/msgraph-sdk-core';
import type { PageCollection } from '@microsoft/msgraph-sdk-core';
import {
  createCallRecordCollectionResponseFromDiscriminatorValue,
  createCallRecordFromDiscriminatorValue,
  createDirectRoutingLogRowFromDiscriminatorValue,
  createOrganizerFromDiscriminatorValue,
  createParticipantCollectionResponseFromDiscriminatorValue,
  createParticipantFromDiscriminatorValue,
  createPstnCallLogRowFromDiscriminatorValue,
  createSegmentCollectionResponseFromDiscriminatorValue,
  createSegmentFromDiscriminatorValue,
  createSessionCollectionResponseFromDiscriminatorValue,
  createSessionFromDiscriminatorValue,
} from '@microsoft/msgraph-sdk/models/callRecords/index.js';
import type {
  CallRecord,
  CallRecordCollectionResponse,
  Participant,
  Session,
} from '@microsoft/msgraph-sdk/models/callRecords/index.js';
import { createODataErrorFromDiscriminatorValue } from '@microsoft/msgraph-sdk/models/oDataErrors/index.js';
import type { ODataError } from '@microsoft/msgraph-sdk/models/oDataErrors/index.js';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { findTownHall } from '../api/helpers.js';
import { startTestServer, TEST_NOW } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { audit, describeOpenExtras, emptyAudit } from './kiota-audit.js';
import type { Audit } from './kiota-audit.js';

const NS = 'microsoft.graph.callRecords';
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

let server: TestServer;
let adapter: GraphRequestAdapter;
let townHall: string;
const totals = emptyAudit();
const parsedBodies = { count: 0 };

before(async () => {
  server = await startTestServer({ demoUsers: 50, demoDays: 2 });
  townHall = (await findTownHall(server)).id;
  const host = new URL(server.url).hostname;
  const auth = new BaseBearerTokenAuthenticationProvider({
    getAuthorizationToken: () => Promise.resolve(server.token),
    getAllowedHostsValidator: () => new AllowedHostsValidator(new Set([host])),
  });
  adapter = new GraphRequestAdapter(auth);
  adapter.baseUrl = `${server.url}/v1.0`;
});

after(async () => {
  await server.close();
  console.log(
    `kiota sdk: ${parsedBodies.count} v1.0 bodies parsed with @microsoft/msgraph-sdk deserializers, ` +
      `${totals.objects} typed objects audited; dynamic properties on open types: ${describeOpenExtras(totals)}`,
  );
});

async function fetchJson(path: string): Promise<{ json: Record<string, unknown>; bytes: ArrayBuffer }> {
  const url = path.startsWith('http') ? path : `${server.url}/v1.0${path}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${server.token}` } });
  const bytes = await res.arrayBuffer();
  assert.equal(res.status, 200, `GET ${url}: ${res.status} ${new TextDecoder().decode(bytes).slice(0, 300)}`);
  return { json: JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>, bytes };
}

/** Parses a body with the SDK's JSON parse node factory (from its request adapter) and audits the result. */
function parse<T extends Parsable>(
  bytes: ArrayBuffer,
  factory: ParsableFactory<T>,
  json: unknown,
  declared: string,
  a: Audit,
): T {
  const node = adapter.getParseNodeFactory().getRootParseNode('application/json', bytes);
  const parsed = node.getObjectValue(factory);
  parsedBodies.count++;
  audit('v1.0', declared, json, parsed, a);
  return parsed;
}

function merge(a: Audit): void {
  totals.objects += a.objects;
  totals.closedExtras.push(...a.closedExtras);
  totals.dropped.push(...a.dropped);
  for (const [t, names] of a.openExtras) {
    const seen = totals.openExtras.get(t) ?? new Set<string>();
    for (const n of names) seen.add(n);
    totals.openExtras.set(t, seen);
  }
}

function assertClean(a: Audit, what: string): void {
  merge(a);
  assert.deepEqual(a.closedExtras.slice(0, 20), [], `${what}: properties in additionalData on closed types`);
  assert.deepEqual(a.dropped.slice(0, 20), [], `${what}: properties the SDK did not deserialize`);
  assert.ok(a.objects > 0, `${what}: nothing audited`);
}

/** Every page of a collection, parsed with `factory` (a collection response's); returns the items. */
async function parsePages<T extends Parsable>(
  path: string,
  factory: ParsableFactory<Parsable & { value?: T[] | null }>,
  declared: string,
  a: Audit,
): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = path;
  while (next !== undefined) {
    const { json, bytes } = await fetchJson(next);
    const page = parse(bytes, factory, json, declared, a);
    items.push(...(page.value ?? []));
    next = json['@odata.nextLink'] as string | undefined;
  }
  return items;
}

test('every call record, with sessions, segments and participants expanded, parses cleanly', async () => {
  const a = emptyAudit();
  const records = await parsePages<CallRecord>(
    '/communications/callRecords',
    createCallRecordCollectionResponseFromDiscriminatorValue,
    `${NS}.callRecordCollectionResponse`,
    a,
  );
  assert.ok(records.length > 100);
  let sessions = 0;
  for (const r of records) {
    const { json, bytes } = await fetchJson(
      `/communications/callRecords/${r.id}?$expand=sessions($expand=segments),participants_v2`,
    );
    const record = parse<CallRecord>(
      bytes,
      createCallRecordFromDiscriminatorValue,
      json,
      `${NS}.callRecord`,
      a,
    );
    assert.equal(record.id, r.id);
    assert.ok(record.startDateTime instanceof Date);
    sessions += record.sessions?.length ?? 0;
  }
  assert.ok(sessions > records.length);
  assertClean(a, 'callRecords');
});

test('sessions, segments, participants and the organizer parse cleanly on their own routes', async () => {
  const a = emptyAudit();
  const base = `/communications/callRecords/${townHall}`;
  const sessions = await parsePages<Session>(
    `${base}/sessions?$expand=segments`,
    createSessionCollectionResponseFromDiscriminatorValue,
    `${NS}.sessionCollectionResponse`,
    a,
  );
  assert.ok(sessions.length > 60, 'more than one page of sessions');
  const session = sessions[0]!;
  const s = await fetchJson(`${base}/sessions/${session.id}?$expand=segments`);
  parse(s.bytes, createSessionFromDiscriminatorValue, s.json, `${NS}.session`, a);
  await parsePages(
    `${base}/sessions/${session.id}/segments`,
    createSegmentCollectionResponseFromDiscriminatorValue,
    `${NS}.segmentCollectionResponse`,
    a,
  );
  const g = await fetchJson(`${base}/sessions/${session.id}/segments/${session.segments![0]!.id}`);
  parse(g.bytes, createSegmentFromDiscriminatorValue, g.json, `${NS}.segment`, a);
  const participants = await parsePages<Participant>(
    `${base}/participants_v2`,
    createParticipantCollectionResponseFromDiscriminatorValue,
    `${NS}.participantCollectionResponse`,
    a,
  );
  assert.ok(participants.length > 130, 'more than one page of participants');
  const p = await fetchJson(`${base}/participants_v2/${participants[0]!.id}`);
  parse(p.bytes, createParticipantFromDiscriminatorValue, p.json, `${NS}.participant`, a);
  const o = await fetchJson(`${base}/organizer_v2`);
  parse(o.bytes, createOrganizerFromDiscriminatorValue, o.json, `${NS}.organizer`, a);
  assertClean(a, 'children');
});

test('the rows of getPstnCalls and getDirectRoutingCalls parse cleanly', async () => {
  const a = emptyAudit();
  const range = `fromDateTime=${iso(TEST_NOW - 30 * DAY)},toDateTime=${iso(TEST_NOW)}`;
  const fns: [string, ParsableFactory<Parsable>, string][] = [
    ['getPstnCalls', createPstnCallLogRowFromDiscriminatorValue, `${NS}.pstnCallLogRow`],
    ['getDirectRoutingCalls', createDirectRoutingLogRowFromDiscriminatorValue, `${NS}.directRoutingLogRow`],
  ];
  for (const [fn, factory, rowType] of fns) {
    const { json, bytes } = await fetchJson(
      `/communications/callRecords/microsoft.graph.callRecords.${fn}(${range})`,
    );
    const rows = adapter
      .getParseNodeFactory()
      .getRootParseNode('application/json', bytes)
      .getChildNode('value')
      ?.getCollectionOfObjectValues(factory);
    parsedBodies.count++;
    const sent = json.value as unknown[];
    assert.ok(sent.length > 0, `${fn}: no rows in the demo data`);
    audit('v1.0', rowType, sent, rows, a, `${fn}.value`);
  }
  assertClean(a, 'log functions');
});

test("the SDK's request adapter and PageIterator page through the list; errors become typed ODataErrors", async () => {
  const info = new RequestInformation(HttpMethod.GET, '{+baseurl}/communications/callRecords{?%24top}', {
    baseurl: adapter.baseUrl,
  });
  info.queryParameters = { '%24top': 25 };
  info.headers.tryAdd('Accept', 'application/json');
  const errors = { XXX: createODataErrorFromDiscriminatorValue };
  const first = await adapter.send<CallRecordCollectionResponse>(
    info,
    createCallRecordCollectionResponseFromDiscriminatorValue,
    errors,
  );
  assert.ok(first?.value?.length === 25 && first.odataNextLink, 'a first page of 25 with a next link');
  const ids: string[] = [];
  const iterator = new PageIterator<CallRecord>(
    adapter,
    first as PageCollection<CallRecord>,
    (r) => {
      ids.push(r.id!);
      return true;
    },
    createCallRecordCollectionResponseFromDiscriminatorValue,
    errors,
  );
  await iterator.iterate();
  const total = await server.store.countCallRecords(DEMO_TENANT_ID, {
    minStartMs: server.clock.now() - 30 * DAY,
  });
  assert.equal(ids.length, total);
  assert.equal(new Set(ids).size, total);

  const missing = new RequestInformation(HttpMethod.GET, '{+baseurl}/communications/callRecords/{id}', {
    baseurl: adapter.baseUrl,
    id: '00000000-0000-4000-8000-00000000dead',
  });
  const err = await adapter.send(missing, createCallRecordFromDiscriminatorValue, errors).then(
    () => assert.fail('a 404 must throw'),
    (e: unknown) => e as ODataError,
  );
  assert.equal(err.responseStatusCode, 404);
  assert.equal(err.errorEscaped?.code, 'NotFound');
  assert.match(err.message, /^Could not find the requested call record/);
  const inner = err.errorEscaped?.innerError;
  assert.match(inner?.requestId ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(inner?.clientRequestId, inner?.requestId);
  assert.ok(inner?.date instanceof Date && !Number.isNaN(inner.date.getTime()));
});

test("error bodies (400, 401, 403, 404) parse cleanly into the SDK's ODataError", async () => {
  const a = emptyAudit();
  const noRoles = await server.tokenFor(
    'c0ffee00-ca11-4000-8000-000000000002',
    'callrecords-demo-secret-noroles',
  );
  const cases: [string, string][] = [
    ['/communications/callRecords?$orderby=id', server.token],
    ['/communications/callRecords', 'not-a-token'],
    ['/communications/callRecords', noRoles],
    ['/communications/callRecords/00000000-0000-4000-8000-00000000dead', server.token],
    [`/communications/callRecords/${townHall}/sessions/00000000-0000-4000-8000-00000000dead`, server.token],
  ];
  for (const [path, token] of cases) {
    const res = await fetch(`${server.url}/v1.0${path}`, { headers: { authorization: `Bearer ${token}` } });
    assert.ok(res.status >= 400, path);
    const bytes = await res.arrayBuffer();
    const json = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    const parsed = parse<ODataError>(
      bytes,
      createODataErrorFromDiscriminatorValue,
      json,
      'microsoft.graph.ODataErrors.ODataError',
      a,
    );
    assert.equal(typeof parsed.errorEscaped?.code, 'string');
  }
  assertClean(a, 'errors');
});

test('the audit itself catches an undeclared property and a value the SDK drops', async () => {
  const { json } = await fetchJson(
    `/communications/callRecords/${townHall}/sessions?$expand=segments&$top=1`,
  );
  const session = (json.value as Record<string, unknown>[])[0]!;
  session.notInGraph = 1;
  const caller = session.caller as Record<string, unknown>;
  caller.userAgent = { ...(caller.userAgent as object), platform: 'notAPlatform' };
  const bytes = new TextEncoder().encode(JSON.stringify(session)).buffer;
  const a = emptyAudit();
  parse(bytes, createSessionFromDiscriminatorValue, session, `${NS}.session`, a);
  assert.deepEqual(a.closedExtras, ['$ (microsoft.graph.callRecords.session): notInGraph']);
  assert.ok(
    a.dropped.some((d) => d.startsWith('$.caller.userAgent.platform')),
    a.dropped.join('\n'),
  );
});
