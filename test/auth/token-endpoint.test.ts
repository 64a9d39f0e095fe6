// POST /{tenant}/oauth2/v2.0/token over real HTTP: client secrets (form and HTTP Basic), both scope spellings, the
// token's shape verified against the published JWKS, every error in the identity platform's shape, and
// private_key_jwt client assertions with their refusals.
// backends: sqlite — token issuance; the client lookups it makes are covered by every PostgreSQL test's token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  ASSERTION_TYPE,
  DEMO_APP,
  GRAPH,
  GRAPH_APP_SCOPE,
  GRAPH_SCOPE,
  NOROLES_APP,
  TENANT,
  aadstsText,
  assertOAuthError,
  decodePart,
  describeReply,
  get,
  makeCertificate,
  postToken,
  rawToken,
  secretForm,
  sign,
  type Json,
  type Reply,
  type TestCertificate,
} from './helpers.js';

let server: TestServer;
let tenantB: string;
let appB: { appId: string; secret: string };
let certApp: { appId: string; objectId: string };
let cert: TestCertificate;
let otherCert: TestCertificate;

before(async () => {
  // Failures are many here; the limiter has its own file (abuse.test.ts).
  server = await startTestServer({
    config: { tokenFailuresPerClient: 10_000, tokenFailuresPerAddress: 10_000 },
  });
  const registry = server.app.identity.registry;
  tenantB = await registry.createTenant({ displayName: 'Fabrikam' });
  const b = await registry.createApp({
    tenantId: tenantB,
    displayName: 'B app',
    roles: ['CallRecords.Read.All'],
  });
  appB = { appId: b.app.appId, secret: b.secret.value };
  const c = await registry.createApp({
    tenantId: TENANT,
    displayName: 'cert app',
    roles: ['CallRecords.Read.All'],
  });
  certApp = { appId: c.app.appId, objectId: c.app.objectId };
  [cert, otherCert] = await Promise.all([makeCertificate('client'), makeCertificate('stranger')]);
  await registry.addCertificate(TENANT, certApp.appId, cert.pem);
});

after(async () => {
  await server?.close();
});

const tokenUrl = (tenant = TENANT) => `${server.url}/${tenant}/oauth2/v2.0/token`;

async function jwks() {
  const r = await get(`${server.url}/${TENANT}/discovery/v2.0/keys`);
  assert.equal(r.status, 200);
  return createLocalJWKSet(r.json as { keys: [] });
}

/** Verifies an issued token against the server's own JWKS, at the server's clock, and returns its claims. */
async function verifyIssued(token: string, tid = TENANT): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, await jwks(), {
    algorithms: ['RS256'],
    audience: GRAPH,
    issuer: `https://sts.windows.net/${tid}/`,
    currentDate: new Date(server.clock.now()),
  });
  return payload;
}

function assertTokenResponse(r: Reply): string {
  assert.equal(r.status, 200, describeReply(r));
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  assert.match(r.headers.get('cache-control') ?? '', /no-store/);
  const body = r.json!;
  assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.expires_in, 3600);
  assert.equal(body.ext_expires_in, 3600);
  assert.equal(typeof body.access_token, 'string');
  return body.access_token as string;
}

