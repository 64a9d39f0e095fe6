// Bearer token enforcement on the Graph surface, over real HTTP: every malformed, expired, foreign or forged token
// is a 401 InvalidAuthenticationToken with WWW-Authenticate and Graph's message, on every Graph path (known or
// not, v1.0 and beta, any method); a valid token without the role, or a delegated token, is a 403. The server's
// logs (captured at trace level) never hold a secret, an assertion or a token.
// backends: sqlite — bearer-token checks made before any store read.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, type JWK, type JWTPayload } from 'jose';
import { WWW_AUTHENTICATE } from '../../src/auth/authenticate.js';
import { MESSAGES } from '../../src/auth/verify.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { GraphVersion } from '../helpers/openapi.js';
import { assertGraphError, call } from '../api/helpers.js';
import {
  ASSERTION_TYPE,
  DEMO_APP,
  GRAPH_SCOPE,
  NOROLES_APP,
  TENANT,
  appClaims,
  assertNoSecrets,
  decodePart,
  get,
  makeCertificate,
  postToken,
  rawToken,
  secretForm,
  sign,
} from './helpers.js';
import { startJwksServer, type JwksServer } from './jwks-server.js';
import { startLoggedServer, type LoggedServer } from './logged-server.js';
import { TEST_BACKEND } from '../helpers/test-db.js';

let logged: LoggedServer;
let server: TestServer;
let idp: JwksServer;
let norolesToken: string;
/** Sent in a URL's query string only. */
let queryToken: string | undefined;
/** Every credential this file sends: none may appear in a log line. */
const sent: string[] = [];

const EXTERNAL_ISSUER = 'https://login.microsoftonline.com/{tenantid}/v2.0';

before(async () => {
  idp = await startJwksServer();
  logged = await startLoggedServer({
    config: { trustedIssuers: [{ issuer: EXTERNAL_ISSUER, jwksUri: idp.jwksUri }] },
  });
  server = logged.server;
  norolesToken = await server.tokenFor(NOROLES_APP.appId, NOROLES_APP.secret);
  sent.push(server.token, norolesToken, DEMO_APP.secret, NOROLES_APP.secret);
});

after(async () => {
  await server?.close();
  await idp?.close();
});

const UNKNOWN = randomUUID();
/** Graph paths of every kind: lists, entities, children, functions, unknown paths, bad options, both versions. */
const PATHS: [GraphVersion, string][] = [
  ['v1.0', '/v1.0/communications/callRecords'],
  ['beta', '/beta/communications/callRecords'],
  ['v1.0', '/v1.0/communications/callRecords/$count'],
  ['v1.0', `/v1.0/communications/callRecords/${UNKNOWN}`],
  ['beta', `/beta/communications/callRecords('${UNKNOWN}')/sessions?$expand=segments`],
  ['v1.0', `/v1.0/communications/callRecords/${UNKNOWN}/participants_v2`],
  ['v1.0', `/v1.0/communications/callRecords/${UNKNOWN}/organizer_v2`],
  ['v1.0', '/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2026-11-01,toDateTime=2026-11-02)'],
  ['v1.0', '/v1.0/communications/callRecords?$filter=((('],
  ['v1.0', '/v1.0/me'],
  ['beta', '/beta/no/such/path'],
  ['v1.0', '/v1.0/communications'],
];

/** Sends `authorization` (or none) to every path and expects a 401 with `message`. */
async function expect401(authorization: string | undefined, message: string, what: string): Promise<void> {
  if (authorization !== undefined) sent.push(authorization);
  for (const [version, path] of PATHS) {
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    const r = await call(server, path, { auth: false, headers });
    assertGraphError(
      version,
      r,
      { status: 401, code: 'InvalidAuthenticationToken', message },
      `${what}: ${path}`,
    );
    assert.equal(r.headers.get('www-authenticate'), WWW_AUTHENTICATE, `${what}: ${path}`);
  }
}

/** Writes are refused with a 401 too, before the 405 (authentication comes first). */
async function expect401Writes(authorization: string | undefined, message: string): Promise<void> {
  for (const method of ['POST', 'PATCH', 'DELETE']) {
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    const r = await call(server, '/v1.0/communications/callRecords', {
      method,
      auth: false,
      headers,
      body: '{}',
    });
    assertGraphError('v1.0', r, { status: 401, code: 'InvalidAuthenticationToken', message }, method);
  }
}

