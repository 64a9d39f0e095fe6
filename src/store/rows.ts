// Turns a call record document into table rows: the JSON bodies are serialized once here, at write time, so
// reads can splice them into responses without parsing. Sessions, segments and participants go into one
// compressed blob per record (./parts/codec.ts).
import type { CallRecordDocument } from '../graph/model/index.js';
import { listFragments } from './list-deflate.js';
import { encodeParts, type RecordParts } from './parts/codec.js';
import { recordRollup, type RecordRollup } from './rollups.js';
import type { CallRecordPartsTable, CallRecordsTable, ParticipantIndexTable } from './schema.js';
import type { StoredJson } from './types.js';

export interface RecordRows {
  record: CallRecordsTable;
  parts: CallRecordPartsTable;
  participantIndex: ParticipantIndexTable[];
  /** What the record adds to the dashboard's rollups (computed here, where the document is at hand). */
  rollup: RecordRollup;
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

/** The serialized bodies of a record's sessions, segments and participants, before encoding. */
export function toParts(doc: CallRecordDocument): RecordParts {
  return {
    sessions: doc.sessions.map((s) => ({
      id: s.id,
      body: JSON.stringify(withoutKeys(s, 'segments')),
      segments: s.segments.map((g) => ({ id: g.id, body: JSON.stringify(g) })),
    })),
    participants: doc.participants_v2.map((p) => ({ id: p.id, body: JSON.stringify(p) })),
  };
}

function rowsWith(json: StoredJson, tenantId: string, doc: CallRecordDocument, data: Buffer): RecordRows {
  const startMs = parseInstant(doc.startDateTime, 'startDateTime');
  const body = JSON.stringify(withoutKeys(doc, NAVIGATION));
  const organizer = doc.organizer_v2 ? JSON.stringify(doc.organizer_v2) : null;
  const record: CallRecordsTable = {
    tenant_id: tenantId,
    id: doc.id,
    start_ms: startMs,
    end_ms: parseInstant(doc.endDateTime, 'endDateTime'),
    last_modified_ms: parseInstant(doc.lastModifiedDateTime, 'lastModifiedDateTime'),
    version: doc.version,
    body,
    organizer,
    session_count: doc.sessions.length,
    participant_count: doc.participants_v2.length,
    opt_in_mark: json.optInMark(body, organizer),
    list_deflate: listFragments(body, organizer),
  };
  const participantIndex = doc.participants_v2.map((p) => ({
    tenant_id: tenantId,
    participant_id: p.id,
    start_ms: startMs,
    record_id: doc.id,
  }));
  return {
    record,
    parts: { tenant_id: tenantId, record_id: doc.id, start_ms: startMs, data },
    participantIndex,
    rollup: recordRollup(doc),
  };
}

/** The rows of one document. */
export function toRows(json: StoredJson, tenantId: string, doc: CallRecordDocument): RecordRows {
  return rowsWith(
    json,
    tenantId,
    doc,
    encodeParts(toParts(doc), (...t) => json.optInMark(...t)),
  );
}
