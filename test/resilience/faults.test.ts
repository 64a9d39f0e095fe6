// Fault injection over real HTTP: the admin API, determinism with a seed, the x-callrecords-fault header, statuses
// with Graph's error body, latency, dropped connections, the start-up banner, and the throttling report.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { DEMO_APPS } from '../../src/demo/apps.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ADMIN_KEY, admin } from './helpers.js';

const LIST = '/v1.0/communications/callRecords?$top=1';
let server: TestServer;

before(async () => {
  server = await startTestServer({ config: { adminKey: ADMIN_KEY, faultSeed: 7 } });
});
after(() => server.close());
beforeEach(async () => {
  assert.equal((await admin(server, 'DELETE', '/faults')).status, 204);
});

/** Indices (1-based) of the requests among `n` that carried a fault. */
async function faulted(n: number): Promise<number[]> {
  const hit: number[] = [];
  for (let i = 1; i <= n; i++) {
    const res = await server.get(LIST);
    await res.arrayBuffer();
    if (res.headers.get('x-callrecords-fault')) hit.push(i);
  }
  return hit;
}

test('same seed, same faulted requests; another seed, another sequence', async () => {
  const rule = { resource: 'records', probability: 0.3, status: 503 };
  await admin(server, 'POST', '/faults', rule);
  const first = await faulted(40);
  assert.ok(first.length > 3 && first.length < 25, `${first.length} faults`);
  await admin(server, 'DELETE', '/faults');
  await admin(server, 'POST', '/faults', rule);
  assert.deepEqual(await faulted(40), first, 'the server seed (7) again');
  await admin(server, 'DELETE', '/faults');
  await admin(server, 'POST', '/faults', { ...rule, seed: 8 });
  assert.notDeepEqual(await faulted(40), first);
});

test('every Nth request, a status with Graph error body, Retry-After and the header; GET lists counts', async () => {
  const added = await admin(server, 'POST', '/faults', {
    id: 'third',
    route: '/v1.0/communications/*',
    method: 'GET',
    everyNth: 3,
    status: 507,
    retryAfterSeconds: 4,
  });
  assert.equal(added.status, 201);
  assert.deepEqual(await faulted(9), [3, 6, 9]);
  await admin(server, 'POST', '/faults', { id: 'gw', resource: 'record', status: 502 });
  const res = await server.get('/v1.0/communications/callRecords/00000000-0000-4000-8000-000000000001');
  assert.equal(res.status, 502);
  assert.equal(res.headers.get('x-callrecords-fault'), 'gw; status=502');
  assert.equal(res.headers.get('retry-after'), '1');
  const body = (await res.json()) as { error: { code: string; innerError: Record<string, string> } };
  assert.equal(body.error.code, 'BadGateway');
  assert.equal(body.error.innerError['request-id'], res.headers.get('request-id'));
  const list = (await admin(server, 'GET', '/faults')).json as {
    seed: number;
    rules: Record<string, unknown>[];
  };
  assert.equal(list.seed, 7);
  assert.deepEqual(
    list.rules.map((r) => [r.id, r.matched, r.injected]),
    [
      ['third', 9, 3], // '*' stays within a segment: the record path is not matched
      ['gw', 1, 1],
    ],
  );
  assert.equal((await admin(server, 'DELETE', '/faults/gw')).status, 204);
  const missing = await admin(server, 'DELETE', '/faults/gw');
  assert.equal(missing.status, 404);
  assert.equal((missing.json.error as { code: string }).code, 'NotFound');
});

test('rules match tenant and app; invalid rules are a 400', async () => {
  await admin(server, 'POST', '/faults', { app: DEMO_APPS[1].appId, status: 500 });
  assert.deepEqual(await faulted(3), [], 'another app is not affected');
  await admin(server, 'POST', '/faults', { tenant: DEMO_TENANT_ID, app: DEMO_APPS[0].appId, status: 500 });
  assert.deepEqual(await faulted(2), [1, 2]);
  for (const bad of [{ status: 418 }, { route: '/x' }, { probability: 0.5, everyNth: 2, status: 500 }]) {
    const res = await admin(server, 'POST', '/faults', bad);
    assert.equal(res.status, 400, JSON.stringify(bad));
    assert.match((res.json.error as { message: string }).message, /^Invalid fault rule/);
  }
});

test('added latency (a range) keeps the answer and carries the header', async () => {
  await admin(server, 'POST', '/faults', { id: 'slow', resource: 'records', latencyMs: [150, 200] });
  const started = performance.now();
  const res = await server.get(LIST);
  const took = performance.now() - started;
  assert.equal(res.status, 200);
  assert.ok(took >= 145, `${took} ms`);
  assert.match(res.headers.get('x-callrecords-fault') ?? '', /^slow; latency=(1[5-9]\d|200)ms$/);
});

test('a dropped connection: the socket closes without an answer', async () => {
  await admin(server, 'POST', '/faults', { resource: 'records', drop: true });
  await assert.rejects(server.get(LIST), /fetch failed/);
  await admin(server, 'DELETE', '/faults');
  assert.equal((await server.get(LIST)).status, 200, 'the server is fine afterwards');
});

test('throttling report: an app that retries before Retry-After has passed', async () => {
  await admin(server, 'POST', '/faults', {
    resource: 'records',
    everyNth: 2,
    status: 429,
    retryAfterSeconds: 30,
  });
  assert.deepEqual(await faulted(4), [2, 4], 'requests 3 and 4 came before the 30 s had passed');
  const report = await admin(server, 'GET', `/tenants/${DEMO_TENANT_ID}/throttling-report`);
  assert.equal(report.status, 200);
  const r = report.json as { throttledApps: number; earlyRetries: Record<string, unknown>[] };
  assert.equal(r.throttledApps, 1);
  assert.equal(r.earlyRetries.length, 1);
  const app = r.earlyRetries[0]!;
  assert.equal(app.appId, DEMO_APPS[0].appId);
  assert.equal(app.count, 2);
  assert.ok((app.maxEarlyMs as number) > 25_000 && (app.maxEarlyMs as number) <= 30_000);
  assert.ok(Date.parse(app.firstAt as string) <= Date.parse(app.lastAt as string));
  const unknown = await admin(
    server,
    'GET',
    '/tenants/00000000-0000-4000-8000-00000000beef/throttling-report',
  );
  assert.equal(unknown.status, 404);
});

test('a server started with faults prints a banner on stderr', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-faults-'));
  const file = path.join(dir, 'faults.json');
  writeFileSync(file, JSON.stringify([{ id: 'boom', resource: 'records', everyNth: 5, status: 503 }]));
  const cli = path.resolve(import.meta.dirname, '../../src/cli/index.ts');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      cli,
      'serve',
      '--db',
      ':memory:',
      '--port',
      '0',
      '--faults',
      file,
      '--log-level',
      'silent',
    ],
    { env: { ...process.env, CALLRECORDS_KEK: Buffer.alloc(32, 1).toString('base64') } },
  );
  try {
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${stderr}`)), 30_000);
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('boom:')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`exited: ${stderr}`)));
    });
    assert.match(stderr, /FAULT INJECTION ACTIVE: 1 rule/);
    assert.match(stderr, /boom: request resource=records \| every 5th \| status 503/);
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
