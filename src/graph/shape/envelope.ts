// Response envelopes built as text: stored entity JSON is spliced in without being parsed again, and collection
// bodies stay a list of parts until they are encoded, once, into the response's bytes.

/** `{"k":v,...}` from pre-serialized values; `undefined` values are skipped. */
export function objectText(pairs: [string, string | undefined][]): string {
  let out = '{';
  for (const [k, v] of pairs) {
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(k) + ':' + v;
  }
  return out + '}';
}

/** Appends pre-serialized properties to an entity's JSON object text. */
export function extendObject(text: string, pairs: [string, string | undefined][]): string {
  const extra = objectText(pairs);
  if (extra === '{}') return text;
  if (text === '{}') return extra;
  return text.slice(0, -1) + ',' + extra.slice(1);
}

export const str = (s: string): string => JSON.stringify(s);

/**
 * A piece of a response body: text, or UTF-8 bytes (stored JSON read as bytes), which are copied into the response
 * as they are, never decoded into a string and encoded back.
 */
export type Chunk = string | Uint8Array;

/** Chunks, or one chunk: an item of a collection or the value of a property. */
export type Chunks = Chunk | readonly Chunk[];

function pushAll<P>(parts: P[], v: P | readonly P[]): void {
  if (Array.isArray(v)) for (const p of v as readonly P[]) parts.push(p);
  else parts.push(v as P);
}

/** The text of a chunk (the paths that rewrite a body: other metadata levels, $select, compression tests). */
export function chunkText(c: Chunk): string {
  return typeof c === 'string' ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('utf8');
}

/** The whole text of a body given as text or chunks. */
export function bodyText(body: string | readonly Chunk[]): string {
  return typeof body === 'string' ? body : body.map(chunkText).join('');
}

/** The members of a JSON object's text without its braces, or undefined for `{}` (stored JSON has no spaces). */
function membersOf(text: Chunk): Chunk | undefined {
  if (text.length <= 2) return undefined;
  return typeof text === 'string' ? text.slice(1, -1) : text.subarray(1, text.length - 1);
}

/**
 * A collection body as the parts to write one after the other: the items (often most of the bytes) are never
 * copied into one big string, only once into the response's bytes (see `responseBytes`). Items may be given as
 * other parts than chunks (a page joined from deflate fragments: src/api/http/deflate-join.ts).
 */
export function collectionText<P = Chunk>(
  context: string,
  items: readonly (P | readonly P[])[],
  nextLink?: string,
  count?: number,
): (P | string)[] {
  const parts: (P | string)[] = ['{"@odata.context":' + str(context)];
  if (count !== undefined) parts.push(',"@odata.count":' + String(count));
  parts.push(',"value":[');
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(',');
    pushAll(parts, items[i]!);
  }
  parts.push(nextLink === undefined ? ']}' : '],"@odata.nextLink":' + str(nextLink) + '}');
  return parts;
}

/**
 * An entity's object as parts: `@odata.context` first when given, then the entity's own properties (`text`, an
 * object's JSON), then the pairs, whose values may be given as parts too (an expanded collection's items), so that
 * nothing big is concatenated. Without a context the first part is `{` alone (see `withContext`).
 */
export function entityParts(
  context: string | undefined,
  text: Chunk,
  pairs: readonly [string, Chunks | undefined][],
): Chunk[] {
  const parts: Chunk[] = [context === undefined ? '{' : '{"@odata.context":' + str(context)];
  let sep = context === undefined ? '' : ',';
  const members = membersOf(text);
  if (members !== undefined) {
    if (sep) parts.push(sep);
    parts.push(members);
    sep = ',';
  }
  for (const [k, v] of pairs) {
    if (v === undefined) continue;
    parts.push(sep + JSON.stringify(k) + ':');
    pushAll(parts, v);
    sep = ',';
  }
  parts.push('}');
  return parts;
}

/** `[item,item,...]` as parts. */
export function arrayParts(items: readonly Chunks[]): Chunk[] {
  const parts: Chunk[] = ['['];
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(',');
    pushAll(parts, items[i]!);
  }
  parts.push(']');
  return parts;
}

/** The UTF-8 bytes of a body given as text or as parts, encoded once into one buffer of the exact size. */
export function responseBytes(body: string | readonly Chunk[]): Buffer {
  if (typeof body === 'string') return Buffer.from(body);
  let size = 0;
  for (const p of body) size += typeof p === 'string' ? Buffer.byteLength(p) : p.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of body) {
    if (typeof p === 'string') at += out.write(p, at);
    else {
      out.set(p, at);
      at += p.length;
    }
  }
  return out;
}

/**
 * An entity body with `@odata.context` as its first property: `entity` is an object's JSON, or the parts of one
 * from `entityParts` without a context.
 */
export function withContext(context: string, entity: Chunk | readonly Chunk[]): Chunk[] {
  if (typeof entity === 'string' || entity instanceof Uint8Array) return entityParts(context, entity, []);
  const head = '{"@odata.context":' + str(context);
  if (entity.length <= 2) return [head + '}'];
  return [head + ',', ...entity.slice(1)];
}
