// The costly part of an import, on whichever thread runs it: decode, parse, validate and complete each line, and
// turn each record into its store rows (serialized and compressed). Nothing here touches the database, so a batch
// can be prepared on a worker thread while the writer writes the one before.
import { Buffer } from 'node:buffer';
import {
  IngestError,
  logKindOf,
  normalizeCallRecord,
  normalizeLogRow,
  type LogRowKind,
} from '../graph/ingest/normalize.js';
import { STORED_JSON } from '../graph/shape/stored.js';
import { toRows, type RecordRows } from '../store/rows.js';
import type { LineBatch } from './lines.js';

export type LogBatch = Record<LogRowKind, Record<string, unknown>[]>;

export interface LineError {
  line: number;
  message: string;
}

/** A batch ready for the store: what one transaction writes, and what the batch's bad lines were. */
export interface PreparedBatch {
  /** Number of the batch's last line. */
  lastLine: number;
  rows: RecordRows[];
  logs: LogBatch;
  logRows: number;
  /** Every rejected line of the batch, in line order. */
  errors: LineError[];
}

export interface PrepareOptions {
  tenantId: string;
  /** The line limit, for the message of a line over it. */
  maxLineBytes: number;
}

export function prepareBatch(batch: LineBatch, o: PrepareOptions): PreparedBatch {
  const data = Buffer.from(batch.data.buffer, batch.data.byteOffset, batch.data.byteLength);
  const out: PreparedBatch = {
    lastLine: batch.firstLine + batch.ends.length - 1,
    rows: [],
    logs: { pstnCalls: [], directRoutingCalls: [], sms: [], blockedUsers: [] },
    logRows: 0,
    errors: [],
  };
  let start = 0;
  for (let i = 0; i < batch.ends.length; i++) {
    const line = batch.firstLine + i;
    const end = batch.ends[i]!;
    if (end < 0) {
      out.errors.push({ line, message: `line too long (over ${o.maxLineBytes} bytes)` });
      continue;
    }
    const text = data.toString('utf8', start, end);
    start = end;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      out.errors.push({ line, message: 'not valid JSON' });
      continue;
    }
    const kind = logKindOf(value);
    try {
      if (kind) {
        out.logs[kind].push(normalizeLogRow(kind, value));
        out.logRows += 1;
      } else {
        out.rows.push(toRows(STORED_JSON, o.tenantId, normalizeCallRecord(value)));
      }
    } catch (err) {
      if (!(err instanceof IngestError)) throw err;
      out.errors.push({ line, message: `invalid ${kind ?? 'call record'}: ${err.message}` });
    }
  }
  return out;
}
