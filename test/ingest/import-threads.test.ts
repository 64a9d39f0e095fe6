// The NDJSON import prepares batches on threads and writes them in input order: whatever the threads' timing, the
// summary (counts, rejected lines and their numbers), the stored versions and the log rows are those of a single
// thread reading the lines one by one, and progress is reported in line order.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { generateCallData } from '../../src/generate/telephony/index.js';
import { LOG_ROW_TYPES, type LogRowKind } from '../../src/graph/ingest/normalize.js';
import type { CallRecordDocument } from '../../src/graph/model/index.js';
import { importLines, type ImportSummary } from '../../src/ingest/import-lines.js';
import type { Store } from '../../src/store/index.js';
import { openTestStore } from '../helpers/test-db.js';

const TENANT = 'a1b2c3d4-0000-4000-8000-0000000000aa';
const BATCH = 40;

const stores: Store[] = [];
let lines: string[];
/** The line limit: just above the longest generated record. */
let maxLine: number;
/** What a single reader would conclude, line by line. */
let expected: { summary: Omit<ImportSummary, 'errors'>; errorLines: number[]; versions: Map<string, number> };

before(() => {
  const records: CallRecordDocument[] = [];
  const logs: string[] = [];
  for (const { record, logs: rows } of generateCallData({
    tenantId: TENANT,
    seed: 5,
    users: 25,
    days: 12,
    until: new Date('2026-11-20T00:00:00Z'),
    callsPerUserPerDay: 1.2,
  })) {
    if (record) records.push(record);
    for (const kind of Object.keys(LOG_ROW_TYPES) as LogRowKind[]) {
      for (const row of rows[kind])
        logs.push(JSON.stringify({ '@odata.type': `#${LOG_ROW_TYPES[kind]}`, ...row }));
    }
  }
  assert.ok(
    records.length > 5 * BATCH && logs.length > 20,
    `${records.length} records, ${logs.length} log rows`,
  );
  maxLine = Math.max(...records.map((r) => Buffer.byteLength(JSON.stringify(r)))) + 1024;
  const at = (doc: CallRecordDocument, version: number) => JSON.stringify({ ...doc, version });
  const bad = new Map<number, string>();
  lines = [];
  const add = (text: string, rejected = false) => {
    lines.push(text);
    if (rejected) bad.set(lines.length, text);
  };
  records.forEach((doc, i) => {
    add(at(doc, 1));
    if (i % 37 === 5) add('');
    if (i % 41 === 7) add('   ');
    if (i % 53 === 11) add('{ not json', true);
    if (i % 59 === 13) add(JSON.stringify({ ...doc, id: `${doc.id}-x`, type: 'teleport' }), true);
    if (i % 67 === 17) add(`{"id":"${'a'.repeat(maxLine)}"}`, true);
    if (i % 9 === 0 && logs.length > 0) add(logs.pop()!);
  });
  for (const l of logs) add(l);
  // Later versions, some lower than what is stored by then, some twice in one batch.
  for (const [i, v] of [
    [0, 3],
    [0, 2],
    [1, 1],
    [2, 2],
    [2, 2],
    [3, 4],
    [3, 5],
    [4, 1],
  ] as const) {
    add(at(records[i]!, v));
  }
  const versions = new Map<string, number>();
  const summary = { lines: lines.length, created: 0, updated: 0, ignored: 0, logRows: 0, rejected: bad.size };
  for (const [n, text] of lines.entries()) {
    if (bad.has(n + 1) || text.trim() === '') continue;
    const v = JSON.parse(text) as { '@odata.type'?: string; id: string; version: number };
    if (v['@odata.type']) {
      summary.logRows += 1;
      continue;
    }
    const current = versions.get(v.id);
    if (current === undefined) summary.created += 1;
    else if (v.version > current) summary.updated += 1;
    else summary.ignored += 1;
    versions.set(v.id, Math.max(current ?? 0, v.version));
  }
  expected = { summary, errorLines: [...bad.keys()], versions };
});

after(async () => {
  for (const s of stores) await s.close();
});

/** The input in small chunks that split lines, some lines ending in CRLF. */
function input(): Readable {
  const text = lines.map((l, i) => (i % 5 === 0 ? `${l}\r\n` : `${l}\n`)).join('');
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 65_537) chunks.push(bytes.subarray(at, at + 65_537));
  return Readable.from(chunks);
}

