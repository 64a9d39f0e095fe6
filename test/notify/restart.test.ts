// At least once across restarts, with a real process: the server (a child process on a file database) is killed
// with SIGKILL while a webhook request is in flight, a record is written while it is down, and after a restart both
// notifications arrive. Delivery state lives in the database, so nothing is lost.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { Registry } from '../../src/auth/registry.js';
import { systemClock } from '../../src/clock.js';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { normalizeCallRecord } from '../../src/graph/ingest/normalize.js';
import { DEMO_APPS, ensureDemoApps } from '../../src/demo/apps.js';
import { openStore } from '../../src/store/index.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { cli } from '../cli/run.js';
import { ADMIN_KEY, record, startReceiver, type Receiver } from './helpers.js';

let dir: string;
let db: string;
let receiver: Receiver;
const children: ChildProcess[] = [];

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'callrecords-notify-'));
  db = path.join(dir, 'callrecords.db');
  const store = await openStore({ db, json: STORED_JSON });
  await store.createTenant({ id: DEMO_TENANT_ID, displayName: 'Contoso', createdMs: Date.now() });
  await ensureDemoApps(store, new Registry(store, systemClock));
  await store.close();
  receiver = await startReceiver();
});
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `callrecords serve` on the database; resolves with its URL once it logs "ready". */
async function serve(): Promise<{ url: string; child: ChildProcess }> {
  const cli = path.resolve('src/cli/index.ts');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cli, 'serve', '--db', db, '--port', '0', '--webhook-allow-http'],
    {
      env: {
        ...process.env,
        CALLRECORDS_ADMIN_KEY: ADMIN_KEY,
        CALLRECORDS_NOTIFICATION_DELAY: '0',
        CALLRECORDS_LOG_LEVEL: 'info',
        // The killed process's claim on the in-flight notification lapses after its lease (here the shortest).
        CALLRECORDS_WEBHOOK_LEASE_SECONDS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    if (entry.msg === 'ready' && entry.url) {
      lines.on('line', () => {}); // keep draining the log
      return { url: entry.url, child };
    }
  }
  throw new Error(`the server exited before it was ready:\n${stderr}`);
}

async function token(url: string): Promise<string> {
  const res = await fetch(`${url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: DEMO_APPS[0].appId,
      client_secret: DEMO_APPS[0].secret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

const ids = (path: string) => receiver.values(path).map((v) => (v.resourceData as { id: string }).id);

test('SIGKILL mid-delivery and a record written while down: both arrive after the restart', async () => {
  const first = await serve();
  const sub = await fetch(`${first.url}/v1.0/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token(first.url)}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      changeType: 'created,updated',
      notificationUrl: `${receiver.url}/restart`,
      resource: 'communications/callRecords',
      expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
    }),
  });
  assert.equal(sub.status, 201);

  receiver.behaviour = (r) => r.validationToken === null; // hold every notification: no acknowledgement
  const inFlight = randomUUID();
  const push = await fetch(`${first.url}/admin/tenants/${DEMO_TENANT_ID}/callRecords`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(record(inFlight)),
  });
  assert.equal(push.status, 201);
  await receiver.waitFor(() => receiver.notifications().length === 1);
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));

  // Written by another process while the server is down: the outbox row commits with the record.
  const whileDown = randomUUID();
  const store = await openStore({ db, json: STORED_JSON });
  await store.upsertCallRecords(DEMO_TENANT_ID, [normalizeCallRecord(record(whileDown))]);
  await store.close();

  receiver.behaviour = undefined; // back to 202
  const second = await serve();
  await receiver.waitFor(
    () => ids('/restart').includes(whileDown) && ids('/restart').filter((i) => i === inFlight).length === 2,
    10_000,
  );
  const received = ids('/restart');
  assert.equal(
    received.filter((i) => i === inFlight).length,
    2,
    'redelivered after the kill (at least once)',
  );
  assert.equal(received.filter((i) => i === whileDown).length, 1);
  second.child.kill('SIGTERM');
  await new Promise((resolve) => second.child.once('exit', resolve));
});

test('`callrecords subscription list` shows the subscription from the database', async () => {
  const run = async (...args: string[]) => {
    const r = await cli('subscription', 'list', '--db', db, ...args);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const rows = JSON.parse(await run('--json', '--tenant', DEMO_TENANT_ID)) as Record<string, unknown>[];
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.status, 'active');
  assert.equal(rows[0]!.notificationUrl, `${receiver.url}/restart`);
  assert.equal(rows[0]!.pendingNotifications, 0);
  assert.match(await run(), /active .*\n {2}communications\/callRecords \(created,updated\) -> http/);
  assert.deepEqual(JSON.parse(await run('--json', '--tenant', '00000000-0000-4000-8000-000000000000')), []);
});
