// A whole call-record document from its stored row and decoded parts blob (export, rollups of deleted records).
import type { CallRecordDocument } from '../graph/model/index.js';
import type { RecordParts } from './parts/codec.js';

type Obj = Record<string, unknown>;

export function assembleDocument(
  body: string,
  organizer: string | null,
  parts: RecordParts | undefined,
): CallRecordDocument {
  return {
    ...(JSON.parse(body) as Obj),
    organizer_v2: organizer === null ? null : (JSON.parse(organizer) as Obj),
    participants_v2: (parts?.participants ?? []).map((p) => JSON.parse(p.body) as Obj),
    sessions: (parts?.sessions ?? []).map((s) => ({
      ...(JSON.parse(s.body) as Obj),
      segments: s.segments.map((g) => JSON.parse(g.body) as Obj),
    })),
  } as unknown as CallRecordDocument;
}
