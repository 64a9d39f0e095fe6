// Validates a Graph-shaped call record pushed by a user against the model, and normalizes it to the stored
// shape: every declared property present (null, [] or the enum's `unknown` where the user left it out).
// Errors name the JSON path of the offending value.
//
// Imports walk every property of thousands of records a second, so the model's questions (a type's properties,
// an enum's members, a property's default) are answered once per version when the module loads, and a value's
// JSON path is only spelled out when something about it is wrong.
import {
  allProperties,
  isSubtypeOf,
  MODELS,
  NS,
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

/** What a value of a property must be, decided once from the model. */
type Check = 'object' | 'enum' | 'string' | 'date' | 'duration' | 'boolean' | 'integer' | 'number';

interface Field {
  name: string;
  collection: boolean;
  nullable: boolean;
  check: Check;
  /** The structured type (check 'object') or the enum (check 'enum'). */
  type: string;
  members?: ReadonlySet<string>;
  /** The message for a value outside `members`. */
  membersMessage?: string;
  /** The enum has an `unknown` member, which stands in for a missing or null value of a non-nullable property. */
  unknownFill: boolean;
}

interface TypeInfo {
  abstract: boolean;
  open: boolean;
  fields: ReadonlyMap<string, Field>;
  /** Declared properties, those of base types first: the order in which missing ones are filled. */
  order: readonly Field[];
  nav: Readonly<Record<string, { type: string; collection: boolean }>>;
}

function checkOf(version: GraphVersion, type: string): Check {
  const t = MODELS[version].types[type];
  if (t) return t.kind === 'enum' ? 'enum' : 'object';
  switch (type) {
    case 'Edm.String':
    case 'Edm.Guid':
      return 'string';
    case 'Edm.DateTimeOffset':
      return 'date';
    case 'Edm.Duration':
      return 'duration';
    case 'Edm.Boolean':
      return 'boolean';
    case 'Edm.Int32':
    case 'Edm.Int64':
      return 'integer';
    default:
      return 'number';
  }
}

function fieldOf(version: GraphVersion, p: PropertyDef): Field {
  const t = MODELS[version].types[p.type];
  const names = t?.kind === 'enum' ? t.members.map((m) => m.name) : undefined;
  return {
    name: p.name,
    collection: p.collection,
    nullable: p.nullable,
    check: checkOf(version, p.type),
    type: p.type,
    ...(names ? { members: new Set(names), membersMessage: `must be one of ${names.join(', ')}` } : {}),
    unknownFill: names?.includes('unknown') ?? false,
  };
}

/** The model of one version, compiled for validation. Read-only once built. */
class Schema {
  readonly version: GraphVersion;
  readonly #types = new Map<string, TypeInfo>();

  constructor(version: GraphVersion) {
    this.version = version;
    for (const t of Object.values(MODELS[version].types)) {
      if (t.kind === 'enum') continue;
      const order = allProperties(version, t.name).map((p) => fieldOf(version, p));
      this.#types.set(t.name, {
        abstract: t.abstract,
        open: t.open,
        fields: new Map(order.map((f) => [f.name, f])),
        order,
        nav: NAVIGATION[t.name] ?? {},
      });
    }
  }

  /** A structured type by name; undefined for enums and unknown names. */
  type(name: string): TypeInfo | undefined {
    return this.#types.get(name);
  }

  isKnown(name: string): boolean {
    return MODELS[this.version].types[name]?.kind !== undefined;
  }
}

const SCHEMAS: Readonly<Record<GraphVersion, Schema>> = {
  'v1.0': new Schema('v1.0'),
  beta: new Schema('beta'),
};

/** A JSON path, spelled out only for an error message. */
class Path {
  readonly #up: Path | undefined;
  readonly #key: string | number;

  constructor(up: Path | undefined, key: string | number) {
    this.#up = up;
    this.#key = key;
  }

  toString(): string {
    if (!this.#up) return String(this.#key);
    return typeof this.#key === 'number'
      ? `${this.#up.toString()}[${this.#key}]`
      : `${this.#up.toString()}.${this.#key}`;
  }
}

const ROOT = new Path(undefined, '$');

class Walker {
  readonly errors: string[] = [];
  readonly #schema: Schema;

  constructor(version: GraphVersion) {
    this.#schema = SCHEMAS[version];
  }

  fail(path: Path | string, message: string): undefined {
    if (this.errors.length < 100) this.errors.push(`${String(path)}: ${message}`);
    return undefined;
  }

