// NDJSON lines from a byte stream, with a length limit applied while reading: a line is dropped as soon as it
// passes the limit, so a huge line costs at most the limit in memory, never its own size. Lines stay bytes here:
// decoding and parsing them is the work the import hands to its threads (./pool.ts).
import { Buffer } from 'node:buffer';
import type { Readable } from 'node:stream';

/** Stands for a line that was longer than the limit (its bytes were skipped). */
export const LINE_TOO_LONG = Symbol('line too long');

/** Lines of bytes, without their line feed or a carriage return before it. */
export async function* ndjsonLines(
  input: Readable,
  maxBytes: number,
): AsyncGenerator<Buffer | typeof LINE_TOO_LONG> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  const line = (): Buffer | typeof LINE_TOO_LONG => {
    let out: Buffer | typeof LINE_TOO_LONG = LINE_TOO_LONG;
    if (!skipping) {
      // A line inside one chunk is a view of it, not a copy.
      const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
      out = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;
    }
    parts = [];
    size = 0;
    skipping = false;
    return out;
  };
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let from = 0;
    while (from <= bytes.length) {
      const nl = bytes.indexOf(0x0a, from);
      const end = nl < 0 ? bytes.length : nl;
      if (!skipping && end > from) {
        size += end - from;
        if (size > maxBytes) {
          skipping = true;
          parts = [];
        } else {
          parts.push(bytes.subarray(from, end));
        }
      }
      if (nl < 0) break;
      yield line();
      from = nl + 1;
    }
  }
  if (size > 0 || skipping) yield line();
}

/** Consecutive lines of the input, their bytes in one buffer: the unit handed to a thread and written at once. */
export interface LineBatch {
  /** Number of the first line (1-based). */
  firstLine: number;
  /** The lines' bytes, one after another (a buffer of its own, so it can be moved to another thread). */
  data: Uint8Array;
  /** Where each line ends in `data`; -1 for a line over the limit (it has no bytes). */
  ends: number[];
}

/**
 * Groups the lines into batches of at most `lines` lines and about `bytes` bytes (one line may pass that, up to
 * the line limit), so the memory held per batch is bounded whatever the input.
 */
export async function* lineBatches(
  input: Readable,
  o: { maxLineBytes: number; lines: number; bytes: number },
): AsyncGenerator<LineBatch> {
  let parts: Buffer[] = [];
  let ends: number[] = [];
  let size = 0;
  let next = 1;
  const take = (): LineBatch => {
    // Every byte is written below: no zero-filling first (a copy of the whole input passes through here).
    const data: Uint8Array = Buffer.allocUnsafeSlow(size);
    let at = 0;
    for (const p of parts) {
      data.set(p, at);
      at += p.length;
    }
    const batch = { firstLine: next, data, ends };
    next += ends.length;
    parts = [];
    ends = [];
    size = 0;
    return batch;
  };
  for await (const line of ndjsonLines(input, o.maxLineBytes)) {
    if (line === LINE_TOO_LONG) ends.push(-1);
    else {
      parts.push(line);
      size += line.length;
      ends.push(size);
    }
    if (ends.length >= o.lines || size >= o.bytes) yield take();
  }
  if (ends.length > 0) yield take();
}