describe('client secret', () => {
  test('in the form, with both spellings of the Graph scope', async () => {
    for (const scope of [GRAPH_SCOPE, GRAPH_APP_SCOPE]) {
      const r = await postToken(server, TENANT, secretForm(DEMO_APP.appId, DEMO_APP.secret, scope));
      const token = assertTokenResponse(r);
      const claims = await verifyIssued(token);
      assert.equal(claims.appid, DEMO_APP.appId, scope);
    }
  });

  test('via HTTP Basic, with a percent-encoded id and secret', async () => {
    const secret = 'Sp3c:al+chars/~% é=&?';
    await server.app.identity.registry.addSecret(TENANT, DEMO_APP.appId, { value: secret });
    const basic = Buffer.from(`${encodeURIComponent(DEMO_APP.appId)}:${encodeURIComponent(secret)}`).toString(
      'base64',
    );
    const form = { grant_type: 'client_credentials', scope: GRAPH_SCOPE };
    const ok = await postToken(server, TENANT, form, { headers: { authorization: `Basic ${basic}` } });
    const claims = await verifyIssued(assertTokenResponse(ok));
    assert.equal(claims.appid, DEMO_APP.appId);
    assert.equal(claims.appidacr, '1');
    // The same secret in the form (URLSearchParams encodes it) works too.
    assertTokenResponse(await postToken(server, TENANT, secretForm(DEMO_APP.appId, secret)));
    // Without the percent-decoding the secret would not match: a raw '%' secret is refused.
    const raw = Buffer.from(`${DEMO_APP.appId}:wrong%20secret`).toString('base64');
    const bad = await postToken(server, TENANT, form, { headers: { authorization: `Basic ${raw}` } });
    assertOAuthError(bad, { status: 401, error: 'invalid_client', code: 7000215 }, 'bad Basic secret');
  });

  test('the token: RS256 with kid and x5t, Graph app-token claims, verified against the JWKS', async () => {
    const r = await postToken(server, TENANT, secretForm(DEMO_APP.appId, DEMO_APP.secret));
    const token = assertTokenResponse(r);
    const header = decodeProtectedHeader(token);
    assert.equal(header.alg, 'RS256');
    assert.equal(header.typ, 'JWT');
    assert.equal(typeof header.kid, 'string');
    assert.equal(typeof header.x5t, 'string');
    const published = (await get(`${server.url}/${TENANT}/discovery/v2.0/keys`)).json!.keys as Json[];
    assert.ok(
      published.some((k) => k.kid === header.kid),
      'the token names a published kid',
    );
    const c = await verifyIssued(token);
    const app = await server.store.identity.getApp(TENANT, DEMO_APP.appId);
    assert.ok(app);
    assert.equal(c.aud, GRAPH);
    assert.equal(c.iss, `https://sts.windows.net/${TENANT}/`);
    assert.equal(c.tid, TENANT);
    assert.equal(c.appid, DEMO_APP.appId);
    assert.equal(c.oid, app.objectId);
    assert.equal(c.sub, app.objectId);
    assert.deepEqual([...(c.roles as string[])].sort(), [...DEMO_APP.roles].sort());
    assert.equal(c.idtyp, 'app');
    assert.equal(c.ver, '1.0');
    assert.equal(c.appidacr, '1');
    assert.equal(c.scp, undefined, 'an app token has no scp');
    assert.equal(typeof c.uti, 'string');
    assert.ok((c.uti as string).length >= 16);
    const now = Math.floor(server.clock.now() / 1000);
    assert.equal(c.iat, now);
    assert.equal(c.nbf, now);
    assert.equal(c.exp, now + 3600);
    // Every token is distinct (uti), even within the same second.
    const again = decodeJwt(
      assertTokenResponse(await postToken(server, TENANT, secretForm(DEMO_APP.appId, DEMO_APP.secret))),
    );
    assert.notEqual(again.uti, c.uti);
  });

  test('the app without roles gets a token with no roles', async () => {
    const r = await postToken(server, TENANT, secretForm(NOROLES_APP.appId, NOROLES_APP.secret));
    const c = await verifyIssued(assertTokenResponse(r));
    assert.equal(c.appid, NOROLES_APP.appId);
    assert.ok(
      c.roles === undefined || (Array.isArray(c.roles) && c.roles.length === 0),
      JSON.stringify(c.roles),
    );
  });

  test('an app of another tenant gets a token with its own tid', async () => {
    const r = await postToken(server, tenantB, secretForm(appB.appId, appB.secret));
    const c = await verifyIssued(assertTokenResponse(r), tenantB);
    assert.equal(c.tid, tenantB);
  });

  test('the tenant id in the URL is case-insensitive', async () => {
    const r = await postToken(
      server,
      TENANT.toUpperCase(),
      secretForm(DEMO_APP.appId.toUpperCase(), DEMO_APP.secret),
    );
    const c = await verifyIssued(assertTokenResponse(r));
    assert.equal(c.tid, TENANT);
  });
});

