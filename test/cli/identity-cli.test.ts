// The tenant and app commands, run as a user runs them (in-process, through the program the bin runs) against a
// database file that a real server then reads: the printed secret gets a token, grants and revocations change the
// answer. One test runs the bin itself, for what only a process shows: its exit status.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { generate } from 'selfsigned';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { cli as run, type CliResult } from './run.js';

const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-cli-'));
const db = path.join(dir, 'cli.db');

const cli = (...args: string[]): Promise<CliResult> => run(...args, '--db', db);

let tenantId = '';
let server: TestServer | undefined;

before(async () => {
  const r = await cli('tenant', 'create', '--name', 'Fabrikam', '--json');
  assert.equal(r.code, 0, r.stderr);
  tenantId = (JSON.parse(r.stdout) as { tenantId: string }).tenantId;
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('tenant list shows the created tenant; a duplicate id is refused with exit 1 on stderr', async () => {
  const list = await cli('tenant', 'list', '--json');
  assert.ok((JSON.parse(list.stdout) as { tenantId: string }[]).some((t) => t.tenantId === tenantId));
  const dup = await cli('tenant', 'create', '--id', tenantId);
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /already exists/);
  assert.equal(dup.stdout, '');
});

test('app create prints the client id and a secret once; the secret gets a token; grant and revoke change access', async () => {
  const created = await cli(
    'app',
    'create',
    '--tenant',
    tenantId,
    '--name',
    'Billing',
    '--role',
    'CallRecords.Read.All',
    '--json',
  );
  assert.equal(created.code, 0, created.stderr);
  const app = JSON.parse(created.stdout) as {
    clientId: string;
    roles: string[];
    secret: { value: string; keyId: string };
  };
  assert.deepEqual(app.roles, ['CallRecords.Read.All']);
  assert.ok(app.secret.value.length >= 30);

  const listed = await cli('app', 'list', '--tenant', tenantId, '--json');
  assert.ok(!listed.stdout.includes(app.secret.value), 'the secret is never shown again');
  assert.match(listed.stdout, new RegExp(app.clientId));

  server = await startTestServer({ config: { db } });
  const token = await server.tokenFor(app.clientId, app.secret.value, tenantId);
  const get = (t: string) =>
    fetch(`${server!.url}/v1.0/communications/callRecords`, { headers: { authorization: `Bearer ${t}` } });
  assert.equal((await get(token)).status, 200);

  const revoked = await cli(
    'app',
    'revoke',
    '--tenant',
    tenantId,
    '--role',
    'CallRecords.Read.All',
    app.clientId,
  );
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal((await get(await server.tokenFor(app.clientId, app.secret.value, tenantId))).status, 403);
  await cli('app', 'grant', '--tenant', tenantId, '--role', 'CallRecords.Read.All', app.clientId);
  assert.equal((await get(await server.tokenFor(app.clientId, app.secret.value, tenantId))).status, 200);

  const second = await cli('app', 'add-secret', '--tenant', tenantId, app.clientId, '--json');
  const s2 = JSON.parse(second.stdout) as { value: string };
  await server.tokenFor(app.clientId, s2.value, tenantId);
  const removed = await cli('app', 'remove-secret', '--tenant', tenantId, app.clientId, app.secret.keyId);
  assert.equal(removed.code, 0, removed.stderr);
  await assert.rejects(server.tokenFor(app.clientId, app.secret.value, tenantId), /7000215/);

  const bad = await cli('app', 'grant', '--tenant', tenantId, '--role', 'User.Read.All', app.clientId);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unknown role/);

  const pems = await generate([{ name: 'commonName', value: 'billing' }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  writeFileSync(path.join(dir, 'cert.pem'), pems.cert);
  const cert = await cli(
    'app',
    'add-certificate',
    '--tenant',
    tenantId,
    '--pem',
    path.join(dir, 'cert.pem'),
    app.clientId,
    '--json',
  );
  assert.equal(cert.code, 0, cert.stderr);
  assert.match(cert.stdout, /"thumbprint"/);
  writeFileSync(path.join(dir, 'junk.pem'), 'not a certificate');
  const junk = await cli(
    'app',
    'add-certificate',
    '--tenant',
    tenantId,
    '--pem',
    path.join(dir, 'junk.pem'),
    app.clientId,
  );
  assert.equal(junk.code, 1);

  const deleted = await cli('app', 'delete', '--tenant', tenantId, app.clientId);
  assert.equal(deleted.code, 0, deleted.stderr);
  await assert.rejects(server.tokenFor(app.clientId, s2.value, tenantId), /700016/);
});

test('--help lists the commands; an unknown tenant is an error on stderr', async () => {
  const help = await cli('--help');
  for (const c of ['serve', 'tenant', 'app', 'keys', 'token'])
    assert.match(help.stdout, new RegExp(`\\b${c}\\b`));
  const r = await cli('app', 'list', '--tenant', '11111111-1111-1111-1111-111111111111');
  assert.equal(r.code, 0, 'listing an empty tenant is not an error');
  const d = await cli('tenant', 'delete', '11111111-1111-1111-1111-111111111111');
  assert.equal(d.code, 1);
  assert.match(d.stderr, /no tenant/);
});

test('the bin exits 0 after printing to stdout, and 1 with the message on stderr after a failed command', async () => {
  const bin = path.resolve(import.meta.dirname, '../../src/cli/index.ts');
  const exec = promisify(execFile);
  const node = (...args: string[]) => exec(process.execPath, ['--import', 'tsx', bin, ...args, '--db', db]);
  const [listed, failed] = await Promise.allSettled([
    node('tenant', 'list', '--json'),
    node('tenant', 'delete', '11111111-1111-1111-1111-111111111111'),
  ]);
  assert.equal(listed.status, 'fulfilled');
  assert.ok((JSON.parse(listed.value.stdout) as { tenantId: string }[]).some((t) => t.tenantId === tenantId));
  assert.equal(failed.status, 'rejected');
  const e = failed.reason as { code: number; stdout: string; stderr: string };
  assert.equal(e.code, 1);
  assert.equal(e.stdout, '');
  assert.match(e.stderr, /^callrecords: no tenant 11111111-1111-1111-1111-111111111111\n$/);
});
