// Bulk generation on several threads writes what one thread writes: the same batches, byte for byte, in order.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { classifyAudioStream } from '../../src/generate/index.js';
import { generateCallData } from '../../src/generate/telephony/index.js';
import { generateBatches, type BatchOptions } from '../../src/generate/worker/index.js';

const GENERATE = {
  tenantId: 'c4c4c4c4-0000-4000-8000-0000000000c4',
  seed: 11,
  users: 30,
  days: 5,
  until: new Date('2026-11-20T00:00:00Z'),
};
const LOGS = { pstn: true, directRouting: true, sms: true };

/** The records the batches hold (the generator's and the telephony plans'), in order. */
function* generateCallRecordsOf(o: typeof GENERATE) {
  for (const { record } of generateCallData(o)) if (record) yield record;
}

/** One digest per batch: its rows (record, parts blob, participant index, rollup), log rows and counts. */
async function digests(o: BatchOptions): Promise<{ batches: string[]; records: number }> {
  const batches: string[] = [];
  let records = 0;
  for await (const b of generateBatches(o)) {
    const h = createHash('sha256');
    h.update(JSON.stringify([b.counts, b.lastStartMs, b.logs]));
    for (const r of b.rows) {
      h.update(JSON.stringify([r.record, r.participantIndex, r.rollup]));
      h.update(r.parts.data);
    }
    batches.push(h.digest('base64'));
    records += b.rows.length;
  }
  return { batches, records };
}

test('two and three threads give the batches of one', async () => {
  const one = await digests({ generate: GENERATE, batch: 40, logs: LOGS, threads: 1 });
  assert.ok(one.batches.length >= 5, `${one.batches.length} batches`);
  assert.deepEqual(await digests({ generate: GENERATE, batch: 40, logs: LOGS, threads: 2 }), one);
  assert.deepEqual(await digests({ generate: GENERATE, batch: 40, logs: LOGS, threads: 3 }), one);
});

test('when the records fill the last batch exactly, the rows left come alone, from the next thread', async () => {
  const { records } = await digests({ generate: GENERATE, batch: 1000, logs: LOGS, threads: 1 });
  const one = await digests({ generate: GENERATE, batch: records, logs: LOGS, threads: 1 });
  assert.equal(one.batches.length, 2);
  assert.deepEqual(await digests({ generate: GENERATE, batch: records, logs: LOGS, threads: 2 }), one);
});

test("a batch's counts are those of its records, streams classified as the generator classifies them", async () => {
  const want = { records: 0, sessions: 0, streams: 0, audio: 0, poor: 0 };
  for (const doc of generateCallRecordsOf(GENERATE)) {
    want.records += 1;
    want.sessions += doc.sessions.length;
    for (const g of doc.sessions.flatMap((s) => s.segments)) {
      for (const m of g.media) {
        want.streams += m.streams.length;
        if (m.label !== 'main-audio') continue;
        for (const st of m.streams) {
          const kind = classifyAudioStream(st);
          if (kind !== 'unclassified') want.audio += 1;
          if (kind === 'poor') want.poor += 1;
        }
      }
    }
  }
  const got = { records: 0, sessions: 0, streams: 0, audio: 0, poor: 0 };
  for await (const b of generateBatches({ generate: GENERATE, batch: 40, logs: LOGS, threads: 2 })) {
    for (const k of Object.keys(got) as (keyof typeof got)[]) got[k] += b.counts[k];
  }
  assert.ok(want.poor > 0 && want.audio > want.poor, JSON.stringify(want));
  assert.deepEqual(got, want);
});

test('a smaller first batch, made alone or not: the same records in the same order, on any number of threads', async () => {
  const ids = async (o: BatchOptions) => {
    const sizes: number[] = [];
    const all: string[] = [];
    for await (const b of generateBatches(o)) {
      sizes.push(b.rows.length);
      all.push(...b.rows.map((r) => r.record.id));
    }
    return { sizes, all };
  };
  const uniform = await ids({ generate: GENERATE, batch: 40, logs: LOGS, threads: 1 });
  const one = await digests({ generate: GENERATE, batch: 40, first: 15, logs: LOGS, threads: 1 });
  assert.deepEqual(await digests({ generate: GENERATE, batch: 40, first: 15, logs: LOGS, threads: 2 }), one);
  assert.deepEqual(await digests({ generate: GENERATE, batch: 40, first: 15, logs: LOGS, threads: 3 }), one);
  // The other threads started once the first batch is ready: the same batches still.
  const alone = { generate: GENERATE, batch: 40, first: 15, firstAlone: true, logs: LOGS };
  assert.deepEqual(await digests({ ...alone, threads: 3 }), one);
  const small = await ids({ generate: GENERATE, batch: 40, first: 15, logs: LOGS, threads: 2 });
  assert.equal(small.sizes[0], 15);
  assert.ok(
    small.sizes.slice(1, -2).every((n) => n === 40),
    small.sizes.join(','),
  );
  assert.deepEqual(small.all, uniform.all);
});
