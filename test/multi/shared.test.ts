// Three server processes on one database and one Redis behave as one server: a throttling budget and the
// failed-sign-in limit are counted once for all, a nextLink minted by one continues on another, the virtual clock,
// fault rules and simulated calls changed on one are seen by the others, and a signing-key rotation is honoured by
// every instance within the reload interval.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { cli } from '../cli/run.js';
import {
  admin,
  ADMIN_KEY,
  CLI_ENV,
  Cluster,
  EXTRA_APPS,
  freshDatabase,
  record,
  tokenFrom,
  waitFor,
  type Database,
  type Instance,
} from './cluster.js';

let database: Database;
let cluster: Cluster;
let nodes: Instance[];
const budgetFile = path.join(tmpdir(), `callrecords-multi-budget-${randomUUID()}.json`);

before(async () => {
  database = await freshDatabase();
  writeFileSync(
    budgetFile,
    JSON.stringify({
      name: 'multi',
      budgets: [{ name: 'list', resources: 'list', per: ['app', 'tenant'], limit: 40, windowSeconds: 120 }],
    }),
  );
  cluster = new Cluster({
    db: database.db,
    env: {
      CALLRECORDS_THROTTLING: budgetFile,
      CALLRECORDS_KEY_RELOAD_SECONDS: '1',
      CALLRECORDS_SYNC_INTERVAL_MS: '500',
    },
  });
  nodes = await cluster.startAll(3);
});

after(async () => {
  await cluster?.stop();
  await database?.drop();
});

const list = (url: string, token: string, query = '') =>
  fetch(`${url}/v1.0/communications/callRecords${query}`, { headers: { authorization: `Bearer ${token}` } });

test('a list budget of 40 is shared: the 41st request is refused on whichever instance gets it', async () => {
  const [app] = EXTRA_APPS;
  const token = await tokenFrom(nodes[0]!.url, app);
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) statuses.push((await list(nodes[i % 3]!.url, token)).status);
  assert.deepEqual(
    statuses,
    Array.from({ length: 40 }, () => 200),
  );
  for (const node of nodes) {
    const res = await list(node.url, token);
    assert.equal(res.status, 429, `instance ${node.id} admitted request 41`);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'TooManyRequests');
  }
});

test('failed sign-ins are counted across instances: after 20 on any of them, every instance locks the client out', async () => {
  const app = EXTRA_APPS[1];
  const attempt = (url: string, secret: string) =>
    fetch(`${url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.appId,
        client_secret: secret,
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
  for (let i = 0; i < 20; i++) assert.equal((await attempt(nodes[i % 3]!.url, 'wrong')).status, 401);
  for (const node of nodes) {
    const res = await attempt(node.url, app.secret);
    assert.equal(res.status, 429, `instance ${node.id} let the locked-out client in`);
  }
});

test('a nextLink minted by one instance continues on the others', async () => {
  const docs = Array.from({ length: 25 }, (_, i) => record(randomUUID(), 1, 3_600_000 + i * 60_000));
  const res = await fetch(`${nodes[0]!.url}/admin/tenants/${DEMO_TENANT_ID}/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/x-ndjson' },
    body: docs.map((d) => JSON.stringify(d)).join('\n'),
  });
  assert.equal(res.status, 200);
  const token = await tokenFrom(nodes[1]!.url);
  const all = (await (await list(nodes[0]!.url, token)).json()) as { value: { id: string }[] };
  let page = (await (await list(nodes[0]!.url, token, '?$top=10')).json()) as {
    value: { id: string }[];
    '@odata.nextLink'?: string;
  };
  const ids = page.value.map((r) => r.id);
  for (let hop = 1; page['@odata.nextLink']; hop++) {
    const next = new URL(page['@odata.nextLink']);
    const res = await fetch(nodes[hop % 3]!.url + next.pathname + next.search, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200, `page ${hop + 1} on instance ${nodes[hop % 3]!.id}`);
    page = (await res.json()) as typeof page;
    ids.push(...page.value.map((r) => r.id));
  }
  assert.equal(ids.length, 25);
  assert.deepEqual(
    ids,
    all.value.map((r) => r.id),
  );
});

test('the virtual clock moved on one instance is the clock of all', async () => {
  const moved = await admin(nodes[0]!.url, 'POST', '/admin/clock', { action: 'advance', by: 'PT3H' });
  assert.equal(moved.status, 200);
  const target = Date.parse(moved.body.now as string);
  for (const node of nodes.slice(1)) {
    await waitFor(
      async () => {
        const seen = await admin(node.url, 'GET', '/admin/clock');
        return Math.abs(Date.parse(seen.body.now as string) - target) < 60_000;
      },
      5000,
      `instance ${node.id} follows the clock`,
    );
  }
  assert.equal((await admin(nodes[2]!.url, 'POST', '/admin/clock', { action: 'reset' })).status, 200);
  await waitFor(
    async () =>
      Math.abs(
        Date.parse((await admin(nodes[0]!.url, 'GET', '/admin/clock')).body.now as string) - Date.now(),
      ) < 60_000,
    5000,
    'instance i0 follows the reset',
  );
});

