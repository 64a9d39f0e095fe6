// The retention window: Graph's 30 days by default; a longer one (--retention-days, CALLRECORDS_RETENTION_DAYS)
// keeps older records listed and readable, for an archive kept past what Graph keeps.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_TENANT_ID, loadConfig } from '../../src/config/index.js';
import { generateCallRecords } from '../../src/generate/index.js';
import type { CallRecordDocument } from '../../src/graph/model/index.js';
import { startTestServer, TEST_NOW, type TestServer } from '../helpers/server.js';

const KEY = 'test-admin-key-0123456789';
const DAY = 86_400_000;

// One record that started 100 days before the test's "now".
const old: CallRecordDocument = [
  ...generateCallRecords({
    tenantId: DEMO_TENANT_ID,
    seed: 3,
    users: 4,
    days: 1,
    until: new Date(TEST_NOW - 100 * DAY),
  }),
][0]!;

async function serverWith(retentionDays?: number): Promise<TestServer> {
  const server = await startTestServer({
    config: { adminKey: KEY, ...(retentionDays === undefined ? {} : { retentionDays }) },
  });
  const pushed = await fetch(`${server.url}/admin/tenants/${DEMO_TENANT_ID}/callRecords`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(old),
  });
  assert.equal(pushed.status, 201);
  return server;
}

test('CALLRECORDS_RETENTION_DAYS sets the window; a value out of range is refused', () => {
  assert.equal(loadConfig({}, {}).retentionDays, 30);
  assert.equal(loadConfig({}, { CALLRECORDS_RETENTION_DAYS: '400' }).retentionDays, 400);
  assert.throws(
    () => loadConfig({}, { CALLRECORDS_RETENTION_DAYS: '0' }),
    /invalid configuration: retentionDays/,
  );
});

describe('a record 100 days old', () => {
  let graphLike: TestServer;
  let archive: TestServer;
  before(async () => {
    graphLike = await serverWith();
    archive = await serverWith(400);
  });
  after(async () => {
    await graphLike.close();
    await archive.close();
  });

  test('is gone with the default 30 days, as on Graph', async () => {
    assert.equal((await graphLike.get(`/v1.0/communications/callRecords/${old.id}`)).status, 404);
    const page = await graphLike.json<{ value: unknown[] }>('/v1.0/communications/callRecords');
    assert.equal(page.value.length, 0);
  });

  test('is listed and readable with 400 days', async () => {
    const got = await archive.get(`/v1.0/communications/callRecords/${old.id}`);
    assert.equal(got.status, 200);
    assert.equal(((await got.json()) as { id: string }).id, old.id);
    const page = await archive.json<{ value: { id: string }[] }>('/v1.0/communications/callRecords');
    assert.deepEqual(
      page.value.map((r) => r.id),
      [old.id],
    );
  });
});
