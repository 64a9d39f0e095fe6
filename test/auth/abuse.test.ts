// Failed token requests are limited as Entra's smart lockout does: per client *and* source address, and per
// address over all clients. Past a limit that address gets 429 with Retry-After (its correct secret included);
// the same client from another address is not punished. Windows run on real time: the virtual clock, frozen here
// as in every test, neither prolongs nor lifts a lockout. Requests come from 127.0.0.1 and 127.0.0.2.
// backends: sqlite — token-endpoint lockout, kept in memory or Redis, not in the store.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { requestFrom } from '../helpers/from-address.js';
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
const WINDOW_S = 2;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Each test starts with an empty window (real time). */
const nextWindow = () => sleep(WINDOW_S * 1000 + 100);
const good = () => postToken(server, TENANT, secretForm(DEMO_APP.appId, DEMO_APP.secret));
const bad = (clientId: string = DEMO_APP.appId) =>
  postToken(server, TENANT, secretForm(clientId, 'wrong-secret'));
/** The demo app's correct secret, sent from another source address. */
const goodFromElsewhere = () =>
  requestFrom('127.0.0.2', `${server.url}/${TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(secretForm(DEMO_APP.appId, DEMO_APP.secret)).toString(),
  });

function assertThrottled(r: Reply, what: string): number {
  assertOAuthError(r, { status: 429, error: 'temporarily_unavailable', code: 90055 }, what);
  assert.ok(!r.json?.access_token);
  const retry = r.headers.get('retry-after');
  assert.match(retry ?? '', /^\d+$/, `${what}: Retry-After ${retry}`);
  const seconds = Number(retry);
  assert.ok(seconds >= 1 && seconds <= WINDOW_S, `${what}: Retry-After ${seconds}`);
  return seconds;
}

describe('per client and source address', () => {
  test('past the limit the failing address gets 429, even with the correct secret; other addresses do not', async () => {
    await nextWindow();
    for (let i = 0; i < PER_CLIENT; i++) {
      assertOAuthError(
        await bad(),
        { status: 401, error: 'invalid_client', code: 7000215 },
        `failure ${i + 1}`,
      );
    }
    assertThrottled(await good(), 'correct secret from the failing address');
    assertThrottled(await bad(), 'wrong secret');
    const elsewhere = await goodFromElsewhere();
    assert.equal(elsewhere.status, 200, 'the same client from an address that did not fail');
    assert.ok(elsewhere.json?.access_token);
    // Other clients from the same address are not affected (below the address limit).
    assert.equal(
      (await postToken(server, TENANT, secretForm(NOROLES_APP.appId, NOROLES_APP.secret))).status,
      200,
    );
  });

  test('the window is real time: a frozen or moved virtual clock neither keeps nor lifts the lockout', async () => {
    await nextWindow();
    for (let i = 0; i < PER_CLIENT; i++) await bad();
    assertThrottled(await good(), 'locked');
    const frozenAt = server.clock.now();
    server.clock.set(frozenAt + 86_400_000);
    assertThrottled(await good(), 'a day later on the virtual clock');
    server.clock.set(frozenAt); // the shared test token would have expired
    // Hammering while locked does not extend the lockout.
    for (let i = 0; i < 5; i++) assertThrottled(await good(), `hammer ${i}`);
    await nextWindow();
    assert.equal((await good()).status, 200, 'recovered after the window, the virtual clock still frozen');
  });

  test('the client id counts case-insensitively, and via HTTP Basic', async () => {
    await nextWindow();
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
    await nextWindow();
    for (let i = 0; i < PER_ADDRESS + PER_CLIENT; i++)
      assert.equal((await good()).status, 200, `success ${i}`);
    assert.equal((await bad()).status, 401);
  });
});

describe('per address', () => {
  test('failures of many clients (unknown ones too) throttle that address only, then recover', async () => {
    await nextWindow();
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
    assert.equal((await goodFromElsewhere()).status, 200, 'another address');
    await nextWindow();
    assert.equal((await good()).status, 200, 'recovered after the window');
  });

  test('the Graph API keeps serving existing tokens while the token endpoint throttles', async () => {
    await nextWindow();
    for (let i = 0; i < PER_ADDRESS; i++) await bad(randomUUID());
    assertThrottled(await good(), 'throttled');
    const r = await server.get('/v1.0/communications/callRecords');
    assert.equal(r.status, 200);
  });
});