const ourKey = () => server.app.identity.keys.current();
const signOurs = (claims: JWTPayload, header: Record<string, unknown> = {}) =>
  sign(claims, ourKey().privateKey, { kid: ourKey().kid, x5t: ourKey().kid, ...header });
const claimsNow = (o: Partial<JWTPayload> = {}) => ({
  ...appClaims({ tid: TENANT, nowMs: server.clock.now() }),
  ...o,
});

describe('401 InvalidAuthenticationToken', () => {
  test('no Authorization header: "Access token is empty."', async () => {
    await expect401(undefined, MESSAGES.empty, 'missing');
    await expect401Writes(undefined, MESSAGES.empty);
  });

  test('Bearer with an empty token, or another scheme', async () => {
    await expect401('Bearer', MESSAGES.empty, 'Bearer');
    await expect401('Bearer    ', MESSAGES.empty, 'Bearer spaces');
    await expect401(
      `Basic ${Buffer.from(`${DEMO_APP.appId}:${DEMO_APP.secret}`).toString('base64')}`,
      MESSAGES.empty,
      'Basic',
    );
    await expect401(server.token, MESSAGES.empty, 'token without scheme');
    await expect401(`Token ${server.token}`, MESSAGES.empty, 'other scheme');
    await expect401(`Bearer ${server.token} ${server.token}`, MESSAGES.empty, 'two tokens');
  });

  test('a token passed in the query string is not accepted', async () => {
    // A token of its own: credentials in a URL reach the request log (see the todo test under 'logs').
    queryToken = await server.tokenFor(DEMO_APP.appId, DEMO_APP.secret);
    const r = await call(server, `/v1.0/communications/callRecords?access_token=${queryToken}`, {
      auth: false,
    });
    assertGraphError('v1.0', r, { status: 401, code: 'InvalidAuthenticationToken', message: MESSAGES.empty });
  });

  test('not a JWT: IDX14100', async () => {
    assert.match(MESSAGES.malformed, /^IDX14100: JWT is not well formed/);
    await expect401('Bearer not-a-jwt', MESSAGES.malformed, 'opaque');
    await expect401('Bearer a.b', MESSAGES.malformed, 'two parts');
    await expect401('Bearer a.b.c.d.e', MESSAGES.malformed, 'five parts (JWE)');
    await expect401('Bearer ...', MESSAGES.malformed, 'empty parts');
  });

  test('garbage in three parts: 401', async () => {
    await expect401('Bearer abc.def.ghi', MESSAGES.malformed, 'garbage');
    const [h, p, s] = server.token.split('.') as [string, string, string];
    // The payload read as a header names no algorithm.
    await expect401(`Bearer ${p}.${h}.${s}`, MESSAGES.signature, 'swapped parts');
    await expect401(
      `Bearer ${rawToken({ alg: 'RS256', kid: ourKey().kid }, {}, 'x').replace(/^[^.]+/, '%%%')}`,
      MESSAGES.malformed,
      'bad base64',
    );
  });

  test('expired: the clock moved past exp + 5 min', async () => {
    const start = server.clock.now();
    try {
      // Still valid within the 300 s tolerance...
      server.clock.set(start + (3600 + 240) * 1000);
      assert.equal((await call(server, '/v1.0/communications/callRecords')).status, 200);
      // ...and not after it.
      server.clock.set(start + (3600 + 301) * 1000);
      await expect401(`Bearer ${server.token}`, MESSAGES.expired, 'expired');
    } finally {
      server.clock.set(start);
    }
    assert.equal((await call(server, '/v1.0/communications/callRecords')).status, 200);
  });

  test('not yet valid: nbf beyond the tolerance', async () => {
    const start = server.clock.now();
    try {
      // The server's own token, seen by a server whose clock is 10 minutes behind.
      server.clock.set(start - 600_000);
      await expect401(`Bearer ${server.token}`, MESSAGES.notYetValid, 'nbf future');
      // Within the tolerance it is accepted.
      server.clock.set(start - 240_000);
      assert.equal((await call(server, '/v1.0/communications/callRecords')).status, 200);
    } finally {
      server.clock.set(start);
    }
    const now = Math.floor(server.clock.now() / 1000);
    const future = await signOurs(claimsNow({ nbf: now + 3600, iat: now, exp: now + 7200 }));
    await expect401(`Bearer ${future}`, MESSAGES.notYetValid, 'forged nbf');
  });

  test('a token without exp or tid is refused', async () => {
    const { exp: _exp, ...noExp } = claimsNow();
    await expect401(`Bearer ${await signOurs(noExp)}`, MESSAGES.signature, 'no exp');
    const { tid: _tid, ...noTid } = claimsNow();
    await expect401(`Bearer ${await signOurs(noTid)}`, MESSAGES.signature, 'no tid');
  });

  test('wrong audience', async () => {
    for (const aud of [
      'https://management.azure.com',
      'https://graph.windows.net',
      'api://something',
      'https://graph.microsoft.com.evil.example',
    ]) {
      await expect401(`Bearer ${await signOurs(claimsNow({ aud }))}`, MESSAGES.audience, aud);
    }
  });

  test('wrong issuer (other tenant, v2 form, other host)', async () => {
    const other = randomUUID();
    for (const iss of [
      `https://sts.windows.net/${other}/`,
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
      `https://sts.windows.net/${TENANT}`,
      `https://evil.example/${TENANT}/`,
    ]) {
      await expect401(`Bearer ${await signOurs(claimsNow({ iss }))}`, MESSAGES.issuer, iss);
    }
  });

  test('signed by a foreign key under our kid, an unknown kid, or no kid', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const claims = claimsNow();
    await expect401(
      `Bearer ${await sign(claims, privateKey, { kid: ourKey().kid })}`,
      MESSAGES.signature,
      'foreign key',
    );
    const unknownKid = await sign(claims, privateKey, { kid: 'unknown-kid' });
    await expect401(`Bearer ${unknownKid}`, MESSAGES.signature, 'unknown kid');
    // Our key, but a kid we never published.
    await expect401(
      `Bearer ${await signOurs(claims, { kid: 'x' + ourKey().kid })}`,
      MESSAGES.signature,
      'our key, other kid',
    );
    await expect401(`Bearer ${await sign(claims, ourKey().privateKey)}`, MESSAGES.signature, 'no kid');
  });

  test("alg none, and HS256 keyed with the public key's bytes (algorithm confusion)", async () => {
    const claims = claimsNow();
    const kid = ourKey().kid;
    for (const alg of ['none', 'None', 'NONE']) {
      await expect401(`Bearer ${rawToken({ alg, typ: 'JWT', kid }, claims)}`, MESSAGES.signature, alg);
      await expect401(
        `Bearer ${rawToken({ alg, typ: 'JWT', kid }, claims, 'AAAA')}`,
        MESSAGES.signature,
        `${alg} sig`,
      );
    }
    const jwks = (await get(`${server.url}/${TENANT}/discovery/v2.0/keys`)).json!.keys as JWK[];
    const jwk = jwks.find((k) => k.kid === kid)!;
    const pem = createPublicKey({ key: jwk as never, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const der = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    for (const [what, secret] of [
      ['PEM', new TextEncoder().encode(pem)],
      ['DER', new Uint8Array(der)],
      ['JWK JSON', new TextEncoder().encode(JSON.stringify(jwk))],
      ['modulus', Buffer.from(jwk.n!, 'base64url')],
    ] as const) {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        // A fresh copy per algorithm: jose caches the imported HMAC key per byte array.
        const key = new Uint8Array(secret);
        await expect401(
          `Bearer ${await sign(claims, key, { alg, kid })}`,
          MESSAGES.signature,
          `${alg} ${what}`,
        );
      }
    }
    // RSA algorithms other than the pinned RS256 (our CryptoKey cannot sign them: a stand-in key is used).
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (const alg of ['RS384', 'RS512', 'PS256']) {
      await expect401(`Bearer ${await sign(claims, privateKey, { alg, kid })}`, MESSAGES.signature, alg);
    }
  });

  test('a tampered payload (roles added to the no-roles token)', async () => {
    const [h, , s] = norolesToken.split('.') as [string, string, string];
    const payload = { ...decodePart(norolesToken, 1), roles: ['CallRecords.Read.All'] };
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    await expect401(`Bearer ${forged}`, MESSAGES.signature, 'roles added');
    const otherTenant = { ...decodePart(server.token, 1), tid: randomUUID() };
    const [h2, , s2] = server.token.split('.') as [string, string, string];
    await expect401(
      `Bearer ${h2}.${Buffer.from(JSON.stringify(otherTenant)).toString('base64url')}.${s2}`,
      MESSAGES.signature,
      'tid changed',
    );
    // The signature of another token of ours.
    await expect401(
      `Bearer ${h}.${server.token.split('.')[1]!}.${s}`,
      MESSAGES.signature,
      'swapped signature',
    );
  });

  test('a remembered token answers only to its exact text, however the header spells Bearer', async () => {
    const ok = async (authorization: string) =>
      (await call(server, '/v1.0/communications/callRecords', { auth: false, headers: { authorization } }))
        .status;
    // Verified once, then remembered (by its signature part).
    assert.equal(await ok(`Bearer ${server.token}`), 200);
    assert.equal(await ok(`Bearer ${server.token}`), 200);
    for (const spelling of [`bearer ${server.token}`, `Bearer  ${server.token}`, `BEARER ${server.token} `]) {
      assert.equal(await ok(spelling), 200, JSON.stringify(spelling.slice(0, 8)));
    }
    const [h, , s] = server.token.split('.') as [string, string, string];
    // Its signature under another payload or another header: not the remembered token.
    const otherApp = { ...decodePart(server.token, 1), appid: randomUUID() };
    await expect401(
      `Bearer ${h}.${Buffer.from(JSON.stringify(otherApp)).toString('base64url')}.${s}`,
      MESSAGES.signature,
      'remembered signature, other payload',
    );
    const otherHeader = Buffer.from(
      JSON.stringify({ ...decodePart(server.token, 0), typ: 'at+jwt' }),
    ).toString('base64url');
    await expect401(
      `Bearer ${otherHeader}.${server.token.split('.')[1]!}.${s}`,
      MESSAGES.signature,
      'remembered signature, other header',
    );
    await expect401(`Bearer ${server.token} x`, MESSAGES.empty, 'remembered token, then more');
  });

  test('a token from another server instance (same demo app, other keys)', async () => {
    const other = await startTestServer();
    try {
      assert.notEqual(decodeProtectedHeader(other.token).kid, ourKey().kid);
      sent.push(other.token);
      await expect401(`Bearer ${other.token}`, MESSAGES.signature, 'other instance');
    } finally {
      await other.close();
    }
  });

  test('a token signed by the trusted external issuer but claiming our issuer is refused', async () => {
    const claims = claimsNow({ iss: `https://sts.windows.net/${TENANT}/` });
    const token = await sign(claims, idp.privateKey, { kid: idp.kid });
    await expect401(`Bearer ${token}`, MESSAGES.issuer, 'external key, our issuer');
  });
});

