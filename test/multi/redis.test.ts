// The Redis side of shared state, against real Redis servers: the Redis counter store decides exactly as the
// in-process one over the same sequence (so a budget means the same with one instance or many), the replay guard
// and failure log are shared between two connections, and a Redis outage gives clients Graph's 503 and /healthz a
// 503, with recovery by itself when Redis is back.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { redisCoordination } from '../../src/coord/redis.js';
import type { Coordination } from '../../src/coord/types.js';
import { MemoryCounterStore, type Bucket } from '../../src/resilience/counters.js';
import { startTestServer } from '../helpers/server.js';
import { REDIS_URL, waitFor } from './cluster.js';

const opened: Coordination[] = [];
after(async () => {
  for (const c of opened) await c.close();
});

async function coordination(prefix: string, url = REDIS_URL): Promise<Coordination> {
  const c = await redisCoordination({ url, prefix });
  opened.push(c);
  return c;
}

test('the Redis counter store decides as the in-process one, request by request', async () => {
  const redis = (await coordination(`callrecords-test-${randomBytes(6).toString('hex')}:`)).counters;
  const memory = new MemoryCounterStore();
  const buckets: Bucket[] = [
    { key: 'a', limit: 5, windowMs: 1000, name: 'five a second' },
    { key: 'b', limit: 8, windowMs: 3000, name: 'eight in three seconds' },
  ];
  let now = Date.UTC(2026, 11, 3, 12);
  for (let i = 0; i < 60; i++) {
    now += [0, 10, 90, 400, 1000][i % 5]!;
    const subset = i % 7 === 0 ? buckets.slice(0, 1) : buckets;
    const [r, m] = await Promise.all([redis.acquire(subset, now), memory.acquire(subset, now)]);
    assert.deepEqual(r, m, `request ${i} at +${now % 100_000} ms`);
  }
});

test('two connections share the replay guard and the failure log', async () => {
  const prefix = `callrecords-test-${randomBytes(6).toString('hex')}:`;
  const [a, b] = [await coordination(prefix), await coordination(prefix)];
  assert.equal(await a.replay.use('tenant:app:jti-1', 60_000), true);
  assert.equal(await b.replay.use('tenant:app:jti-1', 60_000), false);
  assert.equal(await b.replay.use('tenant:app:jti-2', 60_000), true);
  const [fa, fb] = [a.failures('token', 60_000), b.failures('token', 60_000)];
  for (let i = 0; i < 3; i++) await (i % 2 ? fa : fb).fail(['ip:192.0.2.1']);
  assert.equal(await fa.retryAfter([['ip:192.0.2.1', 4]]), 0);
  await fb.fail(['ip:192.0.2.1']);
  const wait = await fa.retryAfter([['ip:192.0.2.1', 4]]);
  assert.ok(wait > 0 && wait <= 60, `locked for ${wait} s`);
  assert.equal(await fa.retryAfter([['ip:192.0.2.2', 4]]), 0);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function redisServer(port: number): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
}

test('a Redis outage: 503 with Retry-After and an unhealthy /healthz, then recovery by itself', async () => {
  const port = await freePort();
  let redis = redisServer(port);
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      try {
        (await coordination('probe:', url)).close().catch(() => {});
        return true;
      } catch {
        return false;
      }
    },
    10_000,
    'the private Redis is up',
  );
  const server = await startTestServer({ config: { redisUrl: url, throttling: 'graph' } });
  try {
    const list = () => server.get('/v1.0/communications/callRecords?$top=1');
    assert.equal((await list()).status, 200);
    const healthy = (await (await fetch(`${server.url}/healthz`)).json()) as { redis: { status: string } };
    assert.equal(healthy.redis.status, 'ok');

    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));
    const down = await list();
    assert.equal(down.status, 503);
    assert.equal(down.headers.get('retry-after'), '1');
    assert.equal(((await down.json()) as { error: { code: string } }).error.code, 'ServiceUnavailable');
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 503);
    assert.equal(((await health.json()) as { redis: { status: string } }).redis.status, 'unavailable');

    redis = redisServer(port);
    await waitFor(async () => (await list()).status === 200, 15_000, 'requests succeed again');
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  } finally {
    await server.close();
    redis.kill('SIGKILL');
  }
});