async function run(threads: number) {
  const store = await openTestStore();
  stores.push(store);
  await store.createTenant({ id: TENANT, displayName: 'Imported', createdMs: 0 });
  const progress: number[] = [];
  const summary = await importLines(store, TENANT, input(), {
    batch: BATCH,
    maxLineBytes: maxLine,
    threads,
    onProgress: (n) => progress.push(n),
  });
  const versions = new Map<string, number>();
  for (let after: { startMs: number; id: string } | undefined, first = true; first || after; first = false) {
    const page = await store.documents.page(TENANT, { limit: 500, ...(after ? { after } : {}) });
    for (const d of page.docs) versions.set(d.id, d.version);
    after = page.next;
  }
  let logRows = 0;
  for (const kind of Object.keys(LOG_ROW_TYPES) as LogRowKind[])
    logRows += await store.logs.count(TENANT, kind);
  return { summary, progress, versions, logRows };
}

for (const threads of [0, 2]) {
  test(`prepared on ${threads === 0 ? 'the writer’s thread' : `${threads} threads`}: the outcome of reading line by line`, async () => {
    const r = await run(threads);
    const { errors, ...counts } = r.summary;
    assert.deepEqual(counts, expected.summary);
    assert.deepEqual(
      errors.map((e) => e.line),
      expected.errorLines,
    );
    assert.match(
      errors.find((e) => /too long/.test(e.message))?.message ?? '',
      new RegExp(`over ${maxLine} bytes`),
    );
    assert.match(
      errors.find((e) => /teleport|type/.test(e.message))?.message ?? '',
      /\$\.type: must be one of/,
    );
    assert.deepEqual(r.versions, expected.versions);
    assert.equal(r.logRows, expected.summary.logRows);
    assert.ok(r.progress.length >= Math.floor(lines.length / BATCH), `${r.progress.length} progress reports`);
    assert.deepEqual(
      r.progress,
      [...r.progress].sort((a, b) => a - b),
      'progress in line order',
    );
    assert.equal(r.progress.at(-1), lines.length);
  });
}

test('over a thousand bad lines: all counted, the first thousand listed in line order', async () => {
  const store = await openTestStore();
  stores.push(store);
  await store.createTenant({ id: TENANT, displayName: 'Imported', createdMs: 0 });
  const text = Array.from({ length: 1500 }, (_, i) => (i % 3 === 2 ? '{"id": 5}' : `{ bad ${i}`)).join('\n');
  const s = await importLines(store, TENANT, Readable.from([Buffer.from(text)]), { batch: 100, threads: 2 });
  assert.equal(s.lines, 1500);
  assert.equal(s.rejected, 1500);
  assert.equal(s.errors.length, 1000);
  assert.deepEqual(
    s.errors.map((e) => e.line),
    Array.from({ length: 1000 }, (_, i) => i + 1),
  );
  assert.match(s.errors[2]!.message, /invalid call record: \$\.id: must be a string/);
});

test('a write that fails ends the import with its error, and the input is released', async () => {
  const store = await openTestStore();
  await store.createTenant({ id: TENANT, displayName: 'Imported', createdMs: 0 });
  const source = input();
  let closed = false;
  const importing = importLines(store, TENANT, source, {
    batch: BATCH,
    maxLineBytes: maxLine,
    threads: 2,
    onProgress: () => {
      // The database goes away after the first batch: every later write fails.
      if (!closed) void store.close();
      closed = true;
    },
  });
  await assert.rejects(importing);
  assert.ok(source.destroyed, 'the input is not read any further');
});

test('consecutive batches are written together, up to 500 records and log rows a transaction', async () => {
  const store = await openTestStore();
  stores.push(store);
  await store.createTenant({ id: TENANT, displayName: 'Imported', createdMs: 0 });
  // The store's own writes, counted on the way through.
  const writes: number[] = [];
  const upsert = store.upsertRecordRows.bind(store);
  store.upsertRecordRows = (tenantId, rows) => {
    writes.push(rows.length);
    return upsert(tenantId, rows);
  };
  const progress: number[] = [];
  const s = await importLines(store, TENANT, input(), {
    batch: BATCH,
    maxLineBytes: maxLine,
    threads: 2,
    onProgress: (n) => progress.push(n),
  });
  // Progress is still reported batch by batch (once written); the writes gather 16 batches or 500 rows.
  assert.ok(progress.length >= Math.floor(lines.length / BATCH), `${progress.length} progress reports`);
  assert.ok(writes.length <= Math.ceil(progress.length / 16), `writes of ${writes.join(', ')} records`);
  assert.equal(
    writes.reduce((a, b) => a + b, 0),
    s.created + s.updated + s.ignored,
  );
});