describe('403 Forbidden', () => {
  const expect403 = async (token: string, what: string) => {
    sent.push(token);
    for (const [version, path] of PATHS.slice(0, 7)) {
      const r = await call(server, path, { auth: false, headers: { authorization: `Bearer ${token}` } });
      assertGraphError(version, r, { status: 403, code: 'Forbidden', message: '' }, `${what}: ${path}`);
      assert.equal(r.headers.get('www-authenticate'), null, what);
    }
  };

  test('a valid token without the role', async () => {
    await expect403(norolesToken, 'no roles');
  });

  test('a token with only the PSTN role, on the call record routes', async () => {
    const { app, secret } = await server.app.identity.registry.createApp({
      tenantId: TENANT,
      displayName: 'pstn only',
      roles: ['CallRecords.Read.PstnCalls', 'CallRecord-PstnCalls.Read.All'],
    });
    sent.push(secret.value);
    await expect403(await server.tokenFor(app.appId, secret.value), 'pstn only');
  });

  test('delegated tokens (scp, or idtyp user) are refused, even with roles', async () => {
    const scp = 'CallRecords.Read.All User.Read';
    // Our own key (as if we had issued a user token).
    await expect403(await signOurs(claimsNow({ scp })), 'our key, scp');
    await expect403(await signOurs(claimsNow({ idtyp: 'user' })), 'our key, idtyp user');
    // A trusted external issuer we control: its app token is accepted, its user token is not.
    const ext = (o: Partial<JWTPayload>) =>
      sign(claimsNow({ iss: EXTERNAL_ISSUER.replace('{tenantid}', TENANT), ...o }), idp.privateKey, {
        kid: idp.kid,
      });
    const app = await ext({});
    sent.push(app);
    const ok = await call(server, '/v1.0/communications/callRecords', {
      auth: false,
      headers: { authorization: `Bearer ${app}` },
    });
    assert.equal(ok.status, 200, `external app token: ${ok.text}`);
    await expect403(await ext({ scp, idtyp: 'user', roles: undefined }), 'external delegated');
    await expect403(await ext({ scp }), 'external delegated with roles');
  });
});

