// Turns a call record document into table rows: the JSON bodies are serialized once here, at write time, so
// reads can splice them into responses without parsing.
import type { CallRecordDocument } from '../graph/model/index.js';
import type {
  CallParticipantsTable,
  CallRecordsTable,
  CallSegmentsTable,
  CallSessionsTable,
  ParticipantIndexTable,
} from './schema.js';

export interface RecordRows {
  record: CallRecordsTable;
  sessions: CallSessionsTable[];
  segments: CallSegmentsTable[];
  participants: CallParticipantsTable[];
  participantIndex: ParticipantIndexTable[];
}

const NAVIGATION = new Set(['sessions', 'participants_v2', 'organizer_v2']);

function withoutKeys(obj: object, skip: Set<string> | string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof skip === 'string' ? k === skip : skip.has(k)) continue;
    out[k] = v;
  }
  return out;
}

export function parseInstant(value: string, what: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`${what} is not a valid DateTimeOffset: ${value}`);
  return ms;
}

export function toRows(tenantId: string, doc: CallRecordDocument): RecordRows {
  const startMs = parseInstant(doc.startDateTime, 'startDateTime');
  const record: CallRecordsTable = {
    tenant_id: tenantId,
    id: doc.id,
    start_ms: startMs,
    end_ms: parseInstant(doc.endDateTime, 'endDateTime'),
    last_modified_ms: parseInstant(doc.lastModifiedDateTime, 'lastModifiedDateTime'),
    version: doc.version,
    body: JSON.stringify(withoutKeys(doc, NAVIGATION)),
    organizer: doc.organizer_v2 ? JSON.stringify(doc.organizer_v2) : null,
    session_count: doc.sessions.length,
    participant_count: doc.participants_v2.length,
  };
  const sessions: CallSessionsTable[] = [];
  const segments: CallSegmentsTable[] = [];
  doc.sessions.forEach((s, i) => {
    sessions.push({
      tenant_id: tenantId,
      record_id: doc.id,
      ordinal: i,
      id: s.id,
      body: JSON.stringify(withoutKeys(s, 'segments')),
      segment_count: s.segments.length,
    });
    s.segments.forEach((g, j) => {
      segments.push({
        tenant_id: tenantId,
        record_id: doc.id,
        session_ordinal: i,
        ordinal: j,
        id: g.id,
        body: JSON.stringify(g),
      });
    });
  });
  const participants = doc.participants_v2.map((p, i) => ({
    tenant_id: tenantId,
    record_id: doc.id,
    ordinal: i,
    id: p.id,
    body: JSON.stringify(p),
  }));
  const participantIndex = participants.map((p) => ({
    tenant_id: tenantId,
    participant_id: p.id,
    start_ms: startMs,
    record_id: doc.id,
  }));
  return { record, sessions, segments, participants, participantIndex };
}
