// Demo mode: on an empty database, create the demo tenant and fill it with the deterministic demo dataset: the
// call records and the telephony logs that agree with them, written together in batches, in start order.
import { existsSync } from 'node:fs';
import { DEMO_TENANT_ID, type Config } from '../config/index.js';
import { generateBatches, type BatchOptions, type GeneratedBatch } from '../generate/worker/index.js';
import { isPostgresUrl } from '../store/dialect.js';
import type { Store } from '../store/index.js';
import type { SeedGate } from './gate.js';

export interface SeedOptions {
  seed: number;
  users: number;
  days: number;
  now: number;
  onProgress?: (records: number) => void;
  /** Moved past each batch written, and opened at the end (reads wait on it meanwhile: ./gate.ts). */
  gate?: SeedGate;
  /** Called once the first batch is written: the first days can be served. */
  onFirstBatch?: () => void;
  /** Records in the first batch (default FIRST_BATCH). */
  first?: number;
  /**
   * Awaited once the first batch is written: the rest is written after it resolves, so that a seeding started
   * beside the server's start-up does not hold that start-up back (the threads generate ahead meanwhile).
   */
  rest?: Promise<void>;
  /** Checked between batches: true stops the seeding (the server is closing). */
  stopped?: () => boolean;
  /** The batches, when their generation was started already (startDemoBatches, with the same options). */
  batches?: AsyncIterable<GeneratedBatch>;
}

/** The demo dataset's generation, started before the store is open (startDemoBatches). */
export interface DemoBatches {
  /** The end of the dataset's days: the time it was started at. */
  now: number;
  batches: AsyncIterable<GeneratedBatch>;
  /** Stops the threads (the database was not empty after all). */
  cancel(): Promise<void>;
}

const BATCH = 500;
/**
 * The first batch, which the server waits for before it serves: a full first page of the list (60 records, as on
 * Graph) and the records after it that settle its next link, with room for records starting at the same time.
 */
export const FIRST_BATCH = 100;

/** Creates the demo tenant when it does not exist; true when it was created (and so is to be seeded). */
export async function createDemoTenant(store: Store, now: number): Promise<boolean> {
  if (await store.getTenant(DEMO_TENANT_ID)) return false;
  await store.createTenant({ id: DEMO_TENANT_ID, displayName: 'Contoso (demo)', createdMs: now });
  return true;
}

function batchOptions(o: Pick<SeedOptions, 'seed' | 'users' | 'days' | 'now' | 'first'>): BatchOptions {
  return {
    generate: {
      tenantId: DEMO_TENANT_ID,
      seed: o.seed,
      users: o.users,
      days: o.days,
      until: new Date(o.now),
    },
    batch: BATCH,
    first: o.first ?? FIRST_BATCH,
    firstAlone: true,
    logs: { pstn: true, directRouting: true, sms: true },
  };
}

/**
 * Starts generating the demo dataset now when the database is certainly empty (a SQLite file that does not exist
 * yet, or one in memory), so that the generation thread starts while the server's modules load; otherwise
 * undefined (the server finds out once the store is open).
 */
export function startDemoBatches(config: Config): DemoBatches | undefined {
  if (!config.demo || isPostgresUrl(config.db) || (config.db !== ':memory:' && existsSync(config.db)))
    return undefined;
  // A new database has no saved virtual clock: its time is real time.
  const now = Date.now();
  const it = generateBatches(
    batchOptions({ seed: config.demoSeed, users: config.demoUsers, days: config.demoDays, now }),
  );
  // Asking for the first batch starts the thread; a failure is the reader's to see.
  const first = it.next();
  first.catch(() => undefined);
  async function* batches(): AsyncGenerator<GeneratedBatch> {
    try {
      for (let r = await first; !r.done; r = await it.next()) yield r.value;
    } finally {
      await it.return(undefined);
    }
  }
  return {
    now,
    batches: batches(),
    cancel: async () => {
      await first.catch(() => undefined);
      await it.return(undefined);
    },
  };
}

/** Writes the demo dataset into the (new) demo tenant; returns the number of records written. */
export async function seedDemoRecords(store: Store, o: SeedOptions): Promise<number> {
  let written = 0;
  let firstWritten = false;
  // Worker threads generate, serialize and compress; this thread writes and stays free to answer requests.
  for await (const batch of o.batches ?? generateBatches(batchOptions(o))) {
    await store.upsertRecordRows(DEMO_TENANT_ID, batch.rows);
    await store.logs.insert(DEMO_TENANT_ID, batch.logs);
    written += batch.counts.records;
    if (batch.lastStartMs !== undefined) o.gate?.advance(batch.lastStartMs);
    o.onProgress?.(written);
    if (!firstWritten) {
      firstWritten = true;
      o.onFirstBatch?.();
      await o.rest;
    }
    if (o.stopped?.()) return written;
  }
  o.gate?.open();
  return written;
}

/** Returns the number of records written, or 0 when the demo tenant already existed. */
export async function seedDemoTenant(store: Store, o: SeedOptions): Promise<number> {
  if (!(await createDemoTenant(store, o.now))) return 0;
  return seedDemoRecords(store, o);
}
