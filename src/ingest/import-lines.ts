// NDJSON import shared by the CLI and the admin API: call records and telephony log rows, one a line, validated
// against the model and written in transactions of `batch` lines. A bad line is reported and skipped; a good
// record is written whole or not at all.
import type { CallRecordDocument } from '../graph/model/index.js';
import {
  IngestError,
  logKindOf,
  normalizeCallRecord,
  normalizeLogRow,
  type LogRowKind,
} from '../graph/ingest/normalize.js';
import type { Readable } from 'node:stream';
import type { Store } from '../store/index.js';
import { LINE_TOO_LONG, ndjsonLines } from './lines.js';

export interface ImportSummary {
  lines: number;
  created: number;
  updated: number;
  ignored: number;
  logRows: number;
  rejected: number;
  errors: { line: number; message: string }[];
}

/** The default longest line, in bytes (`importMaxLineBytes`). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
type LogBatch = Record<LogRowKind, Record<string, unknown>[]>;
const emptyLogs = (): LogBatch => ({ pstnCalls: [], directRoutingCalls: [], sms: [], blockedUsers: [] });

export async function importLines(
  store: Store,
  tenantId: string,
  input: Readable,
  o: { batch?: number; maxLineBytes?: number; onProgress?: (lines: number) => void } = {},
): Promise<ImportSummary> {
  const size = o.batch ?? 200;
  const s: ImportSummary = {
    lines: 0,
    created: 0,
    updated: 0,
    ignored: 0,
    logRows: 0,
    rejected: 0,
    errors: [],
  };
  let records: CallRecordDocument[] = [];
  let logs = emptyLogs();
  let pending = 0;
  const flush = async () => {
    for (const outcome of await store.upsertCallRecords(tenantId, records)) s[outcome] += 1;
    // The store takes the Graph row shapes; normalization has checked every property against them.
    await store.logs.insert(tenantId, logs as unknown as Parameters<Store['logs']['insert']>[1]);
    s.logRows += Object.values(logs).reduce((n, l) => n + l.length, 0);
    records = [];
    logs = emptyLogs();
    pending = 0;
    o.onProgress?.(s.lines);
  };
  const reject = (line: number, message: string) => {
    s.rejected += 1;
    if (s.errors.length < 1000) s.errors.push({ line, message });
  };
  const maxLineBytes = o.maxLineBytes ?? MAX_LINE_BYTES;
  for await (const text of ndjsonLines(input, maxLineBytes)) {
    s.lines += 1;
    if (text === LINE_TOO_LONG) {
      reject(s.lines, `line too long (over ${maxLineBytes} bytes)`);
      continue;
    }
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      reject(s.lines, 'not valid JSON');
      continue;
    }
    try {
      const kind = logKindOf(value);
      if (kind) logs[kind].push(normalizeLogRow(kind, value));
      else records.push(normalizeCallRecord(value));
      pending += 1;
    } catch (err) {
      if (!(err instanceof IngestError)) throw err;
      reject(s.lines, `invalid ${logKindOf(value) ?? 'call record'}: ${err.message}`);
      continue;
    }
    if (pending >= size) await flush();
  }
  await flush();
  return s;
}