describe('outside the Graph surface', () => {
  test('/healthz needs no token', async () => {
    const r = await call(server, '/healthz', { auth: false });
    assert.equal(r.status, 200);
    const database = r.json?.database as { backend: string; status: string; latencyMs: number };
    assert.deepEqual(
      { status: r.json?.status, backend: database.backend, database: database.status },
      { status: 'ok', backend: TEST_BACKEND, database: 'ok' },
    );
    assert.ok(database.latencyMs >= 0);
    assert.equal(r.json?.redis, undefined, 'no Redis configured, none reported');
  });

  test('a valid token reaches the data', async () => {
    const r = await call(server, '/v1.0/communications/callRecords');
    assert.equal(r.status, 200, r.text);
    const nf = await call(server, `/v1.0/communications/callRecords/${UNKNOWN}`);
    assertGraphError('v1.0', nf, { status: 404, code: 'NotFound' });
  });
});

describe('logs', () => {
  test('no secret, assertion or token appears in any log line', async () => {
    // Exercise every credential path once more, successes and failures, at trace level.
    const cert = await makeCertificate();
    const { app, secret } = await server.app.identity.registry.createApp({
      tenantId: TENANT,
      displayName: 'logged',
      roles: ['CallRecords.Read.All'],
    });
    await server.app.identity.registry.addCertificate(TENANT, app.appId, cert.pem);
    sent.push(secret.value);
    const now = Math.floor(server.clock.now() / 1000);
    const assertion = await sign(
      {
        aud: `${server.url}/${TENANT}/oauth2/v2.0/token`,
        iss: app.appId,
        sub: app.appId,
        jti: randomUUID(),
        iat: now,
        exp: now + 600,
      },
      cert.privateKey,
      { x5t: cert.x5t },
    );
    sent.push(assertion);
    const assertionForm = {
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion,
      scope: GRAPH_SCOPE,
    };
    const ok = await postToken(server, TENANT, assertionForm);
    assert.equal(ok.status, 200, ok.text);
    sent.push(ok.json!.access_token as string);
    const replay = await postToken(server, TENANT, assertionForm);
    assert.equal(replay.status, 401);
    const wrong = 'a-wrong-secret-that-must-not-be-logged';
    sent.push(wrong);
    assert.equal((await postToken(server, TENANT, secretForm(app.appId, wrong))).status, 401);
    const basic = Buffer.from(`${app.appId}:${secret.value}`).toString('base64');
    const viaBasic = await postToken(
      server,
      TENANT,
      { grant_type: 'client_credentials', scope: GRAPH_SCOPE },
      {
        headers: { authorization: `Basic ${basic}` },
      },
    );
    assert.equal(viaBasic.status, 200);
    sent.push(viaBasic.json!.access_token as string);
    const json = await postToken(server, TENANT, undefined, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(secretForm(app.appId, secret.value)),
    });
    assert.equal(json.status, 400);
    await call(server, '/v1.0/communications/callRecords', {
      auth: false,
      headers: {
        authorization: `Bearer ${viaBasic.json!.access_token as string}`,
        cookie: `session=${secret.value}`,
      },
    });

    const logs = logged.logs();
    assert.ok(logs.includes('incoming request'), 'requests are logged (the capture works)');
    assert.ok(logs.includes('bearer token rejected'), 'rejections are logged');
    assert.ok(logs.split('\n').length > 100, `a few lines only: ${logs.length}`);
    // Whole credentials, and the signature and payload parts of every JWT (headers are not secret; a forged token
    // may carry one in another position).
    const isHeader = (part: string) => {
      try {
        return 'alg' in (JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as object);
      } catch {
        return false;
      }
    };
    const parts = sent.flatMap((s) => {
      const jwt = s.replace(/^Bearer\s+/, '');
      const p = jwt.split('.');
      return p.length === 3 ? [jwt, ...[p[1]!, p[2]!].filter((x) => x.length >= 16 && !isHeader(x))] : [s];
    });
    assertNoSecrets(
      logs,
      [...new Set(parts)].filter((s) => s.length >= 8),
      'the logs',
    );
  });

  test('credentials a client puts in the query string are not logged either', async () => {
    const secret = 'query-string-secret-0123456789';
    await fetch(`${server.url}/${TENANT}/oauth2/v2.0/token?client_secret=${secret}`, { method: 'POST' });
    const token = queryToken ?? (await server.tokenFor(DEMO_APP.appId, DEMO_APP.secret));
    await call(server, `/v1.0/communications/callRecords?access_token=${token}`, { auth: false });
    assertNoSecrets(logged.logs(), [secret, token], 'the logs');
  });
});
