// Messages between the bulk generation thread (thread.ts) and the writer (index.ts).
import type { RecordRows } from '../../store/rows.js';
import type { GenerateOptions } from '../options.js';
import type { TelephonyRows } from '../telephony/index.js';

export interface BatchOptions {
  generate: GenerateOptions;
  /** Records per batch. */
  batch: number;
  /** Records in the first batch (default `batch`): a smaller one is written, and can be served, sooner. */
  first?: number;
  /**
   * The other threads start when the reader asks for the batch after the first, so that their start-up (each
   * builds the tenant and calibrates the generator first) shares the cores neither with the thread making the first
   * batch nor with what the reader does before it asks for more: the first batch comes sooner, the whole later.
   */
  firstAlone?: boolean;
  /** Log kinds to keep (the others are dropped in the thread). */
  logs: { pstn: boolean; directRouting: boolean; sms: boolean };
  /** Generation threads (default: one per core, at most two; see index.ts). */
  threads?: number;
}

/** What one thread is given: the options, and its share of the batches (batch b is built by thread b % count). */
export interface ThreadData extends BatchOptions {
  share: { index: number; count: number };
}

export interface BatchCounts {
  records: number;
  sessions: number;
  /** Media streams of every kind. */
  streams: number;
  /** Classified main-audio streams, and how many of them are poor (CQD). */
  audio: number;
  poor: number;
  logRows: number;
}

export interface GeneratedBatch {
  rows: RecordRows[];
  logs: TelephonyRows;
  counts: BatchCounts;
  /** startDateTime of the batch's last record, epoch ms (records come in start order); undefined if none. */
  lastStartMs?: number;
}

export type FromThread =
  { type: 'batch'; batch: GeneratedBatch } | { type: 'done' } | { type: 'error'; message: string };

/** The writer grants the thread one more batch. */
export type ToThread = { type: 'more' };
