// What differs between the two databases behind the one Kysely store, as capabilities: sqlite.ts and postgres.ts
// implement them, everything else calls them and never asks which database it is on.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export interface DatabaseHealth {
  backend: 'sqlite' | 'postgres';
  ok: boolean;
  latencyMs: number;
  /** Why the database did not answer (no credentials or addresses). */
  error?: string;
}

export interface StoreDialect {
  readonly name: 'sqlite' | 'postgres';
  /** The column type of binary data in migrations. */
  readonly blobType: 'blob' | 'bytea';
  /** Call-record tables are partitioned by month of start time (PostgreSQL). */
  readonly partitioned: boolean;
  /**
   * Keeps other writers of these records waiting until the transaction ends, so that reading their versions and
   * then writing is safe. SQLite has one writer at a time (BEGIN IMMEDIATE): nothing to do.
   */
  lockRecords(trx: Transaction<Database>, tenantId: string, ids: readonly string[]): Promise<void>;
  /** Makes sure rows starting at these times have a partition to go to (created in their own transaction). */
  ensurePartitions(startMs: readonly number[]): Promise<void>;
  /** Forgets which partitions exist (after another instance dropped one). */
  forgetPartitions(): void;
  /** Whether an error says a row had no partition to go to. */
  isMissingPartition(err: unknown): boolean;
  /** Drops the partitions that hold only records started before `beforeMs`; returns how many records went. */
  dropPartitionsBefore(beforeMs: number): Promise<number>;
  /** Creates the partitions of the coming months ahead of their first record. */
  upkeep(nowMs: number): Promise<void>;
  /** One round trip to the database. */
  health(): Promise<DatabaseHealth>;
  /** Bytes the database takes: pages in use (SQLite, its WAL included), or the database's size (PostgreSQL). */
  sizeBytes(): Promise<number>;
}

/** A database URL (postgres:// or postgresql://) rather than a SQLite file. */
export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db);

/** The database without its credentials, for logs and messages. */
export function describeDatabase(db: string): string {
  if (!isPostgresUrl(db)) return db;
  try {
    const u = new URL(db);
    return `postgres://${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** Kysely<Database> seen by migrations, which know only their own tables. */
export type AnyDb = Kysely<unknown>;
