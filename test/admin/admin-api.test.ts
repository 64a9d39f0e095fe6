// The admin API over HTTP: key check, pushing records (created, updated, ignored), bad input naming the field,
// NDJSON import with per-line results, delete, purge, tenants, and the virtual clock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { DEMO_APPS } from '../../src/demo/apps.js';
import { generateCallRecords } from '../../src/generate/index.js';
import type { CallRecordDocument } from '../../src/graph/model/index.js';
import { startTestServer, TEST_NOW, type TestServer } from '../helpers/server.js';

const KEY = 'test-admin-key-0123456789';
let server: TestServer;
let docs: CallRecordDocument[];

const admin = (
  path: string,
  init: { method?: string; body?: string; type?: string; key?: string | null } = {},
) =>
  fetch(`${server.url}/admin${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.key === null ? {} : { authorization: `Bearer ${init.key ?? KEY}` }),
      ...(init.body === undefined ? {} : { 'content-type': init.type ?? 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: init.body }),
  });

const graph = (path: string) => server.get(`/v1.0/communications/callRecords${path}`);

before(async () => {
  server = await startTestServer({ config: { adminKey: KEY } });
  docs = [
    ...generateCallRecords({
      tenantId: DEMO_TENANT_ID,
      seed: 9,
      users: 12,
      days: 2,
      until: new Date(TEST_NOW - 3_600_000),
    }),
  ].slice(0, 12);
});
after(() => server.close());

describe('admin key', () => {
  test('missing or wrong key: 401 in the Graph envelope; nothing is written', async () => {
    for (const key of [null, 'wrong-key-wrong-key-wrong']) {
      const res = await admin(`/tenants/${DEMO_TENANT_ID}/callRecords`, {
        key,
        body: JSON.stringify(docs[0]),
      });
      assert.equal(res.status, 401);
      const body = (await res.json()) as { error: { code: string; innerError: { 'request-id': string } } };
      assert.equal(body.error.code, 'Unauthorized');
      assert.ok(body.error.innerError['request-id']);
    }
    assert.equal((await graph(`/${docs[0]!.id}`)).status, 404);
  });

  test('without a configured key the admin API does not exist', async () => {
    const plain = await startTestServer();
    try {
      const res = await fetch(`${plain.url}/admin/clock`, { headers: { authorization: `Bearer ${KEY}` } });
      assert.equal(res.status, 404);
    } finally {
      await plain.close();
    }
  });
});

describe('pushing records', () => {
  test('a Graph-shaped record is created (201) and served by the Graph API', async () => {
    const doc = docs[0]!;
    const res = await admin(`/tenants/${DEMO_TENANT_ID}/callRecords`, { body: JSON.stringify(doc) });
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { id: doc.id, version: doc.version, outcome: 'created' });
    const got = (await (await graph(`/${doc.id}?$expand=sessions($expand=segments)`)).json()) as {
      id: string;
      sessions: unknown[];
    };
    assert.equal(got.id, doc.id);
    assert.equal(got.sessions.length, Math.min(60, doc.sessions.length));
  });

  test('an equal version is ignored and says so; a higher version replaces the record', async () => {
    const doc = docs[0]!;
    const same = await admin(`/tenants/${DEMO_TENANT_ID}/callRecords`, { body: JSON.stringify(doc) });
    assert.equal(same.status, 200);
    const s = (await same.json()) as { outcome: string; reason: string };
    assert.equal(s.outcome, 'ignored');
    assert.match(s.reason, /same or a higher version/);
    const v2 = { ...doc, version: doc.version + 1, sessions: doc.sessions.slice(0, 1) };
    const up = await admin(`/tenants/${DEMO_TENANT_ID}/callRecords`, { body: JSON.stringify(v2) });
    assert.equal(up.status, 200);
    assert.equal(((await up.json()) as { outcome: string }).outcome, 'updated');
    const got = (await (await graph(`/${doc.id}?$expand=sessions`)).json()) as {
      version: number;
      sessions: unknown[];
    };
    assert.equal(got.version, doc.version + 1);
    assert.equal(got.sessions.length, 1);
  });

  test('a sparse record is completed to the full shape (nulls and unknown enums)', async () => {
    const sparse = {
      id: '5e8f0c3a-1111-4aaa-8bbb-000000000001',
      version: 1,
      type: 'peerToPeer',
      modalities: ['audio'],
      startDateTime: new Date(TEST_NOW - 7_200_000).toISOString(),
      endDateTime: new Date(TEST_NOW - 7_100_000).toISOString(),
      lastModifiedDateTime: new Date(TEST_NOW - 6_000_000).toISOString(),
      sessions: [
        {
          id: 's1',
          modalities: ['audio'],
          startDateTime: new Date(TEST_NOW - 7_200_000).toISOString(),
          endDateTime: new Date(TEST_NOW - 7_100_000).toISOString(),
          segments: [],
        },
      ],
    };
    const res = await admin(`/tenants/${DEMO_TENANT_ID}/callRecords`, { body: JSON.stringify(sparse) });
    assert.equal(res.status, 201, await res.clone().text());
    const got = (await (await graph(`/${sparse.id}`)).json()) as Record<string, unknown>;
    assert.equal(got.joinWebUrl, null);
    assert.deepEqual(got.participants, []);
    const session = (await (await graph(`/${sparse.id}/sessions/s1`)).json()) as Record<string, unknown>;
    assert.equal(session.failureInfo, null);
    assert.equal(session.isTest, null);
  });

  test('bad input is a 400 naming each field, and leaves nothing behind', async () => {
    const bad = structuredClone(docs[1]!) as unknown as Record<string, unknown>;
    bad.version = 'two';
    bad.colour = 'blue';
    (bad.sessions as Record<string, unknown>[])[0]!.modalities = ['smell'];
    const res = await admin(`/tenants/${DEMO_TENANT_ID}/callRecords`, { body: JSON.stringify(bad) });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'BadRequest');
    assert.match(body.error.message, /\$\.version: must be an integer/);
    assert.match(body.error.message, /\$\.colour: is not a property/);
    assert.match(body.error.message, /\$\.sessions\[0\]\.modalities\[0\]: must be one of/);
    assert.equal((await graph(`/${docs[1]!.id}`)).status, 404);
    const junk = await admin(`/tenants/${DEMO_TENANT_ID}/callRecords`, { body: '{"id":' });
    assert.equal(junk.status, 400);
  });

  test('an unknown tenant is a 404', async () => {
    const res = await admin('/tenants/99999999-9999-9999-9999-999999999999/callRecords', {
      body: JSON.stringify(docs[2]),
    });
    assert.equal(res.status, 404);
  });
});

describe('NDJSON import, delete, purge', () => {
  test('import counts accepted and rejected lines with reasons; good lines land whole', async () => {
    const lines = [
      JSON.stringify(docs[2]),
      '{ not json',
      JSON.stringify({ ...docs[3], type: 'teleport' }),
      '',
      JSON.stringify(docs[4]),
      JSON.stringify(docs[2]),
    ].join('\n');
    const res = await admin(`/tenants/${DEMO_TENANT_ID}/import`, {
      body: lines,
      type: 'application/x-ndjson',
    });
    assert.equal(res.status, 200);
    const s = (await res.json()) as {
      created: number;
      ignored: number;
      rejected: number;
      errors: { line: number; message: string }[];
    };
    assert.equal(s.created, 2);
    assert.equal(s.ignored, 1);
    assert.equal(s.rejected, 2);
    assert.deepEqual(
      s.errors.map((e) => e.line),
      [2, 3],
    );
    assert.match(s.errors[1]!.message, /\$\.type: must be one of/);
    assert.equal((await graph(`/${docs[4]!.id}`)).status, 200);
    assert.equal((await graph(`/${docs[3]!.id}`)).status, 404);
  });

  test('a JSON body on the import route is refused with 415', async () => {
    const res = await admin(`/tenants/${DEMO_TENANT_ID}/import`, { body: JSON.stringify(docs[5]) });
    assert.equal(res.status, 415);
  });

  test('delete removes a record and everything under it; purge empties the tenant', async () => {
    const id = docs[4]!.id;
    assert.equal(
      (await admin(`/tenants/${DEMO_TENANT_ID}/callRecords/${id}`, { method: 'DELETE' })).status,
      204,
    );
    assert.equal((await graph(`/${id}`)).status, 404);
    assert.equal((await graph(`/${id}/sessions`)).status, 404);
    assert.equal(
      (await admin(`/tenants/${DEMO_TENANT_ID}/callRecords/${id}`, { method: 'DELETE' })).status,
      404,
    );
    const purge = await admin(`/tenants/${DEMO_TENANT_ID}/purge`, { method: 'POST', body: '{}' });
    assert.equal(purge.status, 200);
    assert.ok(((await purge.json()) as { deletedRecords: number }).deletedRecords >= 2);
    assert.equal(await (await graph('/$count')).text(), '0');
  });
});

describe('virtual clock', () => {
  test('set, advance, freeze and reset move "now" and retention follows it', async () => {
    const doc = docs[6]!;
    await admin(`/tenants/${DEMO_TENANT_ID}/callRecords`, { body: JSON.stringify(doc) });
    assert.equal((await graph(`/${doc.id}`)).status, 200);
    const set = await admin('/clock', {
      method: 'POST',
      body: JSON.stringify({ action: 'set', to: '2026-11-20T12:00:00Z' }),
    });
    assert.equal(((await set.json()) as { now: string }).now, '2026-11-20T12:00:00.000Z');
    const adv = await admin('/clock', {
      method: 'POST',
      body: JSON.stringify({ action: 'advance', by: 'P31D' }),
    });
    assert.equal(((await adv.json()) as { now: string; frozen: boolean }).now, '2026-12-21T12:00:00.000Z');
    assert.equal((await graph(`/${doc.id}`)).status, 401, 'token lifetimes follow the virtual clock');
    const fresh = await server.tokenFor(DEMO_APPS[0].appId, DEMO_APPS[0].secret);
    const later = await server.get(`/v1.0/communications/callRecords/${doc.id}`, {
      authorization: `Bearer ${fresh}`,
    });
    assert.equal(later.status, 404, 'older than 30 days now');
    const bad = await admin('/clock', {
      method: 'POST',
      body: JSON.stringify({ action: 'advance', by: '2 hours' }),
    });
    assert.equal(bad.status, 400);
    await admin('/clock', {
      method: 'POST',
      body: JSON.stringify({ action: 'set', to: new Date(TEST_NOW).toISOString() }),
    });
    assert.equal((await graph(`/${doc.id}`)).status, 200);
    const shown = (await (await admin('/clock')).json()) as { frozen: boolean };
    assert.equal(shown.frozen, true, 'the test server runs on a frozen clock');
  });
});
