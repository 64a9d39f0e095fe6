// The stored form of a call record's sessions, segments and participants: one blob per record instead of a row
// per entity, so a read is one row and one inflate (docs/performance.md, docs/design.md). The blob is one byte
// naming its codec, then the payload:
//
//   codec 0: the text below, as UTF-8
//   codec 1: the text below, deflate-raw compressed against the frozen dictionary of ./dictionary-v1.ts
//
// The text is a JSON header, a newline, then every body concatenated: each session's own properties (no segments)
// followed by its segments, session after session, then the participants. The header names each entity and the
// length of its body in UTF-16 code units, so a decoded body is a slice of one string, never a parse:
//
//   [[[sessionId, length, [[segmentId, length], ...]], ...], [[participantId, length], ...], optInMark]
//
// (optInMark: StoredJson's mark of every body; blobs written before it have no third element and are scanned.)
//
// Bodies are the canonical Graph JSON serialized at write time (nulls included), so reads splice them as before.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { StoredJson } from '../types.js';
import { PARTS_DICTIONARY_V1 } from './dictionary-v1.js';

export interface PartsEntity {
  id: string;
  body: string;
}

export interface PartsSession extends PartsEntity {
  segments: PartsEntity[];
}

export interface RecordParts {
  sessions: PartsSession[];
  participants: PartsEntity[];
}

/** Decoded parts also carry the writer's opt-in mark of every body (null: none, or written before marks). */
export interface DecodedParts extends RecordParts {
  optInMark: string | null;
}

/** The third element, optional (blobs written before it have two), is the optInMark of all the bodies. */
type Header = [[string, number, [string, number][]][], [string, number][], (string | null)?];

export const CODEC_TEXT = 0;
export const CODEC_DEFLATE_V1 = 1;

const DICTIONARY_V1 = Buffer.from(PARTS_DICTIONARY_V1, 'utf8');
/** Level 3: against the dictionary it compresses about as well as level 9 at the speed of level 1. */
const DEFLATE_OPTIONS = { level: 3, dictionary: DICTIONARY_V1 };

function partsText(parts: RecordParts, optInMark: StoredJson['optInMark']): string {
  const bodies: string[] = [];
  const header: Header = [
    parts.sessions.map((s) => {
      bodies.push(s.body);
      return [
        s.id,
        s.body.length,
        s.segments.map((g) => {
          bodies.push(g.body);
          return [g.id, g.body.length];
        }),
      ];
    }),
    parts.participants.map((p) => {
      bodies.push(p.body);
      return [p.id, p.body.length];
    }),
  ];
  header.push(optInMark(...bodies));
  return `${JSON.stringify(header)}\n${bodies.join('')}`;
}

/** The blob: one codec byte, then the payload. */
function frame(codec: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(payload.length + 1);
  out[0] = codec;
  payload.copy(out, 1);
  return out;
}

export function encodeParts(
  parts: RecordParts,
  optInMark: StoredJson['optInMark'],
  codec: typeof CODEC_TEXT | typeof CODEC_DEFLATE_V1 = CODEC_DEFLATE_V1,
): Buffer {
  const text = Buffer.from(partsText(parts, optInMark), 'utf8');
  return frame(codec, codec === CODEC_TEXT ? text : deflateRawSync(text, DEFLATE_OPTIONS));
}

export function decodeParts(blob: Uint8Array): DecodedParts {
  const buf = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const codec = buf[0];
  let text: string;
  if (codec === CODEC_TEXT) text = buf.toString('utf8', 1);
  else if (codec === CODEC_DEFLATE_V1)
    text = inflateRawSync(buf.subarray(1), { dictionary: DICTIONARY_V1 }).toString('utf8');
  else throw new Error(`unknown call record parts codec ${String(codec)}`);
  const newline = text.indexOf('\n');
  const [sessions, participants, mark] = JSON.parse(text.slice(0, newline)) as Header;
  let at = newline + 1;
  const take = (length: number): string => {
    const body = text.slice(at, at + length);
    at += length;
    return body;
  };
  return {
    sessions: sessions.map(([id, length, segments]) => ({
      id,
      body: take(length),
      segments: segments.map(([segmentId, segmentLength]) => ({ id: segmentId, body: take(segmentLength) })),
    })),
    participants: participants.map(([id, length]) => ({ id, body: take(length) })),
    optInMark: mark ?? null,
  };
}
