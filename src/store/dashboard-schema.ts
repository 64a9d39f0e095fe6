// Table types of the dashboard's aggregates (migration 010; src/store/rollups.ts keeps them). Counts are summed
// with a sign: a record's contribution is added when it is written and subtracted when it is replaced or deleted.

/** The counters of one (tenant, UTC day, dimension, value). */
export const QUALITY_COLUMNS = [
  'calls',
  'sessions',
  'duration_s',
  'audio_streams',
  'classified',
  'poor',
  'poor_degradation',
  'poor_round_trip',
  'poor_packet_loss',
  'poor_jitter',
  'poor_concealed',
  'setup_failed',
  'dropped',
] as const;
export type QualityColumn = (typeof QUALITY_COLUMNS)[number];

export const TELEPHONY_COLUMNS = ['calls', 'seconds', 'charge_micros', 'successes'] as const;
export type TelephonyColumn = (typeof TELEPHONY_COLUMNS)[number];

export type QualityRollupsTable = {
  tenant_id: string;
  /** UTC midnight of the records' startDateTime. */
  day_ms: number;
  /** 'all' (key ''), 'type', 'modality', 'networkType', 'platform', 'subnet', 'direction', 'pair'. */
  dim: string;
  key: string;
} & Record<QualityColumn, number>;

export type TelephonyRollupsTable = {
  tenant_id: string;
  day_ms: number;
  /** 'pstn.country', 'pstn.user', 'pstn.callType', 'dr.trunk', 'dr.sip', 'sms.type', 'blocked.mode'. */
  dim: string;
  key: string;
  /** '' where no money is counted. */
  currency: string;
} & Record<TelephonyColumn, number>;

/** One row per call record: what the call explorer filters and lists without opening records. */
export interface CallSummariesTable {
  tenant_id: string;
  record_id: string;
  start_ms: number;
  end_ms: number;
  type: string;
  /** The record's modalities between commas (",audio,video,"), so that one LIKE finds one. */
  modalities: string;
  /** The organizer's display name, or ''. */
  organizer: string;
  participants: number;
  sessions: number;
  audio_streams: number;
  poor_streams: number;
  /** Segments that failed (setup or midcall). */
  failures: number;
  /** The first threshold a poor audio stream broke ("jitter 45 ms > 30 ms"), or ''. */
  worst: string;
}

export interface DashboardTables {
  quality_rollups: QualityRollupsTable;
  telephony_rollups: TelephonyRollupsTable;
  dashboard_calls: CallSummariesTable;
}
