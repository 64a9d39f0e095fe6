// Response compression as Graph serves it: gzip (or deflate, or br) when the request's Accept-Encoding asks for
// it, for bodies of at least MIN_BYTES; `Vary: Accept-Encoding` on every answer that could have been compressed.
// Inner responses of a JSON batch are parts of the batch's body: only the batch's own response is compressed.
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { batchParentOf } from '../graph/batch-context.js';
import {
  joinDeflated,
  joinedLength,
  plainBytes,
  type DeflatedBody,
  type JoinCoding,
} from './deflate-join.js';

export type ContentCoding = 'gzip' | 'deflate' | 'br';

/** Below this size the coding's header and CPU cost more than the bytes saved. */
export const MIN_BYTES = 1024;

/** Ties in quality go to the coding Graph itself answers with, then to the cheaper of the others. */
const PREFERENCE: readonly ContentCoding[] = ['gzip', 'br', 'deflate'];

/**
 * The coding to answer a request's Accept-Encoding with, or undefined for none. Qualities are honoured (`q=0`
 * refuses a coding; `*` stands for the codings not named); identity is always acceptable here, so an
 * Accept-Encoding that refuses everything gets the body as it is.
 */
export function chooseCoding(header: string | undefined): ContentCoding | undefined {
  if (!header) return undefined;
  const cached = chosen.get(header);
  if (cached !== undefined || chosen.has(header)) return cached;
  const q = new Map<string, number>();
  for (const item of header.split(',')) {
    const [name = '', ...params] = item.split(';');
    const coding = name.trim().toLowerCase();
    if (!coding) continue;
    let quality = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) quality = Number(m[1]);
    }
    if (Number.isFinite(quality)) q.set(coding, quality);
  }
  let best: ContentCoding | undefined;
  let bestQ = 0;
  for (const coding of PREFERENCE) {
    const quality = q.get(coding) ?? (coding === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0;
    if (quality > bestQ) {
      best = coding;
      bestQ = quality;
    }
  }
  // Clients send a handful of distinct headers: remember them (bounded) instead of parsing each request's.
  if (chosen.size > 256) chosen.clear();
  chosen.set(header, best);
  return best;
}
const chosen = new Map<string, ContentCoding | undefined>();

/** Level 1 / quality 1: the fastest setting; a list page still shrinks about tenfold. */
export function encode(bytes: Buffer, coding: ContentCoding): Buffer {
  switch (coding) {
    case 'gzip':
      return gzipSync(bytes, { level: 1 });
    case 'deflate':
      return deflateSync(bytes, { level: 1 });
    case 'br':
      return brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 1,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      });
  }
}

/**
 * The coding to answer with, after `Vary` is set, or undefined to send the body as it is: never inside a batch (the
 * batch's own answer is compressed), never below MIN_BYTES. Sets Content-Encoding when it returns a coding.
 */
function negotiate(request: FastifyRequest, reply: FastifyReply, length: number): ContentCoding | undefined {
  if (batchParentOf(request.raw)) return undefined;
  void reply.header('vary', 'Accept-Encoding');
  if (length < MIN_BYTES) return undefined;
  const coding = chooseCoding(request.headers['accept-encoding']);
  if (coding) void reply.header('content-encoding', coding);
  return coding;
}

/** The body to send for this request: compressed, with its Content-Encoding, when asked for and worth it. */
export function compressedBody(request: FastifyRequest, reply: FastifyReply, bytes: Buffer): Buffer {
  const coding = negotiate(request, reply, bytes.length);
  return coding ? encode(bytes, coding) : bytes;
}

/** Constant bodies (the $metadata documents) are compressed once per coding. */
const constants_ = new WeakMap<Buffer, Map<ContentCoding, Buffer>>();

/** compressedBody for a body that never changes: its compressed forms are kept. */
export function compressedConstant(request: FastifyRequest, reply: FastifyReply, bytes: Buffer): Buffer {
  const coding = negotiate(request, reply, bytes.length);
  if (!coding) return bytes;
  let forms = constants_.get(bytes);
  if (!forms) constants_.set(bytes, (forms = new Map<ContentCoding, Buffer>()));
  let out = forms.get(coding);
  if (!out) forms.set(coding, (out = encode(bytes, coding)));
  return out;
}

/**
 * The coding of a body that may be joined from stored deflate fragments (deflate-join.ts): gzip or deflate when
 * that is what compressedBody would choose, outside a batch. Brotli has no such joining (each brotli stream opens
 * with its window header and ends with a last meta-block, so separately made streams do not join): a br answer
 * is compressed whole.
 */
export function joinableCoding(request: FastifyRequest): JoinCoding | undefined {
  if (batchParentOf(request.raw)) return undefined;
  const coding = chooseCoding(request.headers['accept-encoding']);
  return coding === 'gzip' || coding === 'deflate' ? coding : undefined;
}

/**
 * compressedBody for a body given as pieces to join: the same coding, threshold and Vary. Such a body is built only
 * when joinableCoding chose gzip or deflate, so negotiate chooses the same one again (br, were it
 * chosen, compresses the whole).
 */
export function compressedJoined(request: FastifyRequest, reply: FastifyReply, body: DeflatedBody): Buffer {
  const coding = negotiate(request, reply, joinedLength(body));
  if (!coding) return plainBytes(body);
  return coding === 'br' ? encode(plainBytes(body), coding) : joinDeflated(body, coding);
}
