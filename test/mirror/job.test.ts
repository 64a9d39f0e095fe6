// The server runs a mirror from its configuration: it backfills, keeps current, reports on /admin/mirrors, serves
// the copy through the Graph API, and stops with the server.
import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { startTestServer } from '../helpers/server.js';
import { cli } from '../cli/run.js';
import { ADMIN_KEY, APP, assertSameLines, exported, TENANT, withUpstream, type Upstream } from './helpers.js';

let up: Upstream;
const dir = withUpstream('mirror-job', { throttling: 'off' }, (u) => (up = u));

test('a mirror job from the server configuration copies the tenant, reports its status, and stops with the server', async () => {
  const db = path.join(dir, 'mirror.db');
  const now = new Date(up.server.clock.now()).toISOString();
  const job = {
    upstream: up.server.url,
    authority: up.server.url,
    tenant: TENANT,
    clientId: APP.appId,
    clientSecret: APP.secret,
    days: 2,
    betaLogs: true,
    pollIntervalSeconds: 1,
    now,
  };
  const server = await startTestServer({ config: { db, adminKey: ADMIN_KEY, mirrors: [job] } });
  let status:
    { phase: string; complete: boolean; created: number; from: string; backlog: number } | undefined;
  try {
    const deadline = Date.now() + 60_000;
    while (!status || status.phase !== 'current') {
      assert.ok(Date.now() < deadline, `no complete backfill in a minute: ${JSON.stringify(status)}`);
      await sleep(200);
      const res = await fetch(`${server.url}/admin/mirrors`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      [status] = ((await res.json()) as { value: (typeof status)[] }).value;
    }
    assert.equal(status.complete, true);
    assert.equal(status.backlog, 0);
    const page = await server.json<{ value: unknown[] }>('/v1.0/communications/callRecords');
    assert.ok(page.value.length > 0);
  } finally {
    await server.close();
  }
  const after = await cli('mirror', 'status', '--db', db, '--json');
  const [saved] = JSON.parse(after.stdout) as { phase: string }[];
  assert.equal(saved?.phase, 'stopped');
  assertSameLines(await exported(db, status.from, now), await exported(up.db, status.from, now));
});

test('a mirror job with a wrong option stops the configuration, with its reason', () => {
  assert.throws(
    () => loadConfig({ mirrors: [{ tenant: TENANT, clientId: APP.appId, colour: 'blue' } as never] }, {}),
    /invalid configuration: mirrors\.0/,
  );
});
