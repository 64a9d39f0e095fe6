// `callrecords import` applies the line limit while reading: an over-long line is reported and skipped, the rest of
// the file is imported.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { record } from '../notify/helpers.js';

const exec = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-longline-'));
const CLI = path.resolve(import.meta.dirname, '../../src/cli/index.ts');
const TENANT = '1b1c2d3e-4f50-4617-8283-94a5b6c7d8e9';
after(() => rmSync(dir, { recursive: true, force: true }));

test('a line over CALLRECORDS_IMPORT_MAX_LINE_BYTES is rejected as too long; the others are imported', async () => {
  const file = path.join(dir, 'in.ndjson');
  const huge = `{"id":"${'a'.repeat(3 * 1024 * 1024)}"}`;
  writeFileSync(
    file,
    [JSON.stringify(record(crypto.randomUUID())), huge, JSON.stringify(record(crypto.randomUUID()))].join(
      '\n',
    ),
  );
  const run = exec(
    process.execPath,
    ['--import', 'tsx', CLI, 'import', '--db', path.join(dir, 'x.db'), '--tenant', TENANT, '--json', file],
    { env: { ...process.env, CALLRECORDS_IMPORT_MAX_LINE_BYTES: String(1024 * 1024) }, timeout: 60_000 },
  );
  const out = await run.then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  const s = JSON.parse(out.stdout) as {
    created: number;
    rejected: number;
    errors: { line: number; message: string }[];
  };
  assert.equal(out.code, 1, 'a rejected line makes the exit code 1');
  assert.equal(s.created, 2);
  assert.equal(s.rejected, 1);
  assert.deepEqual(
    s.errors.map((e) => e.line),
    [2],
  );
  assert.match(s.errors[0]!.message, /line too long/);
});
