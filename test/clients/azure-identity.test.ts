// The official @azure/identity and @microsoft/microsoft-graph-client packages, unchanged, against this server
// over TLS: the credential gets its token from our token endpoint, the Graph client pages through our list.
// backends: sqlite — a client library against the token endpoint and paging.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { DEMO_APPS } from '../../src/demo/apps.js';
import { runClientFixture } from '../helpers/client-fixture.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-tls-'));
let server: TestServer;

before(async () => {
  server = await startTestServer({ demoUsers: 20, demoDays: 7, tlsDir: dir });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = (clientId: string, secret: string) =>
  runClientFixture<{
    tokenLength: number;
    expires: number;
    ids: string[];
    notFound: { statusCode: number; code: string };
  }>(dir, 'azure-client.ts', [server.url, DEMO_TENANT_ID, clientId, secret]);

test('ClientSecretCredential gets a token from our authority and the Graph client pages through every record', async () => {
  const out = await client(DEMO_APPS[0].appId, DEMO_APPS[0].secret);
  assert.ok(out.tokenLength > 500);
  assert.ok(out.expires > Date.now() + 50 * 60_000, 'about an hour of life');
  const total = await server.store.countCallRecords(DEMO_TENANT_ID, {
    minStartMs: server.clock.now() - 30 * 86_400_000,
  });
  assert.ok(total > 25, 'several pages');
  assert.equal(out.ids.length, total);
  assert.equal(new Set(out.ids).size, total);
  assert.deepEqual(out.notFound, { statusCode: 404, code: 'NotFound' });
});

test('a wrong secret fails inside @azure/identity with the AADSTS error', async () => {
  await assert.rejects(client(DEMO_APPS[0].appId, 'wrong-secret'), /AADSTS7000215/);
});
