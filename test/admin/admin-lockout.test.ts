// Admin key guesses are limited per source address (real time): past the limit that address gets a Graph-shaped
// 429 with Retry-After, the right key included; another address with the right key is served.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { requestFrom } from '../helpers/from-address.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const KEY = 'admin-lockout-test-key-0123';
const LIMIT = 5;
const WINDOW_S = 2;
let server: TestServer;

before(async () => {
  server = await startTestServer({
    config: { adminKey: KEY, adminFailuresPerAddress: LIMIT, adminFailureWindowSeconds: WINDOW_S },
  });
});
after(() => server.close());

const tenants = (from: string, key: string) =>
  requestFrom(from, `${server.url}/admin/tenants`, { headers: { authorization: `Bearer ${key}` } });

test('wrong admin keys lock out their address only, until the window passes', async () => {
  for (let i = 0; i < LIMIT; i++) {
    const r = await tenants('127.0.0.1', `wrong-key-${i}`);
    assert.equal(r.status, 401, `guess ${i}`);
  }
  const locked = await tenants('127.0.0.1', `wrong-key-${LIMIT}`);
  assert.equal(locked.status, 429);
  const error = locked.json?.error as { code: string; innerError: Record<string, string> };
  assert.equal(error.code, 'TooManyRequests');
  assert.ok(error.innerError['request-id']);
  const retry = Number(locked.headers['retry-after']);
  assert.ok(retry >= 1 && retry <= WINDOW_S, `Retry-After ${retry}`);
  assert.equal((await tenants('127.0.0.1', KEY)).status, 429, 'the right key from the locked address');
  assert.equal((await tenants('127.0.0.2', KEY)).status, 200, 'the right key from another address');
  await new Promise((resolve) => setTimeout(resolve, WINDOW_S * 1000 + 100));
  assert.equal((await tenants('127.0.0.1', KEY)).status, 200, 'after the window');
});
