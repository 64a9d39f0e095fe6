// generate, export and import as a user runs them (in-process, through the program the bin runs): determinism,
// round trips, progress and summaries; the clock command against a running server.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { startTestServer } from '../helpers/server.js';
import { cli } from './run.js';

const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-data-'));
const TENANT = '0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9';

const gen = (db: string, ...extra: string[]) =>
  cli(
    'generate',
    '--db',
    db,
    '--tenant',
    TENANT,
    '--profile',
    'small-office',
    '--days',
    '7',
    '--seed',
    '42',
    '--until',
    '2026-11-20T00:00:00Z',
    '--json',
    ...extra,
  );

after(() => rmSync(dir, { recursive: true, force: true }));

test('generate creates the tenant, reports a summary, shows progress, and reaches the poor stream rate asked for', async () => {
  const r = await gen(path.join(dir, 'a.db'), '--poor-stream-rate', '0.08');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as {
    records: number;
    sessions: number;
    streams: number;
    poorStreamRate: number;
    seconds: number;
    storedBytes: number;
    bytesPerRecord: number;
    cpuMsPerRecord: number;
  };
  assert.ok(s.records > 100, `${s.records} records`);
  // Bytes per record: what the database grew by (every record has a body of more than 2 KB), over the records.
  const file = ['a.db', 'a.db-wal']
    .map((f) => path.join(dir, f))
    .reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);
  assert.ok(s.storedBytes > s.records * 2000 && s.storedBytes <= file, `${s.storedBytes} of ${file} bytes`);
  assert.equal(s.bytesPerRecord, Math.round(s.storedBytes / s.records));
  assert.ok(s.cpuMsPerRecord > 0);
  assert.ok(s.sessions >= s.records && s.streams > s.sessions);
  assert.ok(Math.abs(s.poorStreamRate - 0.08) < 0.03, `poor stream rate ${s.poorStreamRate}`);
  assert.match(r.stderr, /records\s+\d+/, 'plain progress lines when stderr is not a terminal');
});

test('the same seed and flags give a byte-identical export, on one thread or two; export(import(export(x))) = export(x)', async () => {
  // The default (a thread per core, at most two) and one thread write the same data.
  assert.equal((await gen(path.join(dir, 'b.db'))).code, 0);
  assert.equal((await gen(path.join(dir, 'c.db'), '--threads', '1')).code, 0);
  const e1 = path.join(dir, 'b.ndjson');
  const e2 = path.join(dir, 'c.ndjson');
  assert.equal(
    (await cli('export', '--db', path.join(dir, 'b.db'), '--tenant', TENANT, '--out', e1)).code,
    0,
  );
  assert.equal(
    (await cli('export', '--db', path.join(dir, 'c.db'), '--tenant', TENANT, '--out', e2)).code,
    0,
  );
  const first = readFileSync(e1);
  assert.ok(first.length > 1000);
  assert.ok(first.equals(readFileSync(e2)), 'same seed, same bytes');

  const imported = await cli('import', '--db', path.join(dir, 'd.db'), '--tenant', TENANT, e1, '--json');
  assert.equal(imported.code, 0, imported.stderr);
  const summary = JSON.parse(imported.stdout) as { created: number; logRows: number; rejected: number };
  assert.equal(summary.rejected, 0);
  assert.ok(summary.logRows > 0, 'the export carries telephony log rows after the records');
  assert.equal(summary.created + summary.logRows, first.toString().trim().split('\n').length);
  const again = await cli('export', '--db', path.join(dir, 'd.db'), '--tenant', TENANT);
  assert.ok(Buffer.from(again.stdout).equals(first), 'round trip is exact');

  const window = await cli(
    'export',
    '--db',
    path.join(dir, 'd.db'),
    '--tenant',
    TENANT,
    '--since',
    '2026-11-18T00:00:00Z',
  );
  const lines = window.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, string>);
  const starts = lines.filter((l) => !l['@odata.type']).map((l) => l.startDateTime!);
  const logTimes = lines
    .filter((l) => l['@odata.type'])
    .map((l) => l.startDateTime ?? l.sentDateTime ?? l.blockDateTime);
  assert.ok(
    logTimes.length > 0 && logTimes.every((t) => t! >= '2026-11-18T00:00:00'),
    'log rows in the window too',
  );
  assert.ok(starts.length > 0 && starts.every((s) => s >= '2026-11-18T00:00:00'));
});

test('a different seed gives different data; a bad line makes import exit 1 and say why', async () => {
  const other = await cli(
    'generate',
    '--db',
    path.join(dir, 'e.db'),
    '--tenant',
    TENANT,
    '--profile',
    'small-office',
    '--days',
    '7',
    '--seed',
    '43',
    '--until',
    '2026-11-20T00:00:00Z',
  );
  assert.equal(other.code, 0);
  const a = await cli('export', '--db', path.join(dir, 'b.db'), '--tenant', TENANT);
  const b = await cli('export', '--db', path.join(dir, 'e.db'), '--tenant', TENANT);
  assert.notEqual(a.stdout, b.stdout);
  const bad = path.join(dir, 'bad.ndjson');
  writeFileSync(bad, a.stdout.split('\n')[0] + '\n{"id": 5}\n');
  const r = await cli('import', '--db', path.join(dir, 'f.db'), '--tenant', TENANT, bad);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /1 created.*1 rejected/s);
  assert.match(r.stdout, /line 2: .*\$\.id: must be a string/);
});

test("clock advance moves a running server's virtual clock", async () => {
  const server = await startTestServer({ config: { adminKey: 'clock-test-admin-key-1234' } });
  try {
    const base = ['--url', server.url, '--admin-key', 'clock-test-admin-key-1234', '--json'];
    const set = await cli('clock', 'set', '2026-11-20T00:00:00Z', ...base);
    assert.equal(set.code, 0, set.stderr);
    const adv = await cli('clock', 'advance', 'PT2H', ...base);
    assert.equal((JSON.parse(adv.stdout) as { now: string }).now, '2026-11-20T02:00:00.000Z');
    assert.equal(server.clock.now(), Date.parse('2026-11-20T02:00:00Z'));
    const wrong = await cli('clock', 'show', '--url', server.url, '--admin-key', 'nope-nope-nope-nope-nope');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /401/);
  } finally {
    await server.close();
  }
});