  object(value: unknown, declared: string, path: Path, depth: number): Obj | undefined {
    if (depth > MAX_DEPTH) return this.fail(path, 'nested too deeply');
    if (!isObj(value)) return this.fail(path, `must be an object of type ${declared}`);
    let typeName = declared;
    const tag = value['@odata.type'];
    if (tag !== undefined) {
      const name = typeof tag === 'string' && tag.startsWith('#') ? tag.slice(1) : undefined;
      const known = name !== undefined && this.#schema.isKnown(name);
      if (!name || !known || !isSubtypeOf(this.#schema.version, name, declared)) {
        return this.fail(
          `${String(path)}['@odata.type']`,
          `${JSON.stringify(tag)} is not ${declared} or a type derived from it`,
        );
      }
      typeName = name;
    }
    const type = this.#schema.type(typeName);
    if (!type) throw new Error(`not a structured type: ${typeName}`);
    if (type.abstract)
      return this.fail(path, `${typeName} is abstract: '@odata.type' must name a derived type`);
    const nav = type.nav;
    const out: Obj = {};
    if (tag !== undefined) out['@odata.type'] = tag;
    let present = 0;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (key.includes('@')) continue; // other annotations (e.g. copied @odata.context) are dropped
      const v = value[key];
      const f = type.fields.get(key);
      const n = nav[key];
      if (f) {
        out[key] = this.property(v, f, path, key, depth);
        present += 1;
      } else if (n)
        out[key] = n.collection
          ? this.list(v, n.type, new Path(path, key), depth)
          : v === null
            ? null
            : this.object(v, n.type, new Path(path, key), depth + 1);
      else if (type.open) out[key] = v;
      else this.fail(new Path(path, key), `is not a property of ${typeName}`);
    }
    // Records exported from here or from Graph carry every property: nothing to fill, nothing to look up.
    if (present < type.order.length) this.#fill(out, type, path);
    for (const name in nav) if (!(name in out)) out[name] = nav[name]!.collection ? [] : null;
    return out;
  }

  #fill(out: Obj, type: TypeInfo, path: Path): void {
    for (const f of type.order) {
      if (f.name in out) continue;
      const fill = f.collection ? [] : f.nullable ? null : f.unknownFill ? 'unknown' : undefined;
      if (fill === undefined) this.fail(new Path(path, f.name), `is required (${f.type}, not nullable)`);
      else out[f.name] = fill;
    }
  }

  list(v: unknown, type: string, path: Path, depth: number): Obj[] | undefined {
    if (v === null) return [];
    if (!Array.isArray(v)) return this.fail(path, 'must be an array');
    const out = new Array<Obj>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = this.object(v[i], type, new Path(path, i), depth + 1) ?? {};
    return out;
  }

  property(v: unknown, f: Field, parent: Path, key: string, depth: number): unknown {
    if (!f.collection) return this.scalar(v, f, f.nullable, parent, key, depth);
    if (v === null) return [];
    if (!Array.isArray(v)) return this.fail(new Path(parent, key), 'must be an array');
    const path = new Path(parent, key);
    const out = new Array<unknown>(v.length);
    // Items of a collection are never null (an enum's `unknown` stands in where the enum has one).
    for (let i = 0; i < v.length; i++) out[i] = this.scalar(v[i], f, false, path, i, depth);
    return out;
  }

  scalar(
    v: unknown,
    f: Field,
    nullable: boolean,
    parent: Path,
    key: string | number,
    depth: number,
  ): unknown {
    if (v === null) {
      if (nullable) return null;
      return f.unknownFill ? 'unknown' : this.fail(new Path(parent, key), 'must not be null');
    }
    switch (f.check) {
      case 'object':
        return this.object(v, f.type, new Path(parent, key), depth + 1);
      case 'enum':
        return typeof v === 'string' && f.members!.has(v)
          ? v
          : this.fail(new Path(parent, key), f.membersMessage!);
      case 'string':
        return typeof v === 'string' ? v : this.fail(new Path(parent, key), 'must be a string');
      case 'date':
        return typeof v === 'string' && DATE_TIME.test(v) && !Number.isNaN(Date.parse(v))
          ? v
          : this.fail(new Path(parent, key), 'must be a DateTimeOffset such as 2026-11-20T09:25:00Z');
      case 'duration':
        return typeof v === 'string' && DURATION.test(v)
          ? v
          : this.fail(new Path(parent, key), 'must be an ISO-8601 duration such as PT0.016S');
      case 'boolean':
        return typeof v === 'boolean' ? v : this.fail(new Path(parent, key), 'must be true or false');
      case 'integer':
        return Number.isSafeInteger(v) ? v : this.fail(new Path(parent, key), 'must be an integer');
      case 'number':
        return typeof v === 'number' && Number.isFinite(v)
          ? v
          : this.fail(new Path(parent, key), 'must be a number');
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
  const doc = w.object(input, `${NS}.callRecord`, ROOT, 0);
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
  const row = w.object(input, LOG_ROW_TYPES[kind], ROOT, 0);
  if (row && (typeof row.id !== 'string' || row.id === '') && kind !== 'blockedUsers') {
    w.fail('$.id', 'must be a non-empty string');
  }
  if (w.errors.length > 0 || !row) throw new IngestError(w.errors.length ? w.errors : ['$: invalid']);
  delete row['@odata.type'];
  return row;
}