test('a fault rule added on one instance fires on the others; removed on another, it is gone everywhere', async () => {
  const added = await admin(nodes[0]!.url, 'POST', '/admin/faults', {
    id: 'multi-503',
    route: '/v1.0/communications/callRecords/*',
    status: 503,
  });
  assert.equal(added.status, 201);
  const token = await tokenFrom(nodes[0]!.url);
  const get = (url: string) =>
    fetch(`${url}/v1.0/communications/callRecords/${randomUUID()}`, {
      headers: { authorization: `Bearer ${token}` },
    });
  for (const node of nodes) {
    await waitFor(async () => (await get(node.url)).status === 503, 5000, `the rule fires on ${node.id}`);
    const rules = (await admin(node.url, 'GET', '/admin/faults')).body.rules as { id: string }[];
    assert.deepEqual(
      rules.map((r) => r.id),
      ['multi-503'],
    );
  }
  assert.equal((await admin(nodes[2]!.url, 'DELETE', '/admin/faults/multi-503')).status, 204);
  for (const node of nodes) {
    await waitFor(async () => (await get(node.url)).status === 404, 5000, `the rule is gone on ${node.id}`);
  }
});

test('a simulated call started on one instance is changed on a second and hung up on a third', async () => {
  const started = await admin(nodes[0]!.url, 'POST', `/admin/tenants/${DEMO_TENANT_ID}/calls`, {
    source: { identity: { user: { id: randomUUID(), displayName: 'Adele' } } },
    targets: [{ identity: { user: { id: randomUUID(), displayName: 'Bianca' } } }],
    requestedModalities: ['audio'],
  });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  const id = started.body.id as string;
  const seen = await admin(nodes[1]!.url, 'GET', `/admin/tenants/${DEMO_TENANT_ID}/calls/${id}`);
  assert.equal(seen.status, 200);
  const changed = await admin(nodes[1]!.url, 'PATCH', `/admin/tenants/${DEMO_TENANT_ID}/calls/${id}`, {
    requestedModalities: ['audio', 'video'],
  });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  const events = await admin(nodes[2]!.url, 'GET', `/admin/tenants/${DEMO_TENANT_ID}/calls/${id}/events`);
  assert.ok((events.body.value as { type: string }[]).some((e) => e.type === 'modalitiesChanged'));
  assert.equal(
    (await admin(nodes[2]!.url, 'DELETE', `/admin/tenants/${DEMO_TENANT_ID}/calls/${id}`)).status,
    204,
  );
  assert.equal(
    (await admin(nodes[0]!.url, 'GET', `/admin/tenants/${DEMO_TENANT_ID}/calls/${id}`)).status,
    404,
  );
  const pending = await admin(nodes[1]!.url, 'GET', `/admin/tenants/${DEMO_TENANT_ID}/pendingCallRecords`);
  // Hung up once: one pending record version (the record delay is 900 s outside demo mode).
  const versions = (pending.body.value as { id: string }[]).filter((r) => r.id === started.body.callChainId);
  assert.equal(versions.length, 1);
});

test('a signing key rotated on the database is used and accepted by every instance within the reload interval', async () => {
  const kidOf = async (url: string) => decodeProtectedHeader(await tokenFrom(url)).kid;
  const before = await kidOf(nodes[0]!.url);
  for (const node of nodes) assert.equal(await kidOf(node.url), before);
  Object.assign(process.env, CLI_ENV);
  const rotated = await cli('keys', 'rotate', '--db', database.db, '--json');
  assert.equal(rotated.code, 0, rotated.stderr);
  const kid = (JSON.parse(rotated.stdout) as { kid: string }).kid;
  assert.notEqual(kid, before);
  const started = Date.now();
  for (const node of nodes)
    await waitFor(async () => (await kidOf(node.url)) === kid, 60_000, `${node.id} signs with the new key`);
  const tookMs = Date.now() - started;
  assert.ok(tookMs < 60_000);
  // A token of the new key from one instance is accepted by the others, and an old-key token still is.
  const fresh = await tokenFrom(nodes[2]!.url);
  for (const node of nodes) {
    const res = await fetch(`${node.url}/v1.0/communications/callRecords?$top=1`, {
      headers: { authorization: `Bearer ${fresh}` },
    });
    assert.equal(res.status, 200, `instance ${node.id} accepts the new key`);
  }
});
