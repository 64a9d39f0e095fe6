// The store's domain interface. API handlers and the generator talk to this, never to SQL.
import type { ListFragments } from './list-deflate.js';
import type { RecordRows } from './rows.js';
import type { CallRecordDocument } from '../graph/model/index.js';
import type { DashboardStore } from './dashboard-store.js';
import type { DatabaseHealth } from './dialect.js';
import type { DocumentStore } from './document-store.js';
import type { IdentityStore } from './identity-store.js';
import type { JobLeases } from './job-leases.js';
import type { LogKind, LogStore } from './log-store.js';
import type { MirrorStore } from './mirror-store.js';
import type { PendingStore } from './pending-store.js';
import type { NotificationQueue } from './notifications/queue.js';
import type { SubscriptionStore } from './notifications/subscriptions.js';

/** Conditions of a call record list query, produced from a validated $filter. */
export interface RecordQuery {
  /** Lower and upper bounds on startDateTime (epoch ms). */
  startAfter?: { ms: number; inclusive: boolean };
  startBefore?: { ms: number; inclusive: boolean };
  /** participants_v2/any(p:p/id eq '…') */
  participantId?: string;
}

export interface RecordKey {
  startMs: number;
  id: string;
}

export interface RecordRow {
  id: string;
  startMs: number;
  body: string;
  organizer: string | null;
  /** Neither body nor organizer holds an opt-in enum member (checked at write time: StoredJson). */
  optInFree: boolean;
}

/** A listed record for a page served gzip or deflate (Store.listCallRecordsDeflated). */
export interface DeflatedRecordRow {
  id: string;
  startMs: number;
  /** The record as a list item, compressed at write time; undefined for rows written before (migration 013). */
  fragments: ListFragments | undefined;
  /** The record's text, read only when the fragments may not serve it as it is stored (or are absent). */
  text: RecordRow | undefined;
}

/**
 * An entity's stored JSON as the read path serves it: UTF-8 bytes (copied into the response as they are) or, where
 * the database hands out text, a string.
 */
export type StoredText = string | Buffer;

export interface ChildRow {
  ordinal: number;
  id: string;
  body: StoredText;
  /** The record's bodies were found free of opt-in enum members when written (reads skip the scan). */
  optInFree?: boolean;
}

export interface SessionRow extends ChildRow {
  segments?: ChildRow[];
}

/**
 * What the store must know of Graph JSON to write it once and serve it as is. The store is given it when opened
 * (graph/shape/stored.ts has the one implementation), so the store imports nothing of Graph's shaping.
 */
export interface StoredJson {
  /** The mark kept with bodies: `freeMark` when none holds an opt-in enum member, else null. */
  optInMark(...texts: (string | null)[]): string | null;
  /** The mark of bodies free of opt-in members today; bodies kept with another mark are scanned on read. */
  readonly freeMark: string;
  /** A telephony log row's stored text: the beta shape, which v1.0's is cut from. */
  logRowText(kind: LogKind, row: object): string;
}

export interface PageRequest {
  /** Rows to return; the store fetches one more to know whether a next page exists. */
  limit: number;
}

export type UpsertOutcome = 'created' | 'updated' | 'ignored';

export interface TenantInfo {
  id: string;
  displayName: string;
  createdMs: number;
}

