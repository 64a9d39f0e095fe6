// The official JavaScript batch helpers, unchanged, against this server's $batch: BatchRequestContent and
// BatchResponseContent of @microsoft/microsoft-graph-client, and the Kiota ones of @microsoft/msgraph-sdk-core
// (BatchRequestContent, BatchRequestContentCollection, which splits into batches of 20, and the response
// contents). Only the base URL and the token source are this server's.
// backends: sqlite — client libraries' batch helpers; $batch itself runs on both in api/batch.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  AllowedHostsValidator,
  BaseBearerTokenAuthenticationProvider,
  HttpMethod,
  RequestInformation,
} from '@microsoft/kiota-abstractions';
import { GraphRequestAdapter } from '@microsoft/msgraph-sdk';
import {
  BatchRequestContent as KiotaBatchRequestContent,
  BatchRequestContentCollection,
} from '@microsoft/msgraph-sdk-core';
import { createODataErrorFromDiscriminatorValue } from '@microsoft/msgraph-sdk/models/oDataErrors/index.js';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { DEMO_APPS } from '../../src/demo/apps.js';
import { walk, RECORDS, T, type Json } from '../api/helpers.js';
import { runClientFixture } from '../helpers/client-fixture.js';
import { startTestServer, TEST_NOW, type TestServer } from '../helpers/server.js';

const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-batch-tls-'));
const MISSING = '00000000-0000-4000-8000-000000000000';
const DAY = 86_400_000;

/** Kiota's fetch-based adapter runs here over http; the graph client sends tokens to https hosts only. */
let server: TestServer;
let recordIds: string[];
let tls: TestServer;
let tlsIds: string[];

before(async () => {
  server = await startTestServer({ demoUsers: 20, demoDays: 3 });
  recordIds = (await walk(server, 'v1.0', T.records, `${RECORDS}?$select=id&$top=100`)).items.map(
    (r) => r.id as string,
  );
  assert.ok(recordIds.length > 40, `records for more than two batches (${recordIds.length})`);
  tls = await startTestServer({ demoUsers: 20, demoDays: 3, tlsDir: dir });
  tlsIds = (
    await tls.store.listCallRecords(DEMO_TENANT_ID, { minStartMs: TEST_NOW - 30 * DAY, limit: 1_000_000 })
  ).map((r) => r.id);
});
after(async () => {
  await server?.close();
  await tls?.close();
  rmSync(dir, { recursive: true, force: true });
});

const child = (script: string, args: string[]) => runClientFixture(dir, script, args);

test('@microsoft/microsoft-graph-client: BatchRequestContent with dependsOn, posted by the client, read by BatchResponseContent', async () => {
  const ids = tlsIds.slice(0, 17);
  const out = await child('graph-client-batch.ts', [
    tls.url,
    DEMO_TENANT_ID,
    DEMO_APPS[0].appId,
    DEMO_APPS[0].secret,
    ids.join(','),
    MISSING,
  ]);
  assert.equal(out.sent, 20);
  assert.equal(out.firstUrl, `/communications/callRecords/${ids[0]}?$select=id,type`);
  const records = out.records as { status: number; contentType: string; id: string; sameAsAlone: boolean }[];
  assert.deepEqual(
    records.map((r) => r.id),
    ids,
  );
  for (const r of records) {
    assert.equal(r.status, 200);
    assert.match(r.contentType, /^application\/json;odata.metadata=minimal/);
    assert.ok(r.sameAsAlone, `${r.id}: the batch entry is what the client gets for the request alone`);
  }
  const missing = out.missing as { status: number; body: { error: Json } };
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'NotFound');
  assert.deepEqual(out.count, { status: 200, text: String(tlsIds.length) });
  const subscription = out.subscription as { status: number; body: { error: Json } };
  assert.equal(subscription.status, 400, 'the body reached /subscriptions as JSON');
  assert.equal(subscription.body.error.code, 'InvalidRequest');
  assert.deepEqual(out.serial, [200, 404, 424]);
});

test('@microsoft/msgraph-sdk-core (Kiota): BatchRequestContentCollection splits into batches of 20 and reads every status', async () => {
  const host = new URL(server.url).hostname;
  const auth = new BaseBearerTokenAuthenticationProvider({
    getAuthorizationToken: () => Promise.resolve(server.token),
    getAllowedHostsValidator: () => new AllowedHostsValidator(new Set([host])),
  });
  const adapter = new GraphRequestAdapter(auth);
  adapter.baseUrl = `${server.url}/v1.0`;
  const errors = { XXX: createODataErrorFromDiscriminatorValue };
  // A request as a generated request builder makes it (there is no published builder for /communications).
  const get = (id: string) =>
    new RequestInformation(HttpMethod.GET, '{+baseurl}/communications/callRecords/{callRecord%2Did}', {
      baseurl: adapter.baseUrl,
      'callRecord%2Did': id,
    });

  // The batch limit is a required argument in this release's typings; 20 is also its default.
  const collection = new BatchRequestContentCollection(adapter, errors, 20);
  const wanted = [...recordIds, MISSING];
  for (const [i, id] of wanted.entries()) collection.addBatchRequest(get(id), `r${i}`);
  const posted = server.app.fastify.server;
  let batches = 0;
  const count = () => (batches += 1);
  posted.on('request', count);
  try {
    const responses = await collection.postAsync();
    assert.ok(responses);
    const codes = await responses.getResponsesStatusCodes();
    assert.equal(batches, Math.ceil(wanted.length / 20), 'one $batch per 20 requests');
    assert.equal(codes.size, wanted.length);
    for (const [i, id] of wanted.entries()) {
      assert.equal(codes.get(`r${i}`), id === MISSING ? 404 : 200, `status of ${id}`);
    }
  } finally {
    posted.off('request', count);
  }

  const single = new KiotaBatchRequestContent(adapter, errors);
  single.addBatchRequest(get(recordIds[0]!), 'one');
  single.addBatchRequest(get(MISSING), 'two');
  const answer = await single.postAsync();
  assert.ok(answer);
  const one = answer.getResponseById('one');
  assert.equal(one?.status, 200);
  assert.equal(
    (one?.headers as Record<string, unknown> | undefined) === undefined,
    false,
    'headers are read',
  );
  // Kiota's deserializer reads an entry body as base64 only (getByteArrayValue), so a JSON body, Graph's and this
  // server's, is not exposed through these helpers; statuses, ids and headers are.
  assert.deepEqual(
    [...(await answer.getResponsesStatusCodes()).entries()],
    [
      ['one', 200],
      ['two', 404],
    ],
  );
});
