// A mirrored tenant keeps what it copied past Graph's 30 days (unlimited unless told otherwise), served by the same
// API; a retention of its own set through the admin API applies to reads and to the purge, and can be removed.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { adminRequest } from '../helpers/admin.js';
import { startTestServer, TEST_NOW } from '../helpers/server.js';
import { ADMIN_KEY, mirror, TENANT, withUpstream, type Upstream } from './helpers.js';

let up: Upstream;
const dir = withUpstream('mirror-retention', { throttling: 'off' }, (u) => (up = u));

test('a mirrored tenant serves its records after 60 days until a retention of its own says otherwise', async () => {
  const db = path.join(dir, 'mirror.db');
  const r = await mirror(up, db, 2, '--json');
  assert.equal(r.code, 0, r.stderr);
  const copied = (JSON.parse(r.stdout) as { created: number }).created;
  assert.ok(copied > 0);
  // The same database served 60 days later, with Graph's 30-day window for every other tenant.
  const server = await startTestServer({
    config: { db, adminKey: ADMIN_KEY, retentionDays: 30 },
    now: TEST_NOW + 60 * 86_400_000,
  });
  try {
    const adminCall = (method: string, route: string, body?: unknown) =>
      adminRequest(`${server.url}/admin${route}`, ADMIN_KEY, method, body);
    const count = async () => {
      let n = 0;
      let url: string | undefined = '/v1.0/communications/callRecords';
      while (url) {
        const page: { value: unknown[]; '@odata.nextLink'?: string } = await server.json(url);
        n += page.value.length;
        url = page['@odata.nextLink']?.slice(server.url.length);
      }
      return n;
    };
    assert.equal(await count(), copied);
    assert.deepEqual((await adminCall('GET', `/tenants/${TENANT}/retention`)).json, {
      tenantId: TENANT,
      days: null,
      own: true,
    });
    const status = await adminCall('GET', '/mirrors');
    assert.equal(status.status, 200);
    const [m] = status.json.value as {
      tenantId: string;
      complete: boolean;
      backlog: number;
      retentionDays: number | null;
    }[];
    assert.equal(m?.tenantId, TENANT);
    assert.equal(m.complete, true);
    assert.equal(m.retentionDays, null);
    assert.equal((await adminCall('GET', `/tenants/${TENANT}/mirror`)).status, 200);

    // A purge keeps an unlimited tenant whole.
    assert.equal(await server.app.retention.purge(), 0);
    assert.equal(await server.store.countAllCallRecords(TENANT), copied);

    assert.equal((await adminCall('PUT', `/tenants/${TENANT}/retention`, { days: 'many' })).status, 400);
    assert.deepEqual((await adminCall('PUT', `/tenants/${TENANT}/retention`, { days: 45 })).json, {
      tenantId: TENANT,
      days: 45,
      own: true,
    });
    assert.equal(await count(), 0);
    assert.equal(await server.app.retention.purge(), copied);
    assert.equal(await server.store.countAllCallRecords(TENANT), 0);
    assert.deepEqual((await adminCall('DELETE', `/tenants/${TENANT}/retention`)).json, {
      tenantId: TENANT,
      days: 30,
      own: false,
    });
    assert.equal(
      (await adminCall('GET', '/tenants/00000000-0000-4000-8000-000000000000/retention')).status,
      404,
    );
  } finally {
    await server.close();
  }
});
