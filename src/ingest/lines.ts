// NDJSON lines from a byte stream, with a length limit applied while reading: a line is dropped as soon as it
// passes the limit, so a huge line costs at most the limit in memory, never its own size.
import type { Readable } from 'node:stream';

/** Stands for a line that was longer than the limit (its bytes were skipped). */
export const LINE_TOO_LONG = Symbol('line too long');

export async function* ndjsonLines(
  input: Readable,
  maxBytes: number,
): AsyncGenerator<string | typeof LINE_TOO_LONG> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  const line = (): string | typeof LINE_TOO_LONG => {
    const out = skipping ? LINE_TOO_LONG : Buffer.concat(parts, size).toString('utf8').replace(/\r$/, '');
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
