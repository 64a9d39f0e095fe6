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
 * A collection body as the parts to write one after the other: the items (often most of the bytes) are never
 * copied into one big string, only once into the response's bytes (see `responseBytes`).
 */
export function collectionText(
  context: string,
  items: string[],
  nextLink?: string,
  count?: number,
): string[] {
  const parts = ['{"@odata.context":' + str(context)];
  if (count !== undefined) parts.push(',"@odata.count":' + String(count));
  parts.push(',"value":[');
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(',');
    parts.push(items[i]!);
  }
  parts.push(nextLink === undefined ? ']}' : '],"@odata.nextLink":' + str(nextLink) + '}');
  return parts;
}

/**
 * `withContext(context, extendObject(text, pairs))` as parts: the entity's own properties, then the pairs, whose
 * values may be given as parts too (an expanded collection's items), so that nothing big is concatenated.
 */
export function entityParts(
  context: string,
  text: string,
  pairs: [string, string | readonly string[] | undefined][],
): string[] {
  const parts = ['{"@odata.context":' + str(context)];
  if (text !== '{}') parts.push(',' + text.slice(1, -1));
  for (const [k, v] of pairs) {
    if (v === undefined) continue;
    parts.push(',' + JSON.stringify(k) + ':');
    if (typeof v === 'string') parts.push(v);
    else for (const p of v) parts.push(p);
  }
  parts.push('}');
  return parts;
}

/** `[item,item,...]` as parts. */
export function arrayParts(items: readonly string[]): string[] {
  const parts = ['['];
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(',');
    parts.push(items[i]!);
  }
  parts.push(']');
  return parts;
}

/** The UTF-8 bytes of a body given as text or as parts, encoded once into one buffer of the exact size. */
export function responseBytes(body: string | readonly string[]): Buffer {
  if (typeof body === 'string') return Buffer.from(body);
  let size = 0;
  for (const p of body) size += Buffer.byteLength(p);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of body) at += out.write(p, at);
  return out;
}

/** An entity body with `@odata.context` as its first property. */
export function withContext(context: string, entity: string): string {
  const head = '{"@odata.context":' + str(context);
  return entity === '{}' ? head + '}' : head + ',' + entity.slice(1);
}
