// A gzip or zlib (`deflate`) body joined from pieces instead of compressed whole: raw-deflate fragments kept at
// write time (src/store/list-deflate.ts) are copied as they are, the text of the request between them goes in
// stored blocks (or, when long, is deflated here), and the checksum of the whole is combined from the pieces'.
// The decoder sees one deflate stream: every piece ends on a byte boundary and none is final; an empty final
// stored block closes it.
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { adler32, crc32, type DeflateFragment } from '../../store/list-deflate.js';

/** A piece of a body: text, UTF-8 bytes, or a stored fragment. */
export type JoinPart = string | Uint8Array | DeflateFragment;

/** A response body given as pieces to join (only ever for a gzip or deflate answer: see compression.ts). */
export class DeflatedBody {
  constructor(readonly parts: readonly JoinPart[]) {}
}

export type JoinCoding = 'gzip' | 'deflate';

const isFragment = (p: JoinPart): p is DeflateFragment => typeof p !== 'string' && !(p instanceof Uint8Array);

/**
 * Runs of text at least this long are deflated (level 1, as whole bodies are) rather than stored: records served
 * from text (written before the fragments, or rewritten by the shaper) are such runs.
 */
const DEFLATE_RUN = 1024;
const STORED_MAX = 65535;

/** ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=unix (RFC 1952). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
/** CMF=deflate, 32 KiB window; FLG: fastest level, no dictionary, check bits (RFC 1950). */
const ZLIB_HEADER = Buffer.from([0x78, 0x01]);
/** BFINAL=1, BTYPE=stored, LEN=0, NLEN=0xffff: ends the stream. */
const FINAL_BLOCK = Buffer.from([1, 0, 0, 0xff, 0xff]);

// CRC-32 of a concatenation from its parts' CRCs (zlib's crc32_combine: multiplication modulo the polynomial).
const POLY = 0xedb88320;

function multmodp(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^n) modulo the polynomial, for n = 0..31. */
const X2N = new Uint32Array(32);
{
  let p = 0x40000000; // x^1
  X2N[0] = p;
  for (let n = 1; n < 32; n++) X2N[n] = p = multmodp(p, p);
}

/** x^(n·2^k) modulo the polynomial. */
function x2nmodp(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n) {
    if (n & 1) p = multmodp(X2N[k & 31]!, p);
    n >>>= 1;
    k++;
  }
  return p;
}

/**
 * x^(8·length) modulo the polynomial: the operator that shifts a CRC past `length` bytes. Computing it is most of a
 * combine's cost, and a page's pieces repeat a few thousand lengths (records, the same-length context texts), so
 * the operators are kept (bounded).
 */
const shifts = new Map<number, number>();
function shiftOf(length: number): number {
  let op = shifts.get(length);
  if (op === undefined) {
    if (shifts.size >= 65536) shifts.clear();
    shifts.set(length, (op = x2nmodp(length, 3)));
  }
  return op;
}

/** The CRC-32 of A followed by B, from CRC-32(A), CRC-32(B) and B's length in bytes (below 2^32). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multmodp(shiftOf(lengthB), crcA) ^ crcB) >>> 0;
}

const ADLER_BASE = 65521;

/** The Adler-32 of A followed by B, from Adler-32(A), Adler-32(B) and B's length (zlib's adler32_combine). */
export function adler32Combine(adlerA: number, adlerB: number, lengthB: number): number {
  const rem = lengthB % ADLER_BASE;
  let sum1 = adlerA & 0xffff;
  let sum2 = (rem * sum1) % ADLER_BASE;
  sum1 += (adlerB & 0xffff) + ADLER_BASE - 1;
  sum2 += (adlerA >>> 16) + (adlerB >>> 16) + ADLER_BASE - rem;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum2 >= ADLER_BASE * 2) sum2 -= ADLER_BASE * 2;
  if (sum2 >= ADLER_BASE) sum2 -= ADLER_BASE;
  return ((sum2 << 16) | sum1) >>> 0;
}

/** Text and bytes as one buffer (strings in a row are joined first, so that short text is encoded once). */
function runBytes(run: readonly (string | Uint8Array)[]): Buffer {
  if (run.length === 1 && typeof run[0] === 'string') return Buffer.from(run[0]);
  const out: Uint8Array[] = [];
  let text = '';
  for (const p of run) {
    if (typeof p === 'string') text += p;
    else {
      if (text) out.push(Buffer.from(text));
      text = '';
      out.push(p);
    }
  }
  if (text) out.push(Buffer.from(text));
  return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
}

/** Bytes as stored (uncompressed) deflate blocks, starting and ending on a byte boundary. */
function storedBlocks(bytes: Buffer, out: Uint8Array[]): void {
  for (let at = 0; at < bytes.length; at += STORED_MAX) {
    const n = Math.min(STORED_MAX, bytes.length - at);
    out.push(Buffer.from([0, n & 0xff, n >>> 8, ~n & 0xff, (~n >>> 8) & 0xff]), bytes.subarray(at, at + n));
  }
}

/** The uncompressed size of a body given as pieces. */
export function joinedLength(body: DeflatedBody): number {
  let n = 0;
  for (const p of body.parts) {
    n += typeof p === 'string' ? Buffer.byteLength(p) : p.length;
  }
  return n;
}

/** The body uncompressed (answers below the compression threshold, or a client that took no deflate coding). */
export function plainBytes(body: DeflatedBody): Buffer {
  return runBytes(
    body.parts.map((p) =>
      isFragment(p) ? inflateRawSync(p.data, { finishFlush: constants.Z_SYNC_FLUSH }) : p,
    ),
  );
}

/** The body as a complete gzip member or zlib stream. */
export function joinDeflated(body: DeflatedBody, coding: JoinCoding): Buffer {
  const gzip = coding === 'gzip';
  const out: Uint8Array[] = [gzip ? GZIP_HEADER : ZLIB_HEADER];
  let check = gzip ? 0 : 1;
  let total = 0;
  let run: (string | Uint8Array)[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const bytes = runBytes(run);
    run = [];
    check = gzip ? crc32(bytes, check) : adler32(bytes, check);
    total += bytes.length;
    if (bytes.length >= DEFLATE_RUN) {
      out.push(deflateRawSync(bytes, { level: 1, finishFlush: constants.Z_SYNC_FLUSH }));
    } else storedBlocks(bytes, out);
  };
  for (const p of body.parts) {
    if (!isFragment(p)) {
      run.push(p);
      continue;
    }
    flush();
    check = gzip ? crc32Combine(check, p.crc32, p.length) : adler32Combine(check, p.adler32, p.length);
    total += p.length;
    out.push(p.data);
  }
  flush();
  out.push(FINAL_BLOCK);
  const trailer = Buffer.allocUnsafe(gzip ? 8 : 4);
  if (gzip) {
    trailer.writeUInt32LE(check, 0);
    trailer.writeUInt32LE(total >>> 0, 4);
  } else trailer.writeUInt32BE(check, 0);
  out.push(trailer);
  return Buffer.concat(out);
}
