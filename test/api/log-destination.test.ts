// The default log destination: lines logged during a turn of the event loop reach the descriptor at its end, in
// order, in one write; a large batch is written at once; a descriptor that cannot be written stops logging without
// failing anything; and a real `callrecords serve` process logs each request while it runs, without its token.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { BatchedLineWriter } from '../../src/api/log-destination.js';

const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const turn = () => new Promise((resolve) => setImmediate(resolve));

test('lines of one turn are written at its end, in order', async () => {
  const file = path.join(dir, 'turn.log');
  const fd = openSync(file, 'w');
  try {
    const writer = new BatchedLineWriter(fd);
    writer.write('{"n":1}\n');
    writer.write('{"n":2,"msg":"é ✓"}\n');
    assert.equal(readFileSync(file, 'utf8'), '', 'nothing is written during the turn');
    await turn();
    assert.equal(readFileSync(file, 'utf8'), '{"n":1}\n{"n":2,"msg":"é ✓"}\n');
    writer.write('{"n":3}\n');
    await turn();
    assert.equal(readFileSync(file, 'utf8').split('\n').length, 4, 'a later turn appends');
  } finally {
    closeSync(fd);
  }
});

test('a batch over 64 KB is written at once, and flush writes what is gathered', () => {
  const file = path.join(dir, 'big.log');
  const fd = openSync(file, 'w');
  try {
    const writer = new BatchedLineWriter(fd);
    const line = `${JSON.stringify({ pad: 'x'.repeat(1000) })}\n`;
    for (let i = 0; i < 70; i++) writer.write(line);
    assert.ok(readFileSync(file, 'utf8').length >= 64 * 1024, 'written without waiting for the turn to end');
    writer.flush();
    assert.equal(readFileSync(file, 'utf8'), line.repeat(70));
  } finally {
    closeSync(fd);
  }
});

test('a descriptor that cannot be written stops logging instead of throwing', async () => {
  const fd = openSync(path.join(dir, 'closed.log'), 'w');
  closeSync(fd);
  const writer = new BatchedLineWriter(fd);
  writer.write('{"lost":true}\n');
  assert.doesNotThrow(() => writer.flush());
  writer.write('{"lost":true}\n');
  await turn();
});

test(
  'callrecords serve logs each request on stdout while it runs, without the token',
  { timeout: 60_000 },
  async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.resolve('src/cli/index.ts'), 'serve', '--db', ':memory:', '--port', '0'],
      {
        env: { ...process.env, CALLRECORDS_LOG_LEVEL: 'info', CALLRECORDS_DATA_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const next = async () => {
        const r = await lines.next();
        assert.ok(!r.done, 'the server is still writing its log');
        return JSON.parse(r.value) as { msg?: string; url?: string; req?: { url?: string }; res?: unknown };
      };
      let entry = await next();
      while (entry.msg !== 'ready') entry = await next();
      const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzZWNyZXQiOnRydWV9.c2lnbmF0dXJlLW5vdC1sb2dnZWQ';
      const res = await fetch(`${entry.url}/v1.0/communications/callRecords?probe=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 401);
      const raw: string[] = [];
      do {
        entry = await next();
        raw.push(JSON.stringify(entry));
      } while (entry.msg !== 'request completed');
      assert.equal(entry.req?.url, '/v1.0/communications/callRecords?probe=1');
      assert.deepEqual(entry.res, { statusCode: 401 });
      assert.ok(!raw.join('\n').includes('c2lnbmF0dXJlLW5vdC1sb2dnZWQ'), 'the token is not logged');
    } finally {
      child.kill('SIGTERM');
    }
  },
);
