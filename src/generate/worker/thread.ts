// A bulk generation thread: runs the generator and turns its records into store rows (JSON serialization and
// compression, the costly part of a write), one batch at a time, as the writer asks for them. With several
// threads, each walks every plan but builds only its own batches (batch b is thread b % count's), so the batches
// are those of one thread, byte for byte.
import { parentPort, workerData } from 'node:worker_threads';
import { STORED_JSON } from '../../graph/shape/stored.js';
import { QUALITY_COLUMNS } from '../../store/dashboard-schema.js';
import { toRows, type RecordRows } from '../../store/rows.js';
import { emptyRows, generateCallData, type TelephonyRows } from '../telephony/index.js';
import type { CallRecordDocument } from '../../graph/model/index.js';
import type { BatchCounts, FromThread, GeneratedBatch, ThreadData, ToThread } from './protocol.js';

const port = parentPort!;
const o = workerData as ThreadData;
let credit = 0;
let wake: (() => void) | undefined;
port.on('message', (m: ToThread) => {
  if (m.type !== 'more') return;
  credit += 1;
  wake?.();
});

const post = (m: FromThread) => port.postMessage(m);

const CLASSIFIED = QUALITY_COLUMNS.indexOf('classified');
const POOR = QUALITY_COLUMNS.indexOf('poor');

/** Counts a record; its classified and poor audio streams are those its rollup counted (one classification). */
function countRecord(doc: CallRecordDocument, rows: RecordRows, c: BatchCounts): void {
  c.records += 1;
  c.sessions += doc.sessions.length;
  for (const s of doc.sessions)
    for (const g of s.segments) for (const m of g.media) c.streams += m.streams.length;
  const all = rows.rollup.cells[0]![2];
  c.audio += all[CLASSIFIED]!;
  c.poor += all[POOR]!;
}

async function run(): Promise<void> {
  const tenantId = o.generate.tenantId;
  let batch: GeneratedBatch = fresh();
  function fresh(): GeneratedBatch {
    return {
      rows: [],
      logs: emptyRows(),
      counts: { records: 0, sessions: 0, streams: 0, audio: 0, poor: 0, logRows: 0 },
    };
  }
  const send = async () => {
    while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
    credit -= 1;
    const l: TelephonyRows = batch.logs;
    batch.counts.logRows =
      l.pstnCalls.length + l.directRoutingCalls.length + l.sms.length + l.blockedUsers.length;
    post({ type: 'batch', batch });
    batch = fresh();
  };
  const { index, count } = o.share;
  const first = o.first ?? o.batch;
  const batchOf = (ordinal: number) => (ordinal < first ? 0 : 1 + Math.floor((ordinal - first) / o.batch));
  // Records seen so far, built or not: the batch of the last item (the logs after the last record) follows them.
  let seen = 0;
  const keep = (ordinal: number) => {
    seen = ordinal + 1;
    return batchOf(ordinal) % count === index;
  };
  for (const { record, logs } of generateCallData(o.generate, { keep })) {
    if (!record && batchOf(seen) % count !== index) break;
    if (o.logs.pstn) batch.logs.pstnCalls.push(...logs.pstnCalls);
    if (o.logs.pstn) batch.logs.blockedUsers.push(...logs.blockedUsers);
    if (o.logs.directRouting) batch.logs.directRoutingCalls.push(...logs.directRoutingCalls);
    if (o.logs.sms) batch.logs.sms.push(...logs.sms);
    if (!record) {
      await send();
      break;
    }
    const rows = toRows(STORED_JSON, tenantId, record);
    batch.rows.push(rows);
    batch.lastStartMs = rows.record.start_ms;
    countRecord(record, rows, batch.counts);
    // The next record is another batch's: this one is complete.
    if (batchOf(seen) !== batchOf(seen - 1)) await send();
  }
  post({ type: 'done' });
}

run().catch((err: unknown) =>
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
);
