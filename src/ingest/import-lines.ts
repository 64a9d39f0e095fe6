// NDJSON import shared by the CLI and the admin API: call records and telephony log rows, one a line, validated
// against the model and written in transactions of about 500 records (consecutive batches of `batch` lines). A bad
// line is reported and skipped; a good record is written whole or not at all.
//
// As `callrecords generate` writes: threads decode, validate, serialize and compress batches of lines
// (./prepare.ts on ./pool.ts) while this thread reads the input and writes the prepared batches in input order, so
// the outcome is the one a single thread would reach. An input of one batch is prepared here: starting threads
// would cost more than it saves.
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import type { Store } from '../store/index.js';
import { lineBatches, type LineBatch } from './lines.js';
import { PreparePool } from './pool.js';
import { prepareBatch, type LogBatch, type PreparedBatch } from './prepare.js';

export interface ImportSummary {
  lines: number;
  created: number;
  updated: number;
  ignored: number;
  logRows: number;
  rejected: number;
  errors: { line: number; message: string }[];
}

export interface ImportOptions {
  /** Lines per batch prepared at once (200); a transaction writes consecutive batches, about 500 records. */
  batch?: number;
  /** The longest line, in bytes (`importMaxLineBytes`). */
  maxLineBytes?: number;
  /** Threads preparing batches (default: one per core, at most two; 0 prepares on this thread). */
  threads?: number;
  /** Called after each written batch with the number of lines read and written so far. */
  onProgress?: (lines: number) => void;
}

/** The default longest line, in bytes (`importMaxLineBytes`). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** A batch ends early past this many bytes, so a batch of long lines stays small in memory and in its transaction. */
const BATCH_BYTES = 8 * 1024 * 1024;
/** Batches a thread may have queued: one to work on, one waiting, so it never idles while the writer writes. */
const AHEAD = 2;
/**
 * Records and log rows a transaction gathers from consecutive prepared batches before it is written (the
 * generator's batch is 500 records). A commit costs nearly as much for 100 records as for 500 (it writes every page
 * touched), so batches of 200 long lines, kept small for memory, would otherwise pay it three or four times as often.
 */
const WRITE_ROWS = 500;
/** Prepared batches held at most before a write, whatever they hold. */
const MAX_HELD = 16;
/** Errors listed in the summary (all are counted). */
const MAX_ERRORS = 1000;

export async function importLines(
  store: Store,
  tenantId: string,
  input: Readable,
  o: ImportOptions = {},
): Promise<ImportSummary> {
  const maxLineBytes = o.maxLineBytes ?? MAX_LINE_BYTES;
  const s: ImportSummary = {
    lines: 0,
    created: 0,
    updated: 0,
    ignored: 0,
    logRows: 0,
    rejected: 0,
    errors: [],
  };
  // Prepared batches waiting to be written together, and how many records and log rows they hold.
  let held: PreparedBatch[] = [];
  let heldRows = 0;
  const flush = async () => {
    if (held.length === 0) return;
    const batches = held;
    held = [];
    heldRows = 0;
    const rows = batches.length === 1 ? batches[0]!.rows : batches.flatMap((b) => b.rows);
    for (const outcome of await store.upsertRecordRows(tenantId, rows)) s[outcome] += 1;
    const logs = batches.length === 1 ? batches[0]!.logs : mergeLogs(batches.map((b) => b.logs));
    // The store takes the Graph row shapes; normalization has checked every property against them.
    await store.logs.insert(tenantId, logs as unknown as Parameters<Store['logs']['insert']>[1]);
    for (const b of batches) {
      s.lines = b.lastLine;
      s.rejected += b.errors.length;
      for (const e of b.errors) if (s.errors.length < MAX_ERRORS) s.errors.push(e);
      s.logRows += b.logRows;
      o.onProgress?.(s.lines);
    }
  };
  const write = async (b: PreparedBatch) => {
    held.push(b);
    heldRows += b.rows.length + b.logRows;
    // Batches of bad lines only hold nothing to write, but what they hold in memory is bounded too.
    if (heldRows >= WRITE_ROWS || held.length >= MAX_HELD) await flush();
  };
  const prepare = { tenantId, maxLineBytes };
  const batches = lineBatches(input, { maxLineBytes, lines: o.batch ?? 200, bytes: BATCH_BYTES });
  try {
    const first = await batches.next();
    if (first.done) return s;
    const second = await batches.next();
    const threads = o.threads ?? Math.min(2, availableParallelism());
    if (second.done || threads === 0) {
      await write(prepareBatch(first.value, prepare));
      if (!second.done) {
        await write(prepareBatch(second.value, prepare));
        for await (const b of batches) await write(prepareBatch(b, prepare));
      }
      await flush();
      return s;
    }
    const pool = new PreparePool(threads, prepare);
    // Batches out on the threads, in input order; each is taken as soon as it and those before it are.
    const out: Promise<PreparedBatch>[] = [];
    const send = (b: LineBatch) => {
      const p = pool.prepare(b);
      p.catch(() => {}); // a failure surfaces when the batch's turn to be written comes
      out.push(p);
    };
    try {
      send(first.value);
      send(second.value);
      for await (const b of batches) {
        while (out.length >= pool.size * AHEAD) await write(await out.shift()!);
        send(b);
      }
      while (out.length > 0) await write(await out.shift()!);
      await flush();
    } finally {
      await pool.close();
    }
  } finally {
    // On a failure, stops reading the input (and releases it).
    await batches.return(undefined);
  }
  return s;
}

/** The log rows of consecutive batches, in order. */
function mergeLogs(list: LogBatch[]): LogBatch {
  const out: LogBatch = { pstnCalls: [], directRoutingCalls: [], sms: [], blockedUsers: [] };
  for (const logs of list) for (const k of Object.keys(out) as (keyof LogBatch)[]) out[k].push(...logs[k]);
  return out;
}
