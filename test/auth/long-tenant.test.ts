// A tenant segment longer than the router takes still gets the identity platform's answer for an unknown tenant on
// the token and discovery endpoints, not a Graph error.
// backends: sqlite — routing of the identity endpoints.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO_APP, assertOAuthError, postToken, secretForm, get } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const LONG = 'a'.repeat(1500);

test('POST /{1,500-character tenant}/oauth2/v2.0/token: AADSTS90002 in the OAuth error shape', async () => {
  const r = await postToken(server, LONG, secretForm(DEMO_APP.appId, DEMO_APP.secret));
  const body = assertOAuthError(r, { status: 400, error: 'invalid_tenant', code: 90002 }, 'long tenant');
  assert.match(String(body.error_description), /^AADSTS90002: Tenant 'a{1500}' not found\./);
});

test('GET /{1,500-character tenant}/v2.0/.well-known/openid-configuration: the same', async () => {
  const r = await get(`${server.url}/${LONG}/v2.0/.well-known/openid-configuration`);
  assertOAuthError(r, { status: 400, error: 'invalid_tenant', code: 90002 }, 'long tenant discovery');
});

test('other paths with an over-long segment keep the Graph error', async () => {
  const r = await get(`${server.url}/${LONG}/oauth2/v2.0/authorize`);
  assert.equal(r.status, 400);
  assert.equal((r.json?.error as { code: string }).code, 'BadRequest');
});
