// The stored form of a call record's sessions, segments and participants: one blob per record instead of a row
// per entity, so a read is one row and one inflate (docs/performance.md, docs/design.md). The blob is one byte
// naming its codec, then the payload:
//
//   codec 0: the text below, as UTF-8
//   codec 1: the text below, deflate-raw compressed against the frozen dictionary of ./dictionary-v1.ts
//   codec 2: as codec 1, with lengths in UTF-8 bytes (written since migration 012's release)
//
// The text is a JSON header, a newline, then every body concatenated: each session's own properties (no segments)
// followed by its segments, session after session, then the participants. The header names each entity and the
// length of its body (codecs 0 and 1: in UTF-16 code units; codec 2: in bytes), so a decoded body is a slice of
// one string, never a parse; with codec 2 it is a slice of the inflated bytes, which a response copies as they
// are, never decoded into a string and encoded back:
//
//   [[[sessionId, length, [[segmentId, length], ...]], ...], [[participantId, length], ...], optInMark]
//
// (optInMark: StoredJson's mark of every body; blobs written before it have no third element and are scanned.)
//
// Bodies are the canonical Graph JSON serialized at write time (nulls included), so reads splice them as before.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { StoredJson } from '../types.js';
import { PARTS_DICTIONARY_V1 } from './dictionary-v1.js';

export interface PartsEntity<B = string> {
  id: string;
  body: B;
}

export interface PartsSession<B = string> extends PartsEntity<B> {
  segments: PartsEntity<B>[];
}

export interface RecordParts<B = string> {
  sessions: PartsSession<B>[];
  participants: PartsEntity<B>[];
}

/** Parts whose bodies are UTF-8 bytes (codec 2) or, from blobs written before it, strings. */
export type RawParts = RecordParts<string | Buffer> & { optInMark: string | null };

/** Decoded parts also carry the writer's opt-in mark of every body (null: none, or written before marks). */
export interface DecodedParts extends RecordParts {
  optInMark: string | null;
}

/** The third element, optional (blobs written before it have two), is the optInMark of all the bodies. */
type Header = [[string, number, [string, number][]][], [string, number][], (string | null)?];

export const CODEC_TEXT = 0;
export const CODEC_DEFLATE_V1 = 1;
export const CODEC_DEFLATE_V2 = 2;
type Codec = typeof CODEC_TEXT | typeof CODEC_DEFLATE_V1 | typeof CODEC_DEFLATE_V2;

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

/** Where codec 2 bodies are encoded, reused from record to record (it grows to the largest record's bodies). */
let scratch = Buffer.allocUnsafe(256 * 1024);

/**
 * Codec 2's text as UTF-8 bytes. Each body is encoded once, straight into a reused buffer, and the write's byte
 * count is its length: measuring each body's UTF-8 length apart and then encoding the whole text cost twice that.
 */
function partsBytes(parts: RecordParts, optInMark: StoredJson['optInMark']): Buffer {
  const bodies: string[] = [];
  let at = 0;
  const put = (body: string): number => {
    bodies.push(body);
    // A UTF-16 code unit takes at most three bytes in UTF-8.
    if (scratch.length - at < body.length * 3) {
      const larger = Buffer.allocUnsafe(Math.max(scratch.length * 2, at + body.length * 3));
      scratch.copy(larger, 0, 0, at);
      scratch = larger;
    }
    const n = scratch.write(body, at, 'utf8');
    at += n;
    return n;
  };
  const header: Header = [
    parts.sessions.map((s) => [
      s.id,
      put(s.body),
      s.segments.map((g): [string, number] => [g.id, put(g.body)]),
    ]),
    parts.participants.map((p) => [p.id, put(p.body)]),
  ];
  header.push(optInMark(...bodies));
  const head = `${JSON.stringify(header)}\n`;
  const headBytes = Buffer.byteLength(head);
  const text = Buffer.allocUnsafe(headBytes + at);
  text.write(head, 0, 'utf8');
  scratch.copy(text, headBytes, 0, at);
  return text;
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
  codec: Codec = CODEC_DEFLATE_V2,
): Buffer {
  const text =
    codec === CODEC_DEFLATE_V2
      ? partsBytes(parts, optInMark)
      : Buffer.from(partsText(parts, optInMark), 'utf8');
  return frame(codec, codec === CODEC_TEXT ? text : deflateRawSync(text, DEFLATE_OPTIONS));
}

/** Bodies as strings, from a blob of any codec (export, rollups, the dashboard). */
export function decodeParts(blob: Uint8Array): DecodedParts {
  const raw = decodeRawParts(blob);
  const text = (b: string | Buffer) => (typeof b === 'string' ? b : b.toString('utf8'));
  return {
    sessions: raw.sessions.map((s) => ({
      id: s.id,
      body: text(s.body),
      segments: s.segments.map((g) => ({ id: g.id, body: text(g.body) })),
    })),
    participants: raw.participants.map((p) => ({ id: p.id, body: text(p.body) })),
    optInMark: raw.optInMark,
  };
}

/**
 * Bodies as the read path serves them: slices of the inflated bytes (codec 2; nothing decoded), or strings from
 * blobs written before codec 2.
 */
export function decodeRawParts(blob: Uint8Array): RawParts {
  const buf = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const codec = buf[0];
  if (codec === CODEC_DEFLATE_V2) {
    const bytes = inflateRawSync(buf.subarray(1), { dictionary: DICTIONARY_V1 });
    const newline = bytes.indexOf(10);
    return split(JSON.parse(bytes.toString('utf8', 0, newline)) as Header, newline + 1, (at, end) =>
      bytes.subarray(at, end),
    );
  }
  let text: string;
  if (codec === CODEC_TEXT) text = buf.toString('utf8', 1);
  else if (codec === CODEC_DEFLATE_V1)
    text = inflateRawSync(buf.subarray(1), { dictionary: DICTIONARY_V1 }).toString('utf8');
  else throw new Error(`unknown call record parts codec ${String(codec)}`);
  const newline = text.indexOf('\n');
  return split(JSON.parse(text.slice(0, newline)) as Header, newline + 1, (at, end) => text.slice(at, end));
}

/** The entities of a header, their bodies cut one after the other from `from` on. */
function split<B>(
  [sessions, participants, mark]: Header,
  from: number,
  cut: (at: number, end: number) => B,
): RecordParts<B> & { optInMark: string | null } {
  let at = from;
  const take = (length: number): B => {
    const body = cut(at, at + length);
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
