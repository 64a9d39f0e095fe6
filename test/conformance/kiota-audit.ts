// Audits what the Kiota-generated Graph SDK made of a response: walks the JSON body (typed by the official
// OpenAPI, `@odata.type` included) beside the object the SDK's deserializers built from it, and reports
// - a property that landed in `additionalData` on a closed type (the SDK's model does not know it: on Graph that
//   never happens, so a client would lose it),
// - a declared property with a non-null value that the SDK did not deserialize (for example an enum member the
//   SDK does not know, which Kiota silently drops).
// OData control information (`@odata.context`, `sessions@odata.nextLink`, ...) is not a property: Kiota keeps the
// annotations it has no field for in `additionalData` on every type, exactly as it does with Graph's responses.
// Open types (identity sets and identities, feedbackTokenSet, beta participants) may carry dynamic properties;
// those are listed, not reported.
import { loadModel } from '../helpers/openapi.js';
import type { GraphVersion } from '../helpers/openapi.js';
import { typeRef } from './routes.js';

export interface Audit {
  /** `path (type): names` of properties that landed in additionalData on a closed type. */
  closedExtras: string[];
  /** Declared properties with a value that the SDK did not deserialize. */
  dropped: string[];
  /** Dynamic properties seen on open types, by type. */
  openExtras: Map<string, Set<string>>;
  /** Typed objects audited. */
  objects: number;
}

export const emptyAudit = (): Audit => ({ closedExtras: [], dropped: [], openExtras: new Map(), objects: 0 });

/** Kiota's TypeScript name of a JSON property: `organizer_v2` -> `organizerV2`, `@odata.type` -> `odataType`. */
export function kiotaName(jsonName: string): string {
  return jsonName.replace(/^@/, '').replace(/[._]([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Walks `json` (declared as `declared`, a component of the version's OpenAPI) beside `parsed`, the SDK's object.
 */
export function audit(
  version: GraphVersion,
  declared: string,
  json: unknown,
  parsed: unknown,
  out: Audit,
  path = '$',
): void {
  if (json === null || json === undefined) return;
  if (Array.isArray(json)) {
    const items = Array.isArray(parsed) ? (parsed as unknown[]) : [];
    if (items.length !== json.length) {
      out.dropped.push(`${path}: ${json.length} items sent, ${items.length} deserialized`);
    }
    json.forEach((item, i) => audit(version, declared, item, items[i], out, `${path}[${i}]`));
    return;
  }
  if (!isObj(json)) return;
  const model = loadModel(version);
  const odataType = json['@odata.type'];
  const actual = typeof odataType === 'string' ? odataType.slice(1) : declared;
  const type = model.types.get(actual);
  if (type === undefined) return;
  out.objects++;
  if (!isObj(parsed)) {
    out.dropped.push(`${path} (${actual}): not deserialized`);
    return;
  }
  const additional = isObj(parsed.additionalData) ? Object.keys(parsed.additionalData) : [];
  const extras = additional.filter((k) => !k.includes('@'));
  if (extras.length > 0) {
    if (type.open) {
      let seen = out.openExtras.get(actual);
      if (seen === undefined) out.openExtras.set(actual, (seen = new Set()));
      for (const e of extras) seen.add(e);
    } else {
      out.closedExtras.push(`${path} (${actual}): ${extras.join(', ')}`);
    }
  }
  for (const [key, value] of Object.entries(json)) {
    if (key.includes('@')) continue;
    const prop = type.properties.get(key);
    if (prop === undefined) continue; // a dynamic property of an open type: in additionalData, listed above
    // Kiota escapes names that are reserved in its models: ODataError's `error` is `errorEscaped`.
    const name = kiotaName(key) in parsed ? kiotaName(key) : `${kiotaName(key)}Escaped`;
    const got = parsed[name];
    const at = `${path}.${key}`;
    if (value !== null && (got === undefined || got === null)) {
      out.dropped.push(
        `${at} (${actual}): ${JSON.stringify(value).slice(0, 60)} was not deserialized into ${name}`,
      );
      continue;
    }
    if (Array.isArray(value) && Array.isArray(got)) {
      const kept = (got as unknown[]).filter((v) => v !== undefined && v !== null).length;
      const sent = value.filter((v) => v !== null).length;
      if (kept !== sent) out.dropped.push(`${at} (${actual}): ${sent} values sent, ${kept} deserialized`);
    }
    const child = typeRef(prop.schema).type;
    if (child !== undefined && model.types.has(child)) audit(version, child, value, got, out, at);
  }
}

export function describeOpenExtras(a: Audit): string {
  return [...a.openExtras]
    .map(([t, names]) => `${t.replace(/^microsoft\.graph\./, '')}: ${[...names].sort().join(', ')}`)
    .join('; ');
}
