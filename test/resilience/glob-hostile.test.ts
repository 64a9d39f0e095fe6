// A fault rule's route glob cannot freeze the server: globs are matched in time linear in the path (a pathological
// glob and a long path answer at once, and /healthz with them), and an over-long glob is refused when created.
// backends: sqlite — fault-rule glob matching.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ADMIN_KEY, admin } from './helpers.js';

let server: TestServer;

before(async () => {
  server = await startTestServer({ config: { adminKey: ADMIN_KEY } });
});
after(() => server.close());

test('a pathological glob against a long path answers at once, and still matches what it should', async () => {
  const added = await admin(server, 'POST', '/faults', {
    id: 'evil',
    route: '/v1.0/**a**a**a**a**!',
    status: 503,
    retryAfterSeconds: 0,
  });
  assert.equal(added.status, 201);
  const started = performance.now();
  const [miss, health] = await Promise.all([
    server.get(`/v1.0/communications/callRecords/${'a'.repeat(300)}`),
    fetch(`${server.url}/healthz`),
  ]);
  await miss.arrayBuffer();
  await health.arrayBuffer();
  const ms = performance.now() - started;
  assert.equal(miss.headers.get('x-callrecords-fault'), null, 'no "!" at the end: no match');
  assert.equal(health.status, 200);
  assert.ok(ms < 1000, `answered in ${Math.round(ms)} ms`);
  const hit = await server.get(`/v1.0/communications/callRecords/${'a'.repeat(300)}!`);
  await hit.arrayBuffer();
  assert.equal(hit.status, 503, 'the glob matches a path that ends in "!"');
  assert.equal(hit.headers.get('x-callrecords-fault'), 'evil; status=503');
  assert.equal((await admin(server, 'DELETE', '/faults')).status, 204);
});

test('* stays within a segment, ** crosses segments, matching ignores case', async () => {
  await admin(server, 'POST', '/faults', { id: 'one', route: '/V1.0/*/callRecords', status: 502 });
  await admin(server, 'POST', '/faults', { id: 'deep', route: '/beta/**/sessions', status: 504 });
  const status = async (p: string) => {
    const res = await server.get(p);
    await res.arrayBuffer();
    return res.headers.get('x-callrecords-fault');
  };
  assert.equal(await status('/v1.0/communications/callRecords'), 'one; status=502');
  assert.equal(await status('/v1.0/communications/callRecords/x/sessions'), null);
  assert.equal(
    await status(`/beta/communications/callRecords/${crypto.randomUUID()}/sessions`),
    'deep; status=504',
  );
  assert.equal((await admin(server, 'DELETE', '/faults')).status, 204);
});

test('an over-long glob is refused with a Graph-shaped 400', async () => {
  const res = await admin(server, 'POST', '/faults', { route: `/v1.0/${'*a'.repeat(400)}`, status: 500 });
  assert.equal(res.status, 400);
  const error = res.json.error as { code: string; message: string; innerError: Record<string, string> };
  assert.equal(error.code, 'BadRequest');
  assert.match(error.message, /route/);
  assert.ok(error.innerError['request-id']);
});
