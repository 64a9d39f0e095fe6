// Reads of a record's sessions, segments and participants: one blob per record (./codec.ts), read with one prepared
// query, inflated once and sliced into the ChildRow/SessionRow shapes the Store interface returns.
import type { Kysely } from 'kysely';
import type { PreparedQueries } from '../prepared.js';
import type { Database } from '../schema.js';
import type { ChildRow, SessionRow } from '../types.js';
import { decodeRawParts, type RawParts } from './codec.js';

/** Decoded parts, and whether their bodies were all free of opt-in enum members when written. */
type Parts = RawParts & { optInFree: boolean };

export class PartsReader {
  readonly #db: Kysely<Database>;
  readonly #prepared: PreparedQueries<Database>;
  readonly #freeMark: string;

  constructor(db: Kysely<Database>, prepared: PreparedQueries<Database>, freeMark: string) {
    this.#db = db;
    this.#prepared = prepared;
    this.#freeMark = freeMark;
  }

  /** The decoded sessions, segments and participants of one record (one row read, one inflate). */
  async #decoded(tenantId: string, recordId: string): Promise<Parts | undefined> {
    const [row] = await this.#prepared.rows('parts', [tenantId, recordId], (arg) =>
      this.#db
        .selectFrom('call_record_parts')
        .select('data')
        .where('tenant_id', '=', arg(0))
        .where('record_id', '=', arg(1)),
    );
    if (!row) return undefined;
    const parts = decodeRawParts(row.data);
    return { ...parts, optInFree: parts.optInMark === this.#freeMark };
  }

  async listSessions(
    tenantId: string,
    recordId: string,
    o: { afterOrdinal?: number; limit: number; withSegments: boolean },
  ): Promise<SessionRow[]> {
    const parts = await this.#decoded(tenantId, recordId);
    if (!parts) return [];
    const from = o.afterOrdinal === undefined ? 0 : o.afterOrdinal + 1;
    return parts.sessions
      .slice(from, from + o.limit)
      .map((s, i) => sessionRow(s, from + i, o.withSegments, parts.optInFree));
  }

  async getSession(
    tenantId: string,
    recordId: string,
    sessionId: string,
    withSegments: boolean,
  ): Promise<SessionRow | undefined> {
    const parts = await this.#decoded(tenantId, recordId);
    const ordinal = parts?.sessions.findIndex((s) => s.id === sessionId) ?? -1;
    return ordinal < 0
      ? undefined
      : sessionRow(parts!.sessions[ordinal]!, ordinal, withSegments, parts!.optInFree);
  }

  async listSegments(tenantId: string, recordId: string, sessionOrdinal: number): Promise<ChildRow[]> {
    const parts = await this.#decoded(tenantId, recordId);
    return (parts?.sessions[sessionOrdinal]?.segments ?? []).map((g, i) => ({
      ordinal: i,
      id: g.id,
      body: g.body,
    }));
  }

  async getSegment(
    tenantId: string,
    recordId: string,
    sessionOrdinal: number,
    segmentId: string,
  ): Promise<ChildRow | undefined> {
    const segments = await this.listSegments(tenantId, recordId, sessionOrdinal);
    return segments.find((g) => g.id === segmentId);
  }

  async listParticipants(
    tenantId: string,
    recordId: string,
    o: { afterOrdinal?: number; limit: number },
  ): Promise<ChildRow[]> {
    const parts = await this.#decoded(tenantId, recordId);
    if (!parts) return [];
    const from = o.afterOrdinal === undefined ? 0 : o.afterOrdinal + 1;
    return parts.participants
      .slice(from, from + o.limit)
      .map((p, i) => ({ ordinal: from + i, id: p.id, body: p.body, optInFree: parts.optInFree }));
  }

  async getParticipant(
    tenantId: string,
    recordId: string,
    participantId: string,
  ): Promise<ChildRow | undefined> {
    const parts = await this.#decoded(tenantId, recordId);
    const ordinal = parts?.participants.findIndex((p) => p.id === participantId) ?? -1;
    if (ordinal < 0) return undefined;
    const p = parts!.participants[ordinal]!;
    return { ordinal, id: p.id, body: p.body, optInFree: parts!.optInFree };
  }
}

function sessionRow(
  s: RawParts['sessions'][number],
  ordinal: number,
  withSegments: boolean,
  optInFree: boolean,
): SessionRow {
  const row: SessionRow = { ordinal, id: s.id, body: s.body, optInFree };
  if (withSegments)
    row.segments = s.segments.map((g, i) => ({ ordinal: i, id: g.id, body: g.body, optInFree }));
  return row;
}
