// Table types for Kysely. Every key starts with the tenant id; times are epoch milliseconds; bodies are the
// canonical Graph JSON of the entity's own properties (organizer_v2 has a column of its own; sessions, segments
// and participants share one blob per record, ./parts/codec.ts).
import type { DashboardTables } from './dashboard-schema.js';
import type { NotifyTables } from './notifications/schema.js';

export interface TenantsTable {
  id: string;
  display_name: string;
  created_ms: number;
}

export interface JobLeasesTable {
  name: string;
  holder: string;
  until_ms: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface CallRecordsTable {
  tenant_id: string;
  id: string;
  start_ms: number;
  end_ms: number;
  last_modified_ms: number;
  version: number;
  /** callRecord properties (no navigation). */
  body: string;
  /** organizer_v2 entity, or null. */
  organizer: string | null;
  session_count: number;
  participant_count: number;
  /** optInMark of body and organizer at write time (migration 007); null: not known to be free of them. */
  opt_in_mark: string | null;
  /** The record as a list item, as raw-deflate fragments (migration 013, ./list-deflate.ts); null before it. */
  list_deflate: Buffer | null;
}

/**
 * A record's sessions (with their segments) and participants_v2, as one blob (migration 006): the codec byte, then
 * the framed JSON bodies described in ./parts/codec.ts. One row instead of one per entity keeps a record's write
 * to a few rows and its size about a twelfth of its JSON.
 */
export interface CallRecordPartsTable {
  tenant_id: string;
  record_id: string;
  /** The record's start (migration 008): PostgreSQL partitions the blobs by month with their records. */
  start_ms: number;
  data: Buffer;
}

/** Drives `participants_v2/any(p:p/id eq '…')` through an index instead of scanning records. */
export interface ParticipantIndexTable {
  tenant_id: string;
  participant_id: string;
  start_ms: number;
  record_id: string;
}

export interface AppsTable {
  tenant_id: string;
  /** The client id. */
  app_id: string;
  /** The service principal's object id (the token's oid and sub). */
  object_id: string;
  display_name: string;
  /** JSON array of granted app roles. */
  roles: string;
  created_ms: number;
}

export interface AppSecretsTable {
  tenant_id: string;
  app_id: string;
  key_id: string;
  /** The first three characters, as Entra shows them. */
  hint: string;
  salt: string;
  hash: string;
  created_ms: number;
  expires_ms: number;
}

export interface AppCertificatesTable {
  tenant_id: string;
  app_id: string;
  key_id: string;
  /** base64url SHA-1 of the DER certificate (the assertion's x5t). */
  thumbprint: string;
  /** base64url SHA-256 of the DER certificate (x5t#S256). */
  thumbprint_sha256: string;
  /** SPKI PEM of the certificate's public key. */
  public_key: string;
  not_after_ms: number;
  created_ms: number;
}

export interface SigningKeysTable {
  kid: string;
  public_jwk: string;
  /** PKCS#8 private key, encrypted with the store's key-encryption key. */
  private_key: string;
  created_ms: number;
  /** When the key stopped signing; it stays published until its tokens have expired. */
  retired_ms: number | null;
}

/**
 * One table per telephony log (migration 003). `id` is the row's unique key within the tenant (the row id for PSTN
 * and Direct Routing calls, the SMS's row id, the remediation id of a block action); `time_ms` is the time the
 * functions range over (call start, SMS sent, block or unblock) and with `id` the stable page order; `body` is the
 * row's canonical beta-shape JSON (the superset of the v1.0 shape).
 */
export interface LogTable {
  tenant_id: string;
  id: string;
  time_ms: number;
  body: string;
}

/**
 * PSTN calls also keep the columns the dial-out report groups and sums: the four grouping columns hold '' for a
 * missing value (so keyset comparisons never meet NULL), money is in millionths (sums are exact in SQL).
 */
export interface PstnCallsTable extends LogTable {
  call_type: string;
  user_id: string;
  usage_country_code: string;
  destination_context: string;
  currency: string;
  user_principal_name: string | null;
  user_display_name: string | null;
  duration_s: number;
  charge_micros: number;
  connection_charge_micros: number;
}

/** Simulated call records waiting for their arrival time (migration 004); body is the whole CallRecordDocument. */
export interface PendingRecordsTable {
  tenant_id: string;
  id: string;
  version: number;
  due_ms: number;
  created_ms: number;
  body: string;
}

/** The mirror's status per mirrored tenant (migration 011); status is JSON (src/store/mirror-store.ts). */
export interface MirrorStateTable {
  tenant_id: string;
  upstream: string;
  updated_ms: number;
  status: string;
}

/** A window of the mirror's backfill: `kind` is 'records' or a telephony log; done_ms null until copied. */
export interface MirrorWindowsTable {
  tenant_id: string;
  kind: string;
  start_ms: number;
  end_ms: number;
  done_ms: number | null;
}

/** A record the mirror has listed upstream at a version it does not have yet. */
export interface MirrorQueueTable {
  tenant_id: string;
  id: string;
  version: number;
  start_ms: number;
  attempts: number;
}

/** A tenant's own retention in days (null: unlimited). */
export interface TenantRetentionTable {
  tenant_id: string;
  days: number | null;
}

export interface Database extends NotifyTables, DashboardTables {
  mirror_state: MirrorStateTable;
  mirror_windows: MirrorWindowsTable;
  mirror_queue: MirrorQueueTable;
  tenant_retention: TenantRetentionTable;
  apps: AppsTable;
  app_secrets: AppSecretsTable;
  app_certificates: AppCertificatesTable;
  signing_keys: SigningKeysTable;
  tenants: TenantsTable;
  settings: SettingsTable;
  job_leases: JobLeasesTable;
  call_records: CallRecordsTable;
  call_record_parts: CallRecordPartsTable;
  participant_index: ParticipantIndexTable;
  pstn_calls: PstnCallsTable;
  direct_routing_calls: LogTable;
  sms_logs: LogTable;
  pstn_blocked_users: LogTable;
  pending_records: PendingRecordsTable;
}