export interface Store {
  /** App registrations, credentials and signing keys. */
  readonly identity: IdentityStore;
  /** Whole call-record documents: export, delete, retention purge. */
  readonly documents: DocumentStore;
  /** The telephony logs (PSTN, Direct Routing, SMS, blocked users) read by the log functions. */
  readonly logs: LogStore;
  /** Simulated call records waiting for their arrival time. */
  readonly pending: PendingStore;
  /** Change-notification subscriptions, their lifecycle and the log of webhook attempts. */
  readonly subscriptions: SubscriptionStore;
  /** The outbox written with each record version, and the per-subscription delivery queue. */
  readonly notifications: NotificationQueue;
  /** The mirror's work queue, checkpoints and status, and per-tenant retention. */
  readonly mirror: MirrorStore;
  /** The dashboard's aggregates and call summaries, kept at write time. */
  readonly dashboard: DashboardStore;
  /** Leases of the jobs that run on one instance at a time. */
  readonly leases: JobLeases;
  /** Which database holds the data. */
  readonly backend: 'sqlite' | 'postgres';
  /** Applies pending migrations. */
  migrate(): Promise<void>;
  /** Whether the database answers, and how fast (/healthz). */
  health(): Promise<DatabaseHealth>;
  /** Bytes the database takes (SQLite: pages in use; PostgreSQL: the database's size). */
  sizeBytes(): Promise<number>;
  close(): Promise<void>;

  getSetting(key: string): Promise<string | undefined>;
  setSettingIfAbsent(key: string, value: string): Promise<string>;
  setSetting(key: string, value: string): Promise<void>;
  /**
   * Writes `value` only if the setting still holds `expected` (undefined: absent), in one statement, so that
   * several instances changing one setting never lose an update. False when it held something else.
   */
  compareAndSetSetting(key: string, expected: string | undefined, value: string): Promise<boolean>;

  createTenant(t: TenantInfo): Promise<void>;
  getTenant(id: string): Promise<TenantInfo | undefined>;
  listTenants(): Promise<TenantInfo[]>;
  deleteTenant(id: string): Promise<boolean>;

  /** Records with startMs >= minStartMs matching the query, ordered by (startDateTime, id), after `after`. */
  listCallRecords(
    tenantId: string,
    q: RecordQuery & { minStartMs: number; after?: RecordKey; limit: number },
  ): Promise<RecordRow[]>;
  /**
   * listCallRecords for a page that will be served gzip or deflate in the default shape: each record's stored
   * fragments, and its text only where they may not serve it (so the database hands out fewer bytes).
   */
  listCallRecordsDeflated(
    tenantId: string,
    q: RecordQuery & { minStartMs: number; after?: RecordKey; limit: number },
  ): Promise<DeflatedRecordRow[]>;
  countCallRecords(tenantId: string, q: RecordQuery & { minStartMs: number }): Promise<number>;
  getCallRecord(tenantId: string, id: string, minStartMs: number): Promise<RecordRow | undefined>;

  listSessions(
    tenantId: string,
    recordId: string,
    o: { afterOrdinal?: number; limit: number; withSegments: boolean },
  ): Promise<SessionRow[]>;
  getSession(
    tenantId: string,
    recordId: string,
    sessionId: string,
    withSegments: boolean,
  ): Promise<SessionRow | undefined>;
  countSessions(tenantId: string, recordId: string): Promise<number>;
  listSegments(tenantId: string, recordId: string, sessionOrdinal: number): Promise<ChildRow[]>;
  getSegment(
    tenantId: string,
    recordId: string,
    sessionOrdinal: number,
    segmentId: string,
  ): Promise<ChildRow | undefined>;

  listParticipants(
    tenantId: string,
    recordId: string,
    o: { afterOrdinal?: number; limit: number },
  ): Promise<ChildRow[]>;
  getParticipant(tenantId: string, recordId: string, participantId: string): Promise<ChildRow | undefined>;
  countParticipants(tenantId: string, recordId: string): Promise<number>;

  /** Stores records in one transaction; a record with a version not above the stored one is ignored. */
  upsertCallRecords(tenantId: string, docs: Iterable<CallRecordDocument>): Promise<UpsertOutcome[]>;
  /**
   * upsertCallRecords for rows already built by toRows (src/store/rows.ts), in one transaction: the bulk
   * generator serializes and compresses on another thread and hands the rows over.
   */
  upsertRecordRows(tenantId: string, rows: RecordRows[]): Promise<UpsertOutcome[]>;
  countAllCallRecords(tenantId: string): Promise<number>;
}
