// Enumerates the GET routes of the official call records OpenAPI documents (shared/graph-metadata) and the query
// option variants each route declares, with the status this server documents for each (docs/endpoints.md, with
// its query options, paging and Prefer headers, and docs/fidelity.md). Nothing here is hand-listed per path: a route or
// a property added to the documents is walked automatically, and an unknown path parameter fails loudly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { asObject, componentRef, isNullMarker } from '../helpers/openapi-convert.js';
import type { SchemaObject } from '../helpers/openapi-convert.js';
import { loadModel, responseSchema, sharedDir } from '../helpers/openapi.js';
import type { GraphVersion } from '../helpers/openapi.js';

export const VERSIONS: readonly GraphVersion[] = ['v1.0', 'beta'];

export type RouteKind = 'collection' | 'entity' | 'count';

export interface Route {
  readonly version: GraphVersion;
  /** The key of `paths` in the official document. */
  readonly template: string;
  readonly kind: RouteKind;
  /** The bound function's name (`getPstnCalls`) for function routes. */
  readonly fn: string | undefined;
  /** The type of the body (entity) or of its items (collection); undefined for `/$count`. */
  readonly itemType: string | undefined;
  /** The query options the operation declares (`$select`, `$top`, ...). */
  readonly query: readonly string[];
  /** The path parameters, in order. */
  readonly pathParams: readonly string[];
}

const documents = new Map<GraphVersion, SchemaObject>();

/** The call records OpenAPI document itself (without the /subscriptions paths the oracle merges in). */
export function callRecordsDocument(version: GraphVersion): SchemaObject {
  let doc = documents.get(version);
  if (doc === undefined) {
    const file = path.join(sharedDir(), 'graph-metadata', `callrecords-openapi-${version}.json`);
    doc = asObject(JSON.parse(readFileSync(file, 'utf8'))) ?? {};
    documents.set(version, doc);
  }
  return doc;
}

export interface TypeRef {
  /** A component name (structured or enum type), else undefined (a primitive). */
  readonly type: string | undefined;
  readonly collection: boolean;
}

/** What a property schema refers to: `{ $ref }`, `anyOf [{ $ref }, null]`, or an array of either. */
export function typeRef(schema: SchemaObject): TypeRef {
  if (schema.type === 'array' || 'items' in schema) {
    return { type: typeRef(asObject(schema.items) ?? {}).type, collection: true };
  }
  const ref = componentRef(schema);
  if (ref !== undefined) return { type: ref, collection: false };
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (!Array.isArray(branches)) continue;
    const real = branches.map((b) => asObject(b) ?? {}).filter((b) => !isNullMarker(b));
    if (real.length === 1) return typeRef(real[0] ?? {});
  }
  return { type: undefined, collection: false };
}

/** The declared properties (inherited ones included) of an official type. */
export function declaredProperties(version: GraphVersion, typeName: string): string[] {
  const type = loadModel(version).types.get(typeName);
  if (type === undefined) throw new Error(`${typeName} is not a structured type in the ${version} OpenAPI`);
  return [...type.properties.keys()];
}

/** Navigation properties: the properties whose type is an entity type (derives from microsoft.graph.entity). */
export function navigationProperties(
  version: GraphVersion,
  typeName: string,
): { name: string; target: string }[] {
  const model = loadModel(version);
  const out: { name: string; target: string }[] = [];
  for (const [name, info] of model.types.get(typeName)?.properties ?? []) {
    const target = typeRef(info.schema).type;
    if (target !== undefined && model.isSubtype(target, 'microsoft.graph.entity')) out.push({ name, target });
  }
  return out;
}

function parameterNames(doc: SchemaObject, operation: SchemaObject, where: 'query' | 'path'): string[] {
  const shared = asObject(asObject(doc.components)?.parameters) ?? {};
  const out: string[] = [];
  for (const raw of Array.isArray(operation.parameters) ? (operation.parameters as unknown[]) : []) {
    let p = asObject(raw) ?? {};
    if (typeof p.$ref === 'string') p = asObject(shared[p.$ref.split('/').pop() ?? '']) ?? {};
    if (p.in === where && typeof p.name === 'string') out.push(p.name);
  }
  return out;
}

