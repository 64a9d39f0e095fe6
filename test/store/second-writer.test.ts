// Two writers on one database file: a CLI import (another process) while the server takes admin writes. Write
// transactions take the write lock up front and wait for the other writer, so every write of both succeeds: no
// "database is locked", no 500; past the busy timeout the API answers 503 with Retry-After.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { startTestServer } from '../helpers/server.js';
import { ADMIN_KEY, record } from '../notify/helpers.js';

const CLI = path.resolve(import.meta.dirname, '../../src/cli/index.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-writers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const IMPORTED = 4000;

function runImport(db: string, file: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'import', '--db', db, '--tenant', DEMO_TENANT_ID, '--json', file],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('a CLI import and admin writes at once: both complete, every admin write answered 2xx', async () => {
  const db = path.join(dir, 'shared.db');
  const file = path.join(dir, 'records.ndjson');
  const lines = Array.from({ length: IMPORTED }, (_, i) =>
    JSON.stringify(record(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, 1, ['alice', 'bob'])),
  );
  writeFileSync(file, lines.join('\n') + '\n');
  const server = await startTestServer({ config: { db, adminKey: ADMIN_KEY } });
  try {
    let done = false;
    const importing = runImport(db, file).finally(() => (done = true));
    const statuses = new Map<number, number>();
    let pushed = 0;
    while (!done) {
      const res = await fetch(`${server.url}/admin/tenants/${DEMO_TENANT_ID}/callRecords`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(record(crypto.randomUUID(), 1, ['carol'])),
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 201) pushed += 1;
    }
    const cli = await importing;
    assert.equal(cli.code, 0, cli.stderr);
    assert.doesNotMatch(cli.stderr, /database is locked/);
    assert.deepEqual([...statuses.keys()], [201], `admin answers: ${JSON.stringify([...statuses])}`);
    assert.ok(pushed > 10, `only ${pushed} admin writes overlapped the import`);
    assert.equal(await server.store.countAllCallRecords(DEMO_TENANT_ID), IMPORTED + pushed);
  } finally {
    await server.close();
  }
});

test('a database held by another writer past the busy timeout: 503 with Retry-After in Graph shape, never 500', async () => {
  const db = path.join(dir, 'held.db');
  const server = await startTestServer({ config: { db, adminKey: ADMIN_KEY, dbBusyTimeoutMs: 200 } });
  const other = new BetterSqlite3(db);
  try {
    const push = () =>
      fetch(`${server.url}/admin/tenants/${DEMO_TENANT_ID}/callRecords`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(record(crypto.randomUUID())),
      });
    other.exec('begin immediate');
    const busy = await push();
    const body = (await busy.json()) as { error: { code: string; innerError: Record<string, string> } };
    assert.equal(busy.status, 503);
    assert.equal(busy.headers.get('retry-after'), '1');
    assert.equal(body.error.code, 'ServiceUnavailable');
    assert.ok(body.error.innerError['request-id']);
    other.exec('rollback');
    const after = await push();
    await after.arrayBuffer();
    assert.equal(after.status, 201);
  } finally {
    other.close();
    await server.close();
  }
});
