// Graph's budgets over real HTTP, on the server's frozen clock: exact at window edges, 429 with Graph's error body
// and Retry-After, RateLimit-* headers when configured, and a budget file of one's own.
// backends: sqlite — request budgets, kept in memory or Redis.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

const LIST = '/v1.0/communications/callRecords?$top=1';
const RECORD = '/v1.0/communications/callRecords/00000000-0000-4000-8000-000000000001';
let server: TestServer;
const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-throttling-'));

before(async () => {
  server = await startTestServer({ config: { throttling: 'graph', rateLimitHeaders: true } });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the list budget: request 40 passes, 41 is a 429 until the oldest leaves the 20 s window', async () => {
  const t0 = server.clock.now();
  for (let i = 1; i <= 40; i++) {
    const res = await server.get(LIST);
    assert.equal(res.status, 200, `request ${i}`);
    assert.equal(res.headers.get('ratelimit-limit'), '40');
    assert.equal(res.headers.get('ratelimit-remaining'), String(40 - i));
    await res.arrayBuffer();
    if (i === 1) server.clock.advance(5_000); // the oldest request is alone at t0
  }
  const refused = await server.get(LIST);
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get('retry-after'), '15');
  assert.equal(refused.headers.get('ratelimit-remaining'), '0');
  const body = (await refused.json()) as { error: { code: string; message: string; innerError: object } };
  assert.equal(body.error.code, 'TooManyRequests');
  assert.match(body.error.message, /Retry-After/);
  assert.ok('request-id' in body.error.innerError);

  server.clock.set(t0 + 20_000 - 1);
  assert.equal((await server.get(LIST)).status, 429, 'one ms before the oldest leaves');
  server.clock.set(t0 + 20_000);
  assert.equal((await server.get(LIST)).status, 200, 'exactly when it leaves');
  assert.equal((await server.get(LIST)).status, 429, 'and only one slot came free');
  // A record is another budget: 40 per record per 20 s, unaffected by the list.
  assert.equal((await server.get(RECORD)).status, 404);
  server.clock.advance(60_000);
});

test('per call record: 40 per 20 s per record; another record has its own budget', async () => {
  for (let i = 0; i < 40; i++) assert.equal((await server.get(RECORD)).status, 404, `request ${i + 1}`);
  const refused = await server.get(RECORD);
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get('retry-after'), '20');
  assert.equal((await server.get(RECORD.replace(/1$/, '2'))).status, 404);
  server.clock.advance(20_000);
  assert.equal((await server.get(RECORD)).status, 404);
});

test('a budget file: its own limits and windows, counted per app', async () => {
  const file = path.join(dir, 'budgets.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'tight',
      budgets: [{ name: 'two a second', resources: 'callRecords', per: ['app'], limit: 2, windowSeconds: 1 }],
    }),
  );
  const own = await startTestServer({ config: { throttling: file } });
  try {
    assert.equal((await own.get(LIST)).status, 200);
    assert.equal((await own.get(RECORD)).status, 404);
    const refused = await own.get(LIST);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.equal(refused.headers.get('ratelimit-limit'), null, 'RateLimit-* only when configured');
    own.clock.advance(1000);
    assert.equal((await own.get(LIST)).status, 200);
  } finally {
    await own.close();
  }
  writeFileSync(file, JSON.stringify({ budgets: [{ name: 'x', resources: 'nope', per: [], limit: 0 }] }));
  await assert.rejects(startTestServer({ config: { throttling: file } }), /invalid budget file/);
});

test('throttling off: no limit, no headers', async () => {
  // RateLimit-* asked for: with no budget there is still nothing to report.
  const off = await startTestServer({ config: { throttling: 'off', rateLimitHeaders: true } });
  try {
    for (let i = 1; i <= 45; i++) {
      const res = await off.get(LIST);
      assert.equal(res.status, 200, `request ${i}: past the list budget of 40`);
      const names = [...res.headers.keys()].filter((k) => /^(ratelimit-|retry-after$)/.test(k));
      assert.deepEqual(names, [], `request ${i}`);
      await res.arrayBuffer();
    }
  } finally {
    await off.close();
  }
});