function classify(
  version: GraphVersion,
  template: string,
): { kind: RouteKind; itemType: string | undefined } {
  const { schema, textPlain } = responseSchema(version, template);
  if (textPlain) return { kind: 'count', itemType: undefined };
  const model = loadModel(version);
  const ref = typeRef(schema).type;
  const envelope = ref === undefined ? schema : undefined;
  const value =
    ref !== undefined
      ? model.types.get(ref)?.properties.get('value')?.schema
      : asObject(asObject(envelope?.properties)?.value);
  if (value !== undefined && typeRef(value).collection) {
    return { kind: 'collection', itemType: typeRef(value).type };
  }
  if (ref === undefined) throw new Error(`GET ${template} (${version}): cannot tell the body's type`);
  return { kind: 'entity', itemType: ref };
}

/** Every GET route of the version's call records document. */
export function routes(version: GraphVersion): Route[] {
  const doc = callRecordsDocument(version);
  const out: Route[] = [];
  for (const [template, rawItem] of Object.entries(asObject(doc.paths) ?? {})) {
    const get = asObject(asObject(rawItem)?.get);
    if (get === undefined) continue;
    const { kind, itemType } = classify(version, template);
    const fn = /\.(get\w+)\(/.exec(template)?.[1];
    out.push({
      version,
      template,
      kind,
      fn,
      itemType,
      query: parameterNames(doc, get, 'query'),
      pathParams: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
    });
  }
  return out;
}

/** Short names for the endpoints of docs/endpoints.md (the functions are `function`). */
export type Endpoint =
  | 'records'
  | 'recordsCount'
  | 'record'
  | 'sessions'
  | 'sessionsCount'
  | 'session'
  | 'segments'
  | 'segmentsCount'
  | 'segment'
  | 'participants'
  | 'participantsCount'
  | 'participant'
  | 'organizer'
  | 'function';

const R = '/communications/callRecords';
const ENDPOINTS: Record<string, Endpoint> = {
  [R]: 'records',
  [`${R}/$count`]: 'recordsCount',
  [`${R}/{callRecord-id}`]: 'record',
  [`${R}/{callRecord-id}/sessions`]: 'sessions',
  [`${R}/{callRecord-id}/sessions/$count`]: 'sessionsCount',
  [`${R}/{callRecord-id}/sessions/{session-id}`]: 'session',
  [`${R}/{callRecord-id}/sessions/{session-id}/segments`]: 'segments',
  [`${R}/{callRecord-id}/sessions/{session-id}/segments/$count`]: 'segmentsCount',
  [`${R}/{callRecord-id}/sessions/{session-id}/segments/{segment-id}`]: 'segment',
  [`${R}/{callRecord-id}/participants_v2`]: 'participants',
  [`${R}/{callRecord-id}/participants_v2/$count`]: 'participantsCount',
  [`${R}/{callRecord-id}/participants_v2/{participant-id}`]: 'participant',
  [`${R}/{callRecord-id}/organizer_v2`]: 'organizer',
};

export function endpointOf(route: Route): Endpoint {
  if (route.fn !== undefined) return 'function';
  const e = ENDPOINTS[route.template];
  if (e === undefined) {
    throw new Error(
      `${route.version} ${route.template}: a route this suite does not know yet; add its documented options`,
    );
  }
  return e;
}

/** What docs/endpoints.md documents per endpoint: which options are served (anything else is a 400). */
interface Support {
  /** $select is served; the listed properties are refused (a 400). */
  select?: readonly string[];
  /** Accepted $expand forms (case as documented). */
  expand?: readonly string[];
  filter?: boolean;
  /** The collection's maximum page size ($top above it is clamped). */
  top?: number;
}

const SUPPORT: Record<Exclude<Endpoint, 'function'>, Support> = {
  // Listed records never carry sessions or participants (fidelity note 6); organizer_v2 may be selected (note 7).
  records: { select: ['sessions', 'participants_v2'], filter: true, top: 60 },
  recordsCount: { filter: true },
  record: {
    select: [],
    expand: [
      'sessions',
      'sessions($expand=segments)',
      'participants_v2',
      'organizer_v2',
      'sessions($expand=segments),participants_v2',
      'sessions,participants_v2,organizer_v2',
    ],
  },
  sessions: { select: [], expand: ['segments'], top: 60 },
  sessionsCount: {},
  session: { select: [], expand: ['segments'] },
  segments: { select: [] },
  segmentsCount: {},
  segment: { select: [] },
  participants: { select: [], top: 130 },
  participantsCount: {},
  participant: { select: [] },
  organizer: { select: [] },
};

/** `'any'`: the status is not documented yet (recorded in the summary; the body is validated either way). */
export type Expect = number | 'any';

export interface Variant {
  readonly label: string;
  readonly query: readonly (readonly [string, string])[];
  readonly expect: Expect;
  /**
   * With a Prefer header, follow at most this many pages: the chain of one-item pages is followed to its end
   * without Prefer, and a Prefer header changes nothing about where it ends.
   */
  readonly pagesWithPrefer?: number;
  /** The data holds matches: the first page (or the count) must not be empty. */
  readonly matches?: boolean;
}

export interface Fill {
  /** A participant id for `participants_v2/any(...)`. */
  participantId: string;
  /** A range inside the data: `lo` < `hi`, both ISO date-times. */
  lo: string;
  hi: string;
}

/** The query option variants for a route, each with the documented status. */
export function variants(route: Route, fill: Fill): Variant[] {
  const endpoint = endpointOf(route);
  const fn = endpoint === 'function';
  const support: Support = fn ? {} : SUPPORT[endpoint];
  const declared = new Set(route.query.map((q) => q.toLowerCase()));
  const out: Variant[] = [{ label: 'no options', query: [], expect: 200 }];
  const add = (label: string, name: string, value: string, expect: Expect) =>
    out.push({ label, query: [[name, value]], expect });

  if (declared.has('$select') && route.itemType !== undefined) {
    const all = declaredProperties(route.version, route.itemType);
    const navs = new Set(navigationProperties(route.version, route.itemType).map((n) => n.name));
    const refused = support.select;
    const ok = (names: string[]) => refused !== undefined && names.every((n) => !refused.includes(n));
    for (const p of all) add(`$select=${p}`, '$select', p, ok([p]) ? 200 : 400);
    const structural = all.filter((p) => !navs.has(p));
    add('$select=<every structural property>', '$select', structural.join(','), ok(structural) ? 200 : 400);
    if (structural.length < all.length) {
      add('$select=<every property>', '$select', all.join(','), ok(all) ? 200 : 400);
    }
    add(
      '$select=id,<another>',
      '$select',
      ['id', ...structural.filter((p) => p !== 'id')].slice(0, 2).join(','),
      ok(['id']) ? 200 : 400,
    );
    add('$select=<undeclared>', '$select', 'notAProperty', 400);
  }

  if (declared.has('$expand') && route.itemType !== undefined) {
    const navs = navigationProperties(route.version, route.itemType);
    const forms = new Set<string>();
    for (const n of navs) {
      forms.add(n.name);
      for (const inner of navigationProperties(route.version, n.target)) {
        forms.add(`${n.name}($expand=${inner.name})`);
      }
    }
    for (const f of support.expand ?? []) forms.add(f);
    for (const f of forms) add(`$expand=${f}`, '$expand', f, support.expand?.includes(f) ? 200 : 400);
    add('$expand=<undeclared>', '$expand', 'notANavigation', 400);
  }

  if (declared.has('$filter')) {
    if (support.filter) {
      const any = `participants_v2/any(p:p/id eq '${fill.participantId}')`;
      const forms = [
        `startDateTime ge ${fill.lo}`,
        `startDateTime gt ${fill.lo}`,
        `startDateTime lt ${fill.hi}`,
        `startDateTime le ${fill.hi}`,
        `startDateTime ge ${fill.lo} and startDateTime lt ${fill.hi}`,
        any,
        `${any} and startDateTime ge ${fill.lo}`,
      ];
      for (const f of forms)
        out.push({ label: `$filter=${f}`, query: [['$filter', f]], expect: 200, matches: true });
      add(`$filter=<unsupported form>`, '$filter', `type eq 'groupCall'`, 400);
    } else if (fn) {
      // Graph accepts and ignores $filter on these functions (spec §11.1, fidelity note).
      add(`$filter=<ignored>`, '$filter', `userId eq '${fill.participantId}'`, 200);
    } else {
      add(`$filter=<not served here>`, '$filter', `id eq '${fill.participantId}'`, 400);
    }
  }

  if (declared.has('$top')) {
    if (support.top !== undefined) {
      out.push({ label: '$top=1', query: [['$top', '1']], expect: 200, pagesWithPrefer: 3 });
      for (const n of [7, support.top, support.top + 1000]) add(`$top=${n}`, '$top', String(n), 200);
      add('$top=0', '$top', '0', 400);
    } else {
      add('$top=5', '$top', '5', fn ? 'any' : 400);
    }
  }
  if (declared.has('$skip')) {
    if (fn) add('$skip=0', '$skip', '0', 200);
    add('$skip=2', '$skip', '2', fn ? 'any' : 400);
  }
  if (declared.has('$search')) add('$search', '$search', '"town hall"', fn ? 'any' : 400);
  if (declared.has('$orderby')) add('$orderby', '$orderby', 'id desc', fn ? 'any' : 400);
  if (declared.has('$count')) add('$count=true', '$count', 'true', fn ? 'any' : 400);
  return out;
}

export interface PreferVariant {
  readonly label: string;
  readonly header: string | undefined;
  readonly maxPageSize?: number;
  readonly omitNulls: boolean;
  readonly unknownEnums: boolean;
}

export const PAGE = 25;

export const PREFERS: readonly PreferVariant[] = [
  { label: 'no Prefer', header: undefined, omitNulls: false, unknownEnums: false },
  {
    label: `odata.maxpagesize=${PAGE}`,
    header: `odata.maxpagesize=${PAGE}`,
    maxPageSize: PAGE,
    omitNulls: false,
    unknownEnums: false,
  },
  { label: 'omit-values=nulls', header: 'omit-values=nulls', omitNulls: true, unknownEnums: false },
  {
    label: 'include-unknown-enum-members',
    header: 'include-unknown-enum-members',
    omitNulls: false,
    unknownEnums: true,
  },
  {
    label: 'all three',
    header: `odata.maxpagesize=${PAGE}, omit-values=nulls, include-unknown-enum-members`,
    maxPageSize: PAGE,
    omitNulls: true,
    unknownEnums: true,
  },
];

/** Members declared after `unknownFutureValue` in the official enums: sent only on opt-in. */
export function optInEnumMembers(version: GraphVersion): Set<string> {
  const out = new Set<string>();
  for (const schema of Object.values(loadModel(version).schemas)) {
    const members = schema.enum;
    if (!Array.isArray(members)) continue;
    const at = members.indexOf('unknownFutureValue');
    if (at >= 0) for (const m of members.slice(at + 1)) out.add(String(m));
  }
  return out;
}

/** The URL path of a route with its parameters filled. */
export function fillPath(route: Route, values: Readonly<Record<string, string>>): string {
  return route.template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`${route.template}: no value for the path parameter {${name}}`);
    return encodeURIComponent(v).replace(/%3A/gi, ':');
  });
}

/** `?$a=x&$b=y`, values percent-encoded, names as written. */
export function queryString(query: readonly (readonly [string, string])[]): string {
  return query.length === 0 ? '' : '?' + query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}
