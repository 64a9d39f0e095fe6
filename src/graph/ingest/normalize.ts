// Validates a Graph-shaped call record pushed by a user against the model, and normalizes it to the stored
// shape: every declared property present (null, [] or the enum's `unknown` where the user left it out).
// Errors name the JSON path of the offending value.
import {
  allProperties,
  isSubtypeOf,
  MODELS,
  NS,
  structuredType,
  type CallRecordDocument,
  type GraphVersion,
  type PropertyDef,
} from '../model/index.js';

const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,7})?(Z|[+-]\d\d:\d\d)$/;
const DURATION = /^-?P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const MAX_DEPTH = 32;

export class IngestError extends Error {
  readonly errors: string[];
  constructor(errors: string[]) {
    super(errors.slice(0, 5).join('; ') + (errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''));
    this.name = 'IngestError';
    this.errors = errors;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Navigation properties taken inline, with their element types. */
const NAVIGATION: Record<string, Record<string, { type: string; collection: boolean }>> = {
  [`${NS}.callRecord`]: {
    sessions: { type: `${NS}.session`, collection: true },
    participants_v2: { type: `${NS}.participant`, collection: true },
    organizer_v2: { type: `${NS}.organizer`, collection: false },
  },
  [`${NS}.session`]: { segments: { type: `${NS}.segment`, collection: true } },
};

class Walker {
  readonly errors: string[] = [];
  readonly #version: GraphVersion;

  constructor(version: GraphVersion) {
    this.#version = version;
  }

  fail(path: string, message: string): undefined {
    if (this.errors.length < 100) this.errors.push(`${path}: ${message}`);
    return undefined;
  }

  object(value: unknown, declared: string, path: string, depth: number): Obj | undefined {
    if (depth > MAX_DEPTH) return this.fail(path, 'nested too deeply');
    if (!isObj(value)) return this.fail(path, `must be an object of type ${declared}`);
    let typeName = declared;
    const tag = value['@odata.type'];
    if (tag !== undefined) {
      const name = typeof tag === 'string' && tag.startsWith('#') ? tag.slice(1) : undefined;
      const known = name !== undefined && MODELS[this.#version].types[name]?.kind !== undefined;
      if (!name || !known || !isSubtypeOf(this.#version, name, declared)) {
        return this.fail(
          `${path}['@odata.type']`,
          `${JSON.stringify(tag)} is not ${declared} or a type derived from it`,
        );
      }
      typeName = name;
    }
    const type = structuredType(this.#version, typeName);
    if (type.abstract)
      return this.fail(path, `${typeName} is abstract: '@odata.type' must name a derived type`);
    const props = new Map(allProperties(this.#version, typeName).map((p) => [p.name, p]));
    const nav = NAVIGATION[typeName] ?? {};
    const out: Obj = {};
    if (tag !== undefined) out['@odata.type'] = tag;
    for (const [key, v] of Object.entries(value)) {
      if (key.includes('@')) continue; // other annotations (e.g. copied @odata.context) are dropped
      const p = props.get(key);
      const n = nav[key];
      if (p) out[key] = this.property(v, p, `${path}.${key}`, depth);
      else if (n)
        out[key] = n.collection
          ? this.list(v, n.type, `${path}.${key}`, depth)
          : this.nullableObject(v, n.type, `${path}.${key}`, depth);
      else if (type.open) out[key] = v;
      else this.fail(`${path}.${key}`, `is not a property of ${typeName}`);
    }
    for (const p of props.values()) {
      if (p.name in out) continue;
      const fill = this.defaultFor(p);
      if (fill === undefined) this.fail(`${path}.${p.name}`, `is required (${p.type}, not nullable)`);
      else out[p.name] = fill;
    }
    for (const [name, n] of Object.entries(nav)) if (!(name in out)) out[name] = n.collection ? [] : null;
    return out;
  }

  nullableObject(v: unknown, type: string, path: string, depth: number): Obj | null | undefined {
    return v === null ? null : this.object(v, type, path, depth + 1);
  }

  list(v: unknown, type: string, path: string, depth: number): Obj[] | undefined {
    if (v === null) return [];
    if (!Array.isArray(v)) return this.fail(path, 'must be an array');
    return v.map((item, i) => this.object(item, type, `${path}[${i}]`, depth + 1) ?? {});
  }

  defaultFor(p: PropertyDef): unknown {
    if (p.collection) return [];
    if (p.nullable) return null;
    const t = MODELS[this.#version].types[p.type];
    if (t?.kind === 'enum' && t.members.some((m) => m.name === 'unknown')) return 'unknown';
    return undefined;
  }

  property(v: unknown, p: PropertyDef, path: string, depth: number): unknown {
    if (p.collection) {
      if (v === null) return [];
      if (!Array.isArray(v)) return this.fail(path, 'must be an array');
      return v.map((item, i) =>
        this.scalar(item, { ...p, collection: false, nullable: false }, `${path}[${i}]`, depth),
      );
    }
    return this.scalar(v, p, path, depth);
  }

  scalar(v: unknown, p: PropertyDef, path: string, depth: number): unknown {
    if (v === null) {
      if (p.nullable) return null;
      const fill = this.defaultFor(p);
      return fill === undefined ? this.fail(path, 'must not be null') : fill;
    }
    const t = MODELS[this.#version].types[p.type];
    if (t?.kind === 'enum') {
      if (typeof v === 'string' && t.members.some((m) => m.name === v)) return v;
      return this.fail(path, `must be one of ${t.members.map((m) => m.name).join(', ')}`);
    }
    if (t) return this.object(v, t.name, path, depth + 1);
    switch (p.type) {
      case 'Edm.String':
      case 'Edm.Guid':
        return typeof v === 'string' ? v : this.fail(path, 'must be a string');
      case 'Edm.DateTimeOffset':
        return typeof v === 'string' && DATE_TIME.test(v) && !Number.isNaN(Date.parse(v))
          ? v
          : this.fail(path, 'must be a DateTimeOffset such as 2026-11-20T09:25:00Z');
      case 'Edm.Duration':
        return typeof v === 'string' && DURATION.test(v)
          ? v
          : this.fail(path, 'must be an ISO-8601 duration such as PT0.016S');
      case 'Edm.Boolean':
        return typeof v === 'boolean' ? v : this.fail(path, 'must be true or false');
      case 'Edm.Int32':
      case 'Edm.Int64':
        return Number.isSafeInteger(v) ? v : this.fail(path, 'must be an integer');
      default:
        return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(path, 'must be a number');
    }
  }
}

function uniqueIds(items: unknown[], path: string, w: Walker): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const id = isObj(item) ? item.id : undefined;
    if (typeof id !== 'string' || id.length === 0) w.fail(`${path}[${i}].id`, 'must be a non-empty string');
    else if (seen.has(id)) w.fail(`${path}[${i}].id`, `duplicate id '${id}'`);
    else seen.add(id);
  });
}

/** Validates and normalizes one call record; throws IngestError listing every problem found. */
export function normalizeCallRecord(input: unknown): CallRecordDocument {
  const w = new Walker('v1.0');
  const doc = w.object(input, `${NS}.callRecord`, '$', 0);
  if (doc) {
    if (typeof doc.id !== 'string' || doc.id.length === 0 || doc.id.length > 200) {
      w.fail('$.id', 'must be a non-empty string of at most 200 characters');
    }
    if (typeof doc.version === 'number' && doc.version < 1) w.fail('$.version', 'must be 1 or more');
    if (typeof doc.startDateTime === 'string' && typeof doc.endDateTime === 'string') {
      if (Date.parse(doc.endDateTime) < Date.parse(doc.startDateTime))
        w.fail('$.endDateTime', 'is before startDateTime');
    }
    const sessions = Array.isArray(doc.sessions) ? (doc.sessions as Obj[]) : [];
    uniqueIds(sessions, '$.sessions', w);
    sessions.forEach((s, i) =>
      uniqueIds(Array.isArray(s.segments) ? s.segments : [], `$.sessions[${i}].segments`, w),
    );
    uniqueIds(Array.isArray(doc.participants_v2) ? doc.participants_v2 : [], '$.participants_v2', w);
  }
  if (w.errors.length > 0 || !doc) throw new IngestError(w.errors.length ? w.errors : ['$: invalid']);
  return doc as unknown as CallRecordDocument;
}

/** The telephony logs and their row types (beta shapes, a superset of v1.0's). */
export const LOG_ROW_TYPES = {
  pstnCalls: `${NS}.pstnCallLogRow`,
  directRoutingCalls: `${NS}.directRoutingLogRow`,
  sms: `${NS}.smsLogRow`,
  blockedUsers: `${NS}.pstnBlockedUsersLogRow`,
} as const;
export type LogRowKind = keyof typeof LOG_ROW_TYPES;

/** The log a line belongs to, from its `@odata.type`; undefined for a call record (or an unknown type). */
export function logKindOf(value: unknown): LogRowKind | undefined {
  const tag = isObj(value) ? value['@odata.type'] : undefined;
  if (typeof tag !== 'string') return undefined;
  return (Object.keys(LOG_ROW_TYPES) as LogRowKind[]).find((k) => `#${LOG_ROW_TYPES[k]}` === tag);
}

/** Validates and completes one log row of `kind`; the returned row carries no `@odata.type`. */
export function normalizeLogRow(kind: LogRowKind, input: unknown): Record<string, unknown> {
  const w = new Walker('beta');
  const row = w.object(input, LOG_ROW_TYPES[kind], '$', 0);
  if (row && (typeof row.id !== 'string' || row.id === '') && kind !== 'blockedUsers') {
    w.fail('$.id', 'must be a non-empty string');
  }
  if (w.errors.length > 0 || !row) throw new IngestError(w.errors.length ? w.errors : ['$: invalid']);
  delete row['@odata.type'];
  return row;
}