describe('errors in the identity platform shape', () => {
  const base = () => secretForm(DEMO_APP.appId, DEMO_APP.secret);

  test('bad secret: 401 invalid_client AADSTS7000215', async () => {
    const r = await postToken(server, TENANT, { ...base(), client_secret: 'not-the-secret' });
    const body = assertOAuthError(r, { status: 401, error: 'invalid_client', code: 7000215 });
    assert.match(aadstsText(body), /^Invalid client secret provided\./);
    assert.ok(aadstsText(body).includes(DEMO_APP.appId));
    assert.ok(!r.text.includes('not-the-secret'), 'the sent secret is not echoed');
  });

  test('the secret of another app of the same tenant is refused', async () => {
    const r = await postToken(server, TENANT, { ...base(), client_secret: NOROLES_APP.secret });
    assertOAuthError(r, { status: 401, error: 'invalid_client', code: 7000215 });
  });

  test('unknown client: 400 unauthorized_client AADSTS700016', async () => {
    const id = randomUUID();
    const r = await postToken(server, TENANT, { ...base(), client_id: id });
    const body = assertOAuthError(r, { status: 400, error: 'unauthorized_client', code: 700016 });
    assert.ok(
      aadstsText(body).startsWith(`Application with identifier '${id}' was not found in the directory`),
    );
  });

  test('unknown tenant: 400 AADSTS90002 (GUID and non-GUID)', async () => {
    for (const tenant of [randomUUID(), 'contoso.onmicrosoft.com', 'x']) {
      const r = await postToken(server, tenant, base());
      const body = assertOAuthError(r, { status: 400, error: 'invalid_tenant', code: 90002 }, tenant);
      assert.ok(aadstsText(body).startsWith(`Tenant '${tenant}' not found.`), tenant);
    }
  });

  test("'common', 'organizations' and 'consumers': 400 AADSTS50059", async () => {
    for (const alias of ['common', 'organizations', 'consumers', 'Common']) {
      const r = await postToken(server, alias, base());
      const body = assertOAuthError(r, { status: 400, error: 'invalid_request', code: 50059 }, alias);
      assert.match(aadstsText(body), /^No tenant-identifying information found/);
    }
  });

  test('bad scope: 400 invalid_scope AADSTS1002012', async () => {
    for (const scope of [
      'https://graph.microsoft.com/CallRecords.Read.All',
      'CallRecords.Read.All',
      'https://management.azure.com/.default',
      'https://graph.microsoft.com',
      'openid',
    ]) {
      const r = await postToken(server, TENANT, { ...base(), scope });
      const body = assertOAuthError(r, { status: 400, error: 'invalid_scope', code: 1002012 }, scope);
      assert.ok(aadstsText(body).startsWith(`The provided value for scope ${scope} is not valid.`), scope);
    }
  });

  test('missing secret: 401 invalid_client AADSTS7000216', async () => {
    const { client_secret: _s, ...form } = base();
    const r = await postToken(server, TENANT, form);
    const body = assertOAuthError(r, { status: 401, error: 'invalid_client', code: 7000216 });
    assert.equal(
      aadstsText(body),
      "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
    );
    const empty = await postToken(server, TENANT, { ...base(), client_secret: '' });
    assertOAuthError(empty, { status: 401, error: 'invalid_client', code: 7000216 }, 'empty secret');
  });

  test('missing client_id, grant_type or scope: 400 invalid_request AADSTS900144', async () => {
    for (const name of ['client_id', 'grant_type', 'scope'] as const) {
      const form: Record<string, string> = base();
      delete form[name];
      const r = await postToken(server, TENANT, form);
      const body = assertOAuthError(r, { status: 400, error: 'invalid_request', code: 900144 }, name);
      assert.equal(aadstsText(body), `The request body must contain the following parameter: '${name}'.`);
    }
    const none = await postToken(server, TENANT, undefined, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    assertOAuthError(none, { status: 400, error: 'invalid_request', code: 900144 }, 'empty body');
    const noBody = await postToken(server, TENANT, undefined);
    assertOAuthError(noBody, { status: 400, error: 'invalid_request', code: 900144 }, 'no body');
  });

  test('unsupported grant: 400 unsupported_grant_type AADSTS70003', async () => {
    for (const grant of [
      'password',
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ]) {
      const r = await postToken(server, TENANT, { ...base(), grant_type: grant });
      const body = assertOAuthError(r, { status: 400, error: 'unsupported_grant_type', code: 70003 }, grant);
      assert.equal(aadstsText(body), `The app requested an unsupported grant type '${grant}'.`);
    }
  });

  test('a JSON body instead of a form: 400 AADSTS900144, never a token or a 500', async () => {
    const bodies: unknown[] = [
      base(),
      { ...base(), client_id: 12345 },
      { ...base(), client_id: { $ne: null }, client_secret: ['x'] },
      [base()],
      null,
    ];
    for (const b of bodies) {
      const r = await postToken(server, TENANT, undefined, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(b),
      });
      assertOAuthError(r, { status: 400, error: 'invalid_request', code: 900144 }, JSON.stringify(b));
    }
  });

  test('other body types (text, XML, multipart, broken JSON) answer 400 AADSTS900144 too', async () => {
    for (const [type, body] of [
      ['text/plain', new URLSearchParams(base()).toString()],
      ['application/xml', '<x/>'],
      ['multipart/form-data; boundary=x', '--x--'],
      ['application/json', '{"grant_type":'],
    ] as const) {
      const r = await postToken(server, TENANT, undefined, { headers: { 'content-type': type }, body });
      assertOAuthError(r, { status: 400, error: 'invalid_request', code: 900144 }, type);
    }
  });

  test('an app of tenant A cannot get a token at tenant B (AADSTS700016), with or without its secret', async () => {
    const r = await postToken(server, tenantB, base());
    const body = assertOAuthError(r, { status: 400, error: 'unauthorized_client', code: 700016 });
    assert.ok(aadstsText(body).includes(`the directory '${tenantB}'`));
    const r2 = await postToken(server, TENANT, secretForm(appB.appId, appB.secret));
    assertOAuthError(r2, { status: 400, error: 'unauthorized_client', code: 700016 }, 'B at A');
  });

  test('an expired secret: 401 AADSTS7000222, while a valid one still works', async () => {
    const registry = server.app.identity.registry;
    const { app } = await registry.createApp({
      tenantId: TENANT,
      displayName: 'short',
      roles: [],
      secretDays: 365,
    });
    const shortLived = await registry.addSecret(TENANT, app.appId, { value: 'short-lived-secret', days: 1 });
    assertTokenResponse(await postToken(server, TENANT, secretForm(app.appId, shortLived.value)));
    const start = server.clock.now();
    try {
      server.clock.set(start + 2 * 86_400_000);
      const r = await postToken(server, TENANT, secretForm(app.appId, shortLived.value));
      const body = assertOAuthError(r, { status: 401, error: 'invalid_client', code: 7000222 });
      assert.ok(aadstsText(body).includes(app.appId));
      // The app's other, unexpired secret is not affected.
      const other = await registry.addSecret(TENANT, app.appId, { value: 'long-lived-secret', days: 30 });
      assertTokenResponse(await postToken(server, TENANT, secretForm(app.appId, other.value)));
    } finally {
      server.clock.set(start);
    }
  });

  test('a removed secret is refused', async () => {
    const registry = server.app.identity.registry;
    const s = await registry.addSecret(TENANT, certApp.appId, { value: 'to-be-removed' });
    assertTokenResponse(await postToken(server, TENANT, secretForm(certApp.appId, s.value)));
    await registry.removeSecret(TENANT, certApp.appId, s.keyId);
    const r = await postToken(server, TENANT, secretForm(certApp.appId, s.value));
    assertOAuthError(r, { status: 401, error: 'invalid_client', code: 7000215 });
  });

  test('client-request-id becomes the correlation id', async () => {
    const id = randomUUID();
    const r = await postToken(
      server,
      TENANT,
      { ...base(), client_secret: 'x' },
      { headers: { 'client-request-id': id } },
    );
    const body = assertOAuthError(r, { status: 401, error: 'invalid_client', code: 7000215 });
    assert.equal(body.correlation_id, id);
  });
});

