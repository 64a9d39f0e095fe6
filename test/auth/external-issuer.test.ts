// Trusted external issuers (e.g. a real Entra tenant), with a local JWKS server standing in for Microsoft's: a token
// signed by that key with the right iss/aud/tid/roles is accepted and scoped to its tid; wrong issuer, wrong
// audience, an unknown key, an expired token or an unreachable JWKS are 401s.
// backends: sqlite — verification of foreign tokens against a JWKS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { MESSAGES } from '../../src/auth/verify.js';
import { generateCallRecords } from '../../src/generate/index.js';
import { startTestServer, TEST_NOW, type TestServer } from '../helpers/server.js';
import { RECORDS, assertGraphError, call, type Json } from '../api/helpers.js';
import { TENANT, appClaims, rawToken, sign } from './helpers.js';
import { startJwksServer, type JwksServer } from './jwks-server.js';

let idp: JwksServer;
let server: TestServer;
let tenantB: string;

before(async () => {
  idp = await startJwksServer();
  // A second trusted issuer whose JWKS is unreachable (a port that was just closed): tokens not ours go there too.
  const dead = await startJwksServer();
  await dead.close();
  server = await startTestServer({
    demoUsers: 6,
    demoDays: 2,
    config: {
      trustedIssuers: [
        { issuer: 'https://sts.windows.net/{tenantid}/', jwksUri: idp.jwksUri },
        { issuer: 'https://unreachable.example/{tenantid}/', jwksUri: dead.jwksUri },
      ],
    },
  });
  tenantB = await server.app.identity.registry.createTenant({ displayName: 'Fabrikam' });
  const docs = generateCallRecords({
    tenantId: tenantB,
    seed: 77,
    users: 6,
    days: 2,
    until: new Date(TEST_NOW),
  });
  await server.store.upsertCallRecords(tenantB, docs);
});

after(async () => {
  await server?.close();
  await idp?.close();
});

const claims = (o: Partial<JWTPayload> & { tid?: string } = {}): JWTPayload => ({
  ...appClaims({ tid: o.tid ?? TENANT, nowMs: server.clock.now() }),
  ...o,
});
const external = (c: JWTPayload, header: Record<string, unknown> = {}) =>
  sign(c, idp.privateKey, { kid: idp.kid, ...header });
const list = (token: string, path = `/v1.0${RECORDS}?$top=999`) =>
  call(server, path, { auth: false, headers: { authorization: `Bearer ${token}` } });
const ids = (body: Json | undefined) => ((body?.value ?? []) as Json[]).map((x) => x.id as string).sort();

describe('accepted', () => {
  test("a token from the trusted issuer is accepted and sees exactly its tid's data", async () => {
    const local = await list(server.token);
    assert.equal(local.status, 200);
    const r = await list(await external(claims()));
    assert.equal(r.status, 200, r.text);
    assert.ok(ids(r.json).length > 0);
    assert.deepEqual(ids(r.json), ids(local.json), 'the same records as the local app of that tenant');
  });

  test('the tid scopes the data: another tenant sees its own records only', async () => {
    const a = ids((await list(await external(claims()))).json);
    const r = await list(
      await external(claims({ tid: tenantB, iss: `https://sts.windows.net/${tenantB}/` })),
    );
    assert.equal(r.status, 200, r.text);
    const b = ids(r.json);
    assert.ok(b.length > 0);
    assert.ok(!b.some((id) => a.includes(id)), 'no record of the other tenant');
    const stored = await server.store.countAllCallRecords(tenantB);
    assert.equal(b.length, stored);
    // A record of tenant A is a 404 for tenant B's external token.
    const nf = await list(
      await external(claims({ tid: tenantB, iss: `https://sts.windows.net/${tenantB}/` })),
      `/v1.0${RECORDS}/${a[0]!}`,
    );
    assertGraphError('v1.0', nf, { status: 404, code: 'NotFound' });
  });

  test("both spellings of Graph's audience are accepted", async () => {
    for (const aud of ['00000003-0000-0000-c000-000000000000', 'https://graph.microsoft.com/']) {
      assert.equal((await list(await external(claims({ aud })))).status, 200, aud);
    }
  });

  test('a token without roles is a 403', async () => {
    const r = await list(await external(claims({ roles: [] })));
    assertGraphError('v1.0', r, { status: 403, code: 'Forbidden', message: '' });
  });

  test('the JWKS is fetched once and cached, not per request', () => {
    assert.ok(idp.hits() >= 1 && idp.hits() <= 2, `${idp.hits()} fetches`);
  });
});

describe('refused', () => {
  const expect401 = async (token: string, message: string, what: string) => {
    const r = await list(token);
    assertGraphError('v1.0', r, { status: 401, code: 'InvalidAuthenticationToken', message }, what);
    assert.ok(r.headers.get('www-authenticate'), what);
  };

  test('wrong issuer: another tenant than the tid, another host, the v2 form', async () => {
    for (const iss of [
      `https://sts.windows.net/${tenantB}/`,
      `https://sts.windows.net/${randomUUID()}/`,
      `https://evil.example/${TENANT}/`,
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
      'https://sts.windows.net/{tenantid}/',
    ]) {
      await expect401(await external(claims({ iss })), MESSAGES.issuer, iss);
    }
  });

  test('wrong audience', async () => {
    for (const aud of ['https://management.azure.com', 'api://callrecords', 'https://graph.windows.net']) {
      await expect401(await external(claims({ aud })), MESSAGES.audience, aud);
    }
  });

  test('an unknown key, or another key under the trusted kid', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expect401(
      await sign(claims(), privateKey, { kid: 'not-published' }),
      MESSAGES.signature,
      'unknown kid',
    );
    await expect401(
      await sign(claims(), privateKey, { kid: idp.kid }),
      MESSAGES.signature,
      'foreign key, trusted kid',
    );
    await expect401(rawToken({ alg: 'none', kid: idp.kid }, claims()), MESSAGES.signature, 'alg none');
    const hs = await sign(claims(), new TextEncoder().encode(idp.jwksUri), { alg: 'HS256', kid: idp.kid });
    await expect401(hs, MESSAGES.signature, 'HS256');
  });

  test('the trusted key with another algorithm than RS256 (the JWKS does not restrict it)', async () => {
    for (const alg of ['RS384', 'RS512', 'PS256']) {
      await expect401(await external(claims(), { alg }), MESSAGES.signature, alg);
    }
  });

  test('expired, and not yet valid', async () => {
    const now = Math.floor(server.clock.now() / 1000);
    await expect401(
      await external(claims({ iat: now - 7200, nbf: now - 7200, exp: now - 400 })),
      MESSAGES.expired,
      'expired',
    );
    await expect401(await external(claims({ nbf: now + 900, exp: now + 4000 })), MESSAGES.notYetValid, 'nbf');
  });

  test('an unreachable JWKS is a 401, not a 500', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const iss = `https://unreachable.example/${TENANT}/`;
    await expect401(await sign(claims({ iss }), privateKey, { kid: 'k1' }), MESSAGES.signature, 'JWKS down');
    await expect401(
      await sign(claims(), privateKey, { kid: 'k2' }),
      MESSAGES.signature,
      'JWKS down, other iss',
    );
  });
});
