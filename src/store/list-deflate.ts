// A call record as a list page serves it, kept compressed at write time (call_records.list_deflate, migration 013),
// so that a gzip or deflate list page is joined from stored pieces instead of compressed per request
// (src/api/http/deflate-join.ts, docs/performance.md#response-compression).
//
// A list item is `{` + the body's members + `,"organizer_v2@odata.context":"…"` (which names the request's host)
// + `,"organizer_v2":` + the organizer + `}`. The two stored pieces are the bytes the page copies unchanged: the
// body's members (the body without its braces) and the organizer's text. Each is a raw-deflate *fragment*: its
// own stream, ended by a sync flush, so that it is not final and ends on a byte boundary; such streams
// concatenated (with stored blocks between them for the text of the request) decode as one.
//
// The column holds: a format byte (1), then per piece, body first: its uncompressed length, CRC-32 and Adler-32 of
// the uncompressed bytes, the compressed length (four little-endian u32 each) and the compressed bytes. A record
// without an organizer has an empty second piece (lengths 0).
import * as zlib from 'node:zlib';

const FORMAT = 1;
const PIECE_HEADER = 16;

/**
 * Level 6: the pieces are compressed once, at write time, and level 6 makes them a few percent smaller than level 1
 * for about the same CPU on a record's 2 KB (docs/performance.md).
 */
const LEVEL = 6;

/** A stored piece: the compressed bytes and what a joined stream needs of its uncompressed bytes. */
export interface DeflateFragment {
  /** Uncompressed length in bytes. */
  readonly length: number;
  readonly crc32: number;
  readonly adler32: number;
  /** Raw deflate, not final, ending byte-aligned (sync flush). */
  readonly data: Uint8Array;
}

export interface ListFragments {
  /** The body without its braces. */
  members: DeflateFragment;
  /** The organizer_v2 entity's text; undefined when the record has none. */
  organizer: DeflateFragment | undefined;
}

// CRC-32 (the gzip one). zlib.crc32 exists from Node 20.15 on; older releases of Node 20 take the table.
const CRC_TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c;
}

function crc32Table(bytes: Uint8Array, crc: number): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** The CRC-32 of `bytes`, continuing from `crc` (the CRC-32 of the bytes before them; 0 for none). */
export const crc32: (bytes: Uint8Array, crc?: number) => number = nativeCrc32
  ? (bytes, crc = 0) => nativeCrc32(bytes, crc)
  : (bytes, crc = 0) => crc32Table(bytes, crc);

/** The table implementation, whatever Node provides (tests compare the two). */
export const crc32Portable = (bytes: Uint8Array, crc = 0): number => crc32Table(bytes, crc);

const ADLER_BASE = 65521;
/** Bytes summed between two reductions: the sums stay below 2^48, exact in a double. */
const ADLER_RUN = 1 << 20;

/** The Adler-32 of `bytes` (zlib's checksum), continuing from `adler` (1 for none). */
export function adler32(bytes: Uint8Array, adler = 1): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  for (let i = 0; i < bytes.length;) {
    const end = Math.min(bytes.length, i + ADLER_RUN);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= ADLER_BASE;
    b %= ADLER_BASE;
  }
  return ((b << 16) | a) >>> 0;
}

function fragment(bytes: Buffer): { head: Buffer; data: Buffer } {
  const data = zlib.deflateRawSync(bytes, { level: LEVEL, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const head = Buffer.allocUnsafe(PIECE_HEADER);
  head.writeUInt32LE(bytes.length, 0);
  head.writeUInt32LE(crc32(bytes), 4);
  head.writeUInt32LE(adler32(bytes), 8);
  head.writeUInt32LE(data.length, 12);
  return { head, data };
}

/** The column's value for a record's stored body and organizer (as rows.ts serializes them). */
export function listFragments(body: string, organizer: string | null): Buffer {
  const members = fragment(Buffer.from(body.slice(1, -1)));
  const parts: Buffer[] = [Buffer.of(FORMAT), members.head, members.data];
  if (organizer === null) parts.push(Buffer.alloc(PIECE_HEADER));
  else {
    const o = fragment(Buffer.from(organizer));
    parts.push(o.head, o.data);
  }
  return Buffer.concat(parts);
}

function pieceAt(view: Uint8Array, at: number): { piece: DeflateFragment; end: number } {
  const dv = new DataView(view.buffer, view.byteOffset, view.byteLength);
  const length = dv.getUint32(at, true);
  const size = dv.getUint32(at + 12, true);
  const start = at + PIECE_HEADER;
  if (start + size > view.length) throw new Error('list_deflate: truncated piece');
  return {
    piece: {
      length,
      crc32: dv.getUint32(at + 4, true),
      adler32: dv.getUint32(at + 8, true),
      data: view.subarray(start, start + size),
    },
    end: start + size,
  };
}

/** The pieces of a column value; undefined for a format this code does not know (the row is served from text). */
export function readListFragments(value: Uint8Array): ListFragments | undefined {
  if (value.length < 1 + 2 * PIECE_HEADER || value[0] !== FORMAT) return undefined;
  const members = pieceAt(value, 1);
  const organizer = pieceAt(value, members.end);
  return {
    members: members.piece,
    organizer: organizer.piece.length === 0 ? undefined : organizer.piece,
  };
}
