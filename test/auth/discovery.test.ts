// OpenID discovery, the JWKS and MSAL's instance discovery, over real HTTP: per tenant, for the common and
// organizations aliases, and for unknown tenants; a client that starts from discovery can verify our tokens.
// backends: sqlite — OpenID discovery documents.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { GRAPH, TENANT, assertOAuthError, get, type Json } from './helpers.js';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server?.close();
});

const config = (tenant: string) => get(`${server.url}/${tenant}/v2.0/.well-known/openid-configuration`);

describe('openid-configuration', () => {
  test('for a tenant id: its own issuer and endpoints', async () => {
    const r = await config(TENANT);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    const d = r.json!;
    assert.equal(d.issuer, `${server.url}/${TENANT}/v2.0`);
    assert.equal(d.token_endpoint, `${server.url}/${TENANT}/oauth2/v2.0/token`);
    assert.equal(d.jwks_uri, `${server.url}/${TENANT}/discovery/v2.0/keys`);
    assert.equal(d.authorization_endpoint, `${server.url}/${TENANT}/oauth2/v2.0/authorize`);
    assert.deepEqual([...(d.token_endpoint_auth_methods_supported as string[])].sort(), [
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
    ]);
    assert.deepEqual(d.id_token_signing_alg_values_supported, ['RS256']);
    assert.equal(d.msgraph_host, 'graph.microsoft.com');
    assert.equal(d.tenant_region_scope, 'EU');
    assert.equal(d.cloud_instance_name, new URL(server.url).host);
    for (const k of [
      'response_types_supported',
      'subject_types_supported',
      'scopes_supported',
      'claims_supported',
    ]) {
      assert.ok(Array.isArray(d[k]), k);
    }
  });

  test('the tenant id is case-insensitive', async () => {
    const r = await config(TENANT.toUpperCase());
    assert.equal(r.status, 200);
    assert.equal(r.json!.issuer, `${server.url}/${TENANT}/v2.0`);
  });

  test("'common' and 'organizations': the issuer has the {tenantid} template, endpoints keep the alias", async () => {
    for (const alias of ['common', 'organizations']) {
      const r = await config(alias);
      assert.equal(r.status, 200, `${alias}: ${r.text}`);
      const d = r.json!;
      assert.equal(d.issuer, `${server.url}/{tenantid}/v2.0`, alias);
      assert.equal(d.token_endpoint, `${server.url}/${alias}/oauth2/v2.0/token`, alias);
      assert.equal(d.jwks_uri, `${server.url}/${alias}/discovery/v2.0/keys`, alias);
      assert.equal(d.tenant_region_scope, null, alias);
    }
  });

  test('an unknown tenant: 400 AADSTS90002 in the OAuth error shape', async () => {
    for (const tenant of [randomUUID(), 'contoso.onmicrosoft.com', 'x']) {
      const r = await config(tenant);
      const body = assertOAuthError(r, { status: 400, error: 'invalid_tenant', code: 90002 }, tenant);
      assert.ok(String(body.error_description).includes(`Tenant '${tenant}' not found.`), tenant);
    }
  });
});

describe('keys', () => {
  test('every keys URL serves the same JWKS, and a client starting from discovery verifies our tokens', async () => {
    const urls = [
      `${server.url}/${TENANT}/discovery/v2.0/keys`,
      `${server.url}/common/discovery/v2.0/keys`,
      `${server.url}/organizations/discovery/v2.0/keys`,
      `${server.url}/${TENANT}/discovery/keys`,
    ];
    const bodies = await Promise.all(urls.map((u) => get(u)));
    for (const [i, r] of bodies.entries()) {
      assert.equal(r.status, 200, urls[i]);
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(r.json, bodies[0]!.json, urls[i]);
    }
    const keys = bodies[0]!.json!.keys as Json[];
    assert.ok(keys.length >= 1);
    for (const k of keys) assert.equal(k.d, undefined);
    // What an SDK does: discovery -> jwks_uri -> verify.
    const jwksUri = (await config(TENANT)).json!.jwks_uri as string;
    const { payload } = await jwtVerify(server.token, createRemoteJWKSet(new URL(jwksUri)), {
      algorithms: ['RS256'],
      audience: GRAPH,
      issuer: `https://sts.windows.net/${TENANT}/`,
      currentDate: new Date(server.clock.now()),
    });
    assert.equal(payload.tid, TENANT);
  });
});

describe('instance discovery', () => {
  const instance = (query: string) => get(`${server.url}/common/discovery/instance${query}`);
  const host = () => new URL(server.url).host;

  test('the document MSAL asks for names this host and the tenant of the authorization endpoint', async () => {
    const authorize = encodeURIComponent(`${server.url}/${TENANT}/oauth2/v2.0/authorize`);
    const r = await instance(`?api-version=1.1&authorization_endpoint=${authorize}`);
    assert.equal(r.status, 200, r.text);
    const d = r.json!;
    assert.equal(d['api-version'], '1.1');
    assert.equal(
      d.tenant_discovery_endpoint,
      `${server.url}/${TENANT}/v2.0/.well-known/openid-configuration`,
    );
    assert.deepEqual(d.metadata, [{ preferred_network: host(), preferred_cache: host(), aliases: [host()] }]);
    // The endpoint it names answers.
    assert.equal((await get(d.tenant_discovery_endpoint)).status, 200);
  });

  test('without (or with a broken) authorization_endpoint it falls back to common, never a 500', async () => {
    for (const q of [
      '',
      '?api-version=1.1',
      '?authorization_endpoint=http://[',
      '?authorization_endpoint=%2F%2Fevil.example',
    ]) {
      const r = await instance(q);
      assert.equal(r.status, 200, `${q}: ${r.text}`);
      assert.equal(
        r.json!.tenant_discovery_endpoint,
        `${server.url}/common/v2.0/.well-known/openid-configuration`,
        q,
      );
    }
  });
});