describe('private_key_jwt', () => {
  const assertionClaims = (o: Partial<JWTPayload> = {}): JWTPayload => {
    const now = Math.floor(server.clock.now() / 1000);
    return {
      aud: tokenUrl(),
      iss: certApp.appId,
      sub: certApp.appId,
      jti: randomUUID(),
      iat: now,
      nbf: now,
      exp: now + 600,
      ...o,
    };
  };
  const assertionForm = (assertion: string, clientId = certApp.appId): Record<string, string> => ({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
    scope: GRAPH_SCOPE,
  });
  const signed = (o: Partial<JWTPayload> = {}, c: TestCertificate = cert, header: Json = {}) =>
    sign(assertionClaims(o), c.privateKey, { x5t: c.x5t, ...header });
  const refused = async (assertion: string, code: number, what: string, clientId?: string) => {
    const r = await postToken(server, TENANT, assertionForm(assertion, clientId));
    const body = assertOAuthError(r, { status: 401, error: 'invalid_client', code }, what);
    assert.ok(!r.json?.access_token);
    return aadstsText(body);
  };

  test('a certificate-signed assertion gets a token with appidacr 2', async () => {
    const r = await postToken(server, TENANT, assertionForm(await signed()));
    const c = await verifyIssued(assertTokenResponse(r));
    assert.equal(c.appid, certApp.appId);
    assert.equal(c.oid, certApp.objectId);
    assert.equal(c.appidacr, '2');
    assert.deepEqual(c.roles, ['CallRecords.Read.All']);
  });

  test('x5t#S256, PS256 and the client id in upper case are accepted', async () => {
    const s256 = await sign(assertionClaims(), cert.privateKey, { 'x5t#S256': cert.x5tS256 });
    assertTokenResponse(await postToken(server, TENANT, assertionForm(s256)));
    const ps = await signed({}, cert, { alg: 'PS256' });
    assertTokenResponse(await postToken(server, TENANT, assertionForm(ps)));
    const upper = certApp.appId.toUpperCase();
    const u = await signed({ iss: upper, sub: upper });
    assertTokenResponse(await postToken(server, TENANT, assertionForm(u, upper)));
  });

  test('signed by another key under the registered thumbprint: AADSTS700027', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const text = await refused(
      await sign(assertionClaims(), privateKey, { x5t: cert.x5t }),
      700027,
      'wrong key',
    );
    assert.match(text, /^Client assertion failed signature validation\./);
  });

  test('a certificate not registered on the app: AADSTS700027', async () => {
    const text = await refused(await signed({}, otherCert), 700027, 'unregistered cert');
    assert.ok(text.includes(otherCert.x5t));
    await refused(await sign(assertionClaims(), cert.privateKey, {}), 700027, 'no x5t');
  });

  test('the certificate of another app: AADSTS700027', async () => {
    const claims = assertionClaims({ iss: DEMO_APP.appId, sub: DEMO_APP.appId });
    const assertion = await sign(claims, cert.privateKey, { x5t: cert.x5t });
    await refused(assertion, 700027, 'cert of another app', DEMO_APP.appId);
  });

  test('a wrong audience: refused', async () => {
    for (const aud of [
      `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
      tokenUrl(tenantB),
      `${server.url}/${TENANT}/oauth2/token`,
      GRAPH,
    ]) {
      const text = await refused(await signed({ aud }), 700021, aud);
      assert.match(text, /'aud'/, aud);
    }
  });

  test('iss or sub other than the client id: AADSTS700021', async () => {
    await refused(await signed({ iss: DEMO_APP.appId }), 700021, 'iss');
    await refused(await signed({ sub: DEMO_APP.appId }), 700021, 'sub');
  });

  test('expired, not yet valid, or too old: AADSTS700024', async () => {
    const now = Math.floor(server.clock.now() / 1000);
    await refused(await signed({ iat: now - 7200, nbf: now - 7200, exp: now - 600 }), 700024, 'expired');
    await refused(await signed({ iat: now + 3600, nbf: now + 3600, exp: now + 4200 }), 700024, 'future');
    await refused(
      await signed({ iat: now - 4 * 3600, nbf: now - 4 * 3600, exp: now + 600 }),
      700024,
      'too old',
    );
  });

  test('a replayed jti: AADSTS700025', async () => {
    const assertion = await signed();
    assertTokenResponse(await postToken(server, TENANT, assertionForm(assertion)));
    const text = await refused(assertion, 700025, 'replay');
    assert.match(text, /already been used/);
    // A new assertion reusing the jti is a replay too.
    const jti = randomUUID();
    assertTokenResponse(await postToken(server, TENANT, assertionForm(await signed({ jti }))));
    await refused(await signed({ jti }), 700025, 'same jti');
  });

  test('an assertion without a string jti is refused (it could be replayed): AADSTS700021', async () => {
    const { jti: _jti, ...claims } = assertionClaims();
    const assertion = await sign(claims, cert.privateKey, { x5t: cert.x5t });
    const text = await refused(assertion, 700021, 'no jti');
    assert.match(text, /'jti'/);
    await refused(await signed({ jti: 12345 as unknown as string }), 700021, 'numeric jti');
    await refused(await signed({ jti: '' }), 700021, 'empty jti');
  });

  test('alg none and HS256 keyed with the certificate: AADSTS700027', async () => {
    const none = rawToken({ alg: 'none', typ: 'JWT', x5t: cert.x5t }, assertionClaims());
    await refused(none, 700027, 'alg none');
    const hs = await sign(assertionClaims(), new TextEncoder().encode(cert.pem), {
      alg: 'HS256',
      x5t: cert.x5t,
    });
    await refused(hs, 700027, 'HS256 with the certificate PEM');
    const publicKey = createPublicKey(cert.pem).export({ type: 'spki', format: 'pem' }).toString();
    const hs2 = await sign(assertionClaims(), new TextEncoder().encode(publicKey), {
      alg: 'HS256',
      x5t: cert.x5t,
    });
    await refused(hs2, 700027, 'HS256 with the public key PEM');
    // A valid assertion with its signature stripped.
    const stripped = (await signed()).split('.').slice(0, 2).join('.') + '.';
    await refused(stripped, 700027, 'no signature');
    // Payload tampered after signing (another client id).
    const good = (await signed()).split('.');
    const tampered = rawToken(
      decodePart(good.join('.'), 0),
      { ...decodePart(good.join('.'), 1), exp: 4102444800 },
      good[2],
    );
    await refused(tampered, 700027, 'tampered payload');
    await refused('not-a-jwt', 700027, 'not a JWT');
  });

  test('a wrong client_assertion_type: 400 AADSTS900144', async () => {
    const r = await postToken(server, TENANT, {
      ...assertionForm(await signed()),
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
    });
    assertOAuthError(r, { status: 400, error: 'invalid_request', code: 900144 });
  });
});
