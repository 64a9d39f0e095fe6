// Table types for Kysely. Every key starts with the tenant id; times are epoch milliseconds; bodies are the
// canonical Graph JSON of the entity's own properties (navigation properties are rows of their own).

export interface TenantsTable {
  id: string;
  display_name: string;
  created_ms: number;
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
}

export interface CallSessionsTable {
  tenant_id: string;
  record_id: string;
  ordinal: number;
  id: string;
  /** session properties (no segments). */
  body: string;
  segment_count: number;
}

export interface CallSegmentsTable {
  tenant_id: string;
  record_id: string;
  session_ordinal: number;
  ordinal: number;
  id: string;
  body: string;
}

export interface CallParticipantsTable {
  tenant_id: string;
  record_id: string;
  ordinal: number;
  id: string;
  body: string;
}

/** Drives `participants_v2/any(p:p/id eq '…')` through an index instead of scanning records. */
export interface ParticipantIndexTable {
  tenant_id: string;
  participant_id: string;
  start_ms: number;
  record_id: string;
}

export interface Database {
  tenants: TenantsTable;
  settings: SettingsTable;
  call_records: CallRecordsTable;
  call_sessions: CallSessionsTable;
  call_segments: CallSegmentsTable;
  call_participants: CallParticipantsTable;
  participant_index: ParticipantIndexTable;
}
