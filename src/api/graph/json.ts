// Builds response bodies as text: stored entity JSON is spliced in without being parsed again.

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

export function collectionText(context: string, items: string[], nextLink?: string, count?: number): string {
  return objectText([
    ['@odata.context', str(context)],
    ['@odata.count', count === undefined ? undefined : String(count)],
    ['value', '[' + items.join(',') + ']'],
    ['@odata.nextLink', nextLink === undefined ? undefined : str(nextLink)],
  ]);
}

/** An entity body with `@odata.context` as its first property. */
export function withContext(context: string, entity: string): string {
  const head = '{"@odata.context":' + str(context);
  return entity === '{}' ? head + '}' : head + ',' + entity.slice(1);
}
