// Failed token requests are limited per client and per address: past the configured limits the token endpoint
// answers 429 with Retry-After (a correct secret included) until the failures leave the window.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  DEMO_APP,
  GRAPH_SCOPE,
  NOROLES_APP,
  TENANT,
  assertOAuthError,
  postToken,
  secretForm,
  type Reply,
} from './helpers.js';

const PER_CLIENT = 3;
const PER_ADDRESS = 6;
const WINDOW_S = 60;
let server: TestServer;

before(async () => {
  server = await startTestServer({
    config: {
      tokenFailuresPerClient: PER_CLIENT,
      tokenFailuresPerAddress: PER_ADDRESS,
      tokenFailureWindowSeconds: WINDOW_S,
    },
  });
});

after(async () => {
  await server?.close();
});

/** Each test starts with an empty window. */
const nextWindow = () => server.clock.set(server.clock.now() + (WINDOW_S + 1) * 1000);
const good = () => postToken(server, TENANT, secretForm(DEMO_APP.appId, DEMO_APP.secret));
const bad = (clientId: string = DEMO_APP.appId) =>
  postToken(server, TENANT, secretForm(clientId, 'wrong-secret'));

function assertThrottled(r: Reply, what: string): number {
  assertOAuthError(r, { status: 429, error: 'temporarily_unavailable', code: 90055 }, what);
  assert.ok(!r.json?.access_token);
  const retry = r.headers.get('retry-after');
  assert.match(retry ?? '', /^\d+$/, `${what}: Retry-After ${retry}`);
  const seconds = Number(retry);
  assert.ok(seconds >= 1 && seconds <= WINDOW_S, `${what}: Retry-After ${seconds}`);
  return seconds;
}

describe('per client', () => {
  test('past the limit, even the correct secret gets 429 with Retry-After; the window frees it', async () => {
    nextWindow();
    for (let i = 0; i < PER_CLIENT; i++) {
      assertOAuthError(
        await bad(),
        { status: 401, error: 'invalid_client', code: 7000215 },
        `failure ${i + 1}`,
      );
    }
    const first = assertThrottled(await good(), 'correct secret');
    assert.equal(first, WINDOW_S);
    assertThrottled(await bad(), 'wrong secret');
    // Other clients from the same address are not affected (below the address limit).
    assert.equal(
      (await postToken(server, TENANT, secretForm(NOROLES_APP.appId, NOROLES_APP.secret))).status,
      200,
    );
    // Retry-After counts down with the clock; hammering while throttled does not extend it.
    server.clock.set(server.clock.now() + 30_000);
    for (let i = 0; i < 5; i++) assertThrottled(await good(), `hammer ${i}`);
    assert.equal(assertThrottled(await good(), 'after 30 s'), WINDOW_S - 30);
    server.clock.set(server.clock.now() + (WINDOW_S - 30) * 1000 + 1);
    assert.equal((await good()).status, 200, 'recovered after the window');
  });

  test('the client id counts case-insensitively, and via HTTP Basic', async () => {
    nextWindow();
    await bad(DEMO_APP.appId.toUpperCase());
    const basic = Buffer.from(`${DEMO_APP.appId}:nope`).toString('base64');
    const viaBasic = await postToken(
      server,
      TENANT,
      { grant_type: 'client_credentials', scope: GRAPH_SCOPE },
      {
        headers: { authorization: `Basic ${basic}` },
      },
    );
    assert.equal(viaBasic.status, 401);
    await bad();
    assertThrottled(await good(), 'after mixed-case and Basic failures');
  });

  test('successes do not count', async () => {
    nextWindow();
    for (let i = 0; i < PER_ADDRESS + PER_CLIENT; i++)
      assert.equal((await good()).status, 200, `success ${i}`);
    assert.equal((await bad()).status, 401);
  });
});

describe('per address', () => {
  test('failures of many clients (unknown ones too) throttle the address, then recover', async () => {
    nextWindow();
    for (let i = 0; i < PER_ADDRESS; i++) {
      // A different client id each time: the per-client limit never trips.
      const r =
        i % 2 === 0
          ? await bad(randomUUID())
          : await postToken(server, TENANT, { grant_type: 'client_credentials' });
      assert.ok(r.status === 400 || r.status === 401, `failure ${i}: ${r.status}`);
    }
    assertThrottled(await good(), 'correct secret of a client that never failed');
    assertThrottled(
      await postToken(server, TENANT, secretForm(NOROLES_APP.appId, NOROLES_APP.secret)),
      'other client',
    );
    server.clock.set(server.clock.now() + WINDOW_S * 1000 + 1);
    assert.equal((await good()).status, 200, 'recovered after the window');
  });

  test('the Graph API keeps serving existing tokens while the token endpoint throttles', async () => {
    nextWindow();
    for (let i = 0; i < PER_ADDRESS; i++) await bad(randomUUID());
    assertThrottled(await good(), 'throttled');
    const r = await server.get('/v1.0/communications/callRecords');
    assert.equal(r.status, 200);
  });
});
