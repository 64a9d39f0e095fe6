// OData JSON metadata levels (`odata.metadata=none|minimal|full`), negotiated from `Accept` and `$format`, and
// applied once to a finished response body. Handlers always write `minimal`, which is what Graph serves by default,
// so the default path costs nothing here: `none` removes control information from the text without parsing it, and
// `full` (rare; a client asks for it explicitly) parses the body and adds the entities' control information.
import { GraphError } from '../../errors.js';
import {
  allProperties,
  MODELS,
  NS,
  type GraphVersion,
  type PropertyDef,
  type StructuredTypeDef,
} from '../model/index.js';
import { bodyText, type Chunk } from './envelope.js';
import { quoteKey } from './links.js';

export type MetadataLevel = 'none' | 'minimal' | 'full';

export interface Negotiated {
  level: MetadataLevel;
  /** Whether the client accepts a JSON response at all (a `$count` answers text/plain whatever it accepts). */
  json: boolean;
}

const LEVELS: readonly string[] = ['none', 'minimal', 'full'];

const CONTENT_TYPES: Readonly<Record<MetadataLevel, string>> = {
  none: 'application/json;odata.metadata=none;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
  minimal:
    'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
  full: 'application/json;odata.metadata=full;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
};

/** The `Content-Type` of a JSON response served at `level`. */
export function jsonContentType(level: MetadataLevel): string {
  return CONTENT_TYPES[level];
}

const DEFAULT: Negotiated = { level: 'minimal', json: true };

/** A media range: its type and parameters (names lower-cased). */
function mediaRange(text: string): { type: string; params: Map<string, string> } {
  const [type = '', ...rest] = text.split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    params.set(
      p.slice(0, eq).trim().toLowerCase(),
      p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
  }
  return { type: type.trim().toLowerCase(), params };
}

/** The level a JSON media range asks for; a value other than none, minimal or full is Graph's 406. */
function levelOf(params: Map<string, string>): MetadataLevel {
  const value = params.get('odata.metadata');
  if (value === undefined) return 'minimal';
  const level = value.toLowerCase();
  if (!LEVELS.includes(level)) throw new GraphError('notAcceptable');
  return level as MetadataLevel;
}

const JSON_RANGES: readonly string[] = ['application/json', 'application/*', '*/*'];

/**
 * The metadata level of the response from `$format` (which wins, as in OData) or else `Accept`: the acceptable
 * JSON range with the highest quality, the first one on a tie. No `Accept` is `minimal`.
 */
export function negotiate(accept: string | string[] | undefined, format: string | undefined): Negotiated {
  if (format !== undefined) {
    const range = mediaRange(format);
    if (range.type === 'json' || range.type === 'application/json') {
      return { level: levelOf(range.params), json: true };
    }
    throw new GraphError('notAcceptable');
  }
  if (accept === undefined) return DEFAULT;
  const text = Array.isArray(accept) ? accept.join(',') : accept;
  if (text.trim() === '') return DEFAULT;
  let best: Negotiated | undefined;
  let bestQ = 0;
  for (const part of text.split(',')) {
    const range = mediaRange(part);
    if (!JSON_RANGES.includes(range.type)) continue;
    const q = Number(range.params.get('q') ?? '1');
    if (!(q > 0) || q <= bestQ) continue;
    best = { level: levelOf(range.params), json: true };
    bestQ = q;
  }
  return best ?? { level: 'minimal', json: false };
}

const NAME_CHAR = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_')
  NAME_CHAR[c.charCodeAt(0)] = 1;
const isNameChar = (c: number) => c < 128 && NAME_CHAR[c] === 1;

/** Control information `odata.metadata=none` keeps: the links and counts a client needs to page. */
const KEPT = new Set(['nextLink', 'deltaLink', 'count']);

/** The index just after the JSON value that starts at `i`, or -1 when there is none. */
function skipValue(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 34 /* " */) {
      for (j++; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d === 92 /* \ */) j++;
        else if (d === 34) break;
      }
      if (j >= text.length) return -1;
      if (depth === 0) return j + 1;
    } else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
    else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (depth === 0) return j;
      if (--depth === 0) return j + 1;
    } else if (c === 44 /* , */ && depth === 0) return j;
  }
  return depth === 0 ? text.length : -1;
}

/**
 * Compact JSON text without its control information (`@odata.context`, `@odata.type`, `@odata.id`,
 * `x@odata.context`, ...), keeping `@odata.nextLink` and `@odata.count` at every depth. Works on the text: an
 * annotation is a key that follows `{` or `,` (which no JSON string can hold unescaped before a quote), so it is
 * found with indexOf and cut out with its value and one comma.
 */
export function withoutControlInformation(text: string): string {
  let out = '';
  let copied = 0;
  let from = 0;
  // The previous cut, when it took an object's first member with the comma after it: the next member is now first.
  let firstEnd = -1;
  for (;;) {
    const at = text.indexOf('@odata.', from);
    if (at < 0) break;
    from = at + 7;
    let quote = at - 1;
    while (quote >= 0 && isNameChar(text.charCodeAt(quote))) quote--;
    if (quote < 1 || text.charCodeAt(quote) !== 34) continue;
    const before = text.charCodeAt(quote - 1);
    if (before !== 123 /* { */ && before !== 44 /* , */) continue;
    let termEnd = at + 7;
    while (isNameChar(text.charCodeAt(termEnd))) termEnd++;
    if (text.charCodeAt(termEnd) !== 34 || text.charCodeAt(termEnd + 1) !== 58 /* : */) continue;
    if (KEPT.has(text.slice(at + 7, termEnd))) continue;
    const valueEnd = skipValue(text, termEnd + 2);
    if (valueEnd < 0 || quote - 1 < copied - 1) continue;
    const first = before === 123 || firstEnd === quote;
    const start = first ? quote : quote - 1;
    const end = first && text.charCodeAt(valueEnd) === 44 ? valueEnd + 1 : valueEnd;
    out += text.slice(copied, start);
    copied = end;
    from = end;
    firstEnd = first ? end : -1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

type Json = Record<string, unknown>;

/** What a context URL's path names: an entity type, and whether each item needs its key appended to the path. */
interface Target {
  type: string;
  keyed: boolean;
}

const SUBSCRIPTION = 'microsoft.graph.subscription';

function structured(version: GraphVersion, name: string): StructuredTypeDef | undefined {
  const t = MODELS[version].types[name];
  return t && t.kind !== 'enum' ? t : undefined;
}

/** Navigation properties of a type and its base types. */
function navigation(version: GraphVersion, name: string) {
  const out: StructuredTypeDef['navigation'] = [];
  for (let t = structured(version, name); t; t = t.base ? structured(version, t.base) : undefined) {
    out.push(...t.navigation);
  }
  return out;
}

/** Splits `a('x')/b(c,d())/e` into its segment names, ignoring keys and projections. */
function segmentNames(path: string): string[] {
  const names: string[] = [];
  let name = '';
  let depth = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === "'") {
      const close = path.indexOf("'", i + 1);
      i = close < 0 ? path.length : close;
      // Two quotes are an escaped quote inside the key.
      while (path[i + 1] === "'") i = path.indexOf("'", i + 2);
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && c === '/') {
      names.push(name);
      name = '';
    } else if (depth === 0) name += c;
  }
  names.push(name);
  return names;
}

/** The entity the context path names (undefined for a collection of complex values, e.g. a log function). */
function targetOf(version: GraphVersion, path: string): Target | undefined {
  const names = segmentNames(path).filter((n) => n !== '$entity');
  if (names[0] === 'subscriptions') return { type: SUBSCRIPTION, keyed: true };
  if (names[0] !== 'communications' || names[1] !== 'callRecords') return undefined;
  let target: Target = { type: `${NS}.callRecord`, keyed: true };
  for (const name of names.slice(2)) {
    const nav = navigation(version, target.type).find((n) => n.name === name);
    if (!nav) return undefined;
    target = { type: nav.type, keyed: nav.collection };
  }
  return target;
}

/** The path of an entity's context without its projection or `/$entity`: what its items' ids are built on. */
function basePath(path: string): string {
  const p = path.endsWith('/$entity') ? path.slice(0, -'/$entity'.length) : path;
  if (!p.endsWith(')')) return p;
  // The group the path ends with: a key `('x')` (quoted) stays, a projection `(a,b(c()))` goes.
  let depth = 0;
  for (let i = p.length - 1; i >= 0; i--) {
    if (p[i] === ')') depth++;
    else if (p[i] === '(' && --depth === 0) return p.slice(i).includes("'") ? p : p.slice(0, i);
  }
  return p;
}

/** Primitive types a JSON value shows by itself (OData's heuristics): full metadata annotates the others. */
const SELF_TYPED: ReadonlySet<string> = new Set(['Edm.String', 'Edm.Boolean', 'Edm.Double', 'Edm.Int32']);

/** The subscription is not in the call records model; its one property that needs a type annotation. */
const SUBSCRIPTION_PROPERTIES = new Map<string, PropertyDef>([
  [
    'expirationDateTime',
    { name: 'expirationDateTime', type: 'Edm.DateTimeOffset', collection: false, nullable: false },
  ],
]);

const propertyMaps = new Map<string, Map<string, PropertyDef>>();

function declaredProperties(version: GraphVersion, type: string): Map<string, PropertyDef> {
  if (type === SUBSCRIPTION) return SUBSCRIPTION_PROPERTIES;
  const key = `${version} ${type}`;
  let map = propertyMaps.get(key);
  if (!map) {
    map = new Map(structured(version, type) ? allProperties(version, type).map((p) => [p.name, p]) : []);
    propertyMaps.set(key, map);
  }
  return map;
}

/** `#DateTimeOffset`, `#microsoft.graph.callRecords.callType`, `#Collection(…)`: OData's type name forms. */
function typeName(type: string, collection: boolean): string {
  const name = type.startsWith('Edm.') ? type.slice(4) : type;
  return `#${collection ? `Collection(${name})` : name}`;
}

/** A value's own `@odata.type` when it names a known structured type, else the declared type. */
function runtimeType(version: GraphVersion, obj: Json, declared: string): string {
  const tag = obj['@odata.type'];
  if (typeof tag === 'string' && tag.startsWith('#') && structured(version, tag.slice(1)))
    return tag.slice(1);
  return declared;
}

/** Writes a property with the type annotation full metadata gives it, right before it. */
function writeProperty(
  version: GraphVersion,
  out: Json,
  key: string,
  value: unknown,
  prop: PropertyDef | undefined,
): void {
  if (key.includes('@') || prop === undefined || value === null) {
    out[key] = prop === undefined && !key.includes('@') ? dynamicValue(version, value) : value;
    return;
  }
  if (structured(version, prop.type)) {
    if (prop.collection) out[`${key}@odata.type`] = typeName(prop.type, true);
    out[key] = Array.isArray(value)
      ? value.map((v) => complexValue(version, v, prop.type))
      : complexValue(version, value, prop.type);
    return;
  }
  if (prop.collection || !SELF_TYPED.has(prop.type))
    out[`${key}@odata.type`] = typeName(prop.type, prop.collection);
  out[key] = value;
}

/** A complex value with its `@odata.type` first and its members typed. */
function complexValue(version: GraphVersion, value: unknown, declared: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const obj = value as Json;
  const type = runtimeType(version, obj, declared);
  const out: Json = { '@odata.type': `#${type}` };
  const props = declaredProperties(version, type);
  for (const [key, v] of Object.entries(obj)) {
    if (key !== '@odata.type') writeProperty(version, out, key, v, props.get(key));
  }
  return out;
}

/** An undeclared property of an open type: typed only when its value names its own type. */
function dynamicValue(version: GraphVersion, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const tag = (value as Json)['@odata.type'];
  return typeof tag === 'string' && structured(version, tag.slice(1))
    ? complexValue(version, value, tag.slice(1))
    : value;
}

/**
 * `full`: an entity with its type, id, edit link and navigation links first, then its own members with the type
 * annotations of full metadata.
 */
function decorate(
  version: GraphVersion,
  serviceRoot: string,
  entity: Json,
  declared: string,
  path: string,
): Json {
  const url = `${serviceRoot}/${path}`;
  const type = declared === SUBSCRIPTION ? declared : runtimeType(version, entity, declared);
  const out: Json = {};
  if ('@odata.context' in entity) out['@odata.context'] = entity['@odata.context'];
  out['@odata.type'] = `#${type}`;
  out['@odata.id'] = url;
  out['@odata.editLink'] = url;
  const navs = navigation(version, type);
  const props = declaredProperties(version, type);
  for (const [key, value] of Object.entries(entity)) {
    if (key === '@odata.context' || key === '@odata.type') continue;
    const nav = navs.find((n) => n.name === key);
    if (nav) {
      const navPath = `${path}/${nav.name}`;
      out[`${key}@odata.associationLink`] = `${serviceRoot}/${navPath}/$ref`;
      out[`${key}@odata.navigationLink`] = `${serviceRoot}/${navPath}`;
      out[key] = decorateValue(
        version,
        serviceRoot,
        value,
        { type: nav.type, keyed: nav.collection },
        navPath,
      );
    } else writeProperty(version, out, key, value, key === 'id' ? undefined : props.get(key));
  }
  for (const nav of navs) {
    if (nav.name in entity) continue;
    const navPath = `${path}/${nav.name}`;
    out[`${nav.name}@odata.associationLink`] = `${serviceRoot}/${navPath}/$ref`;
    out[`${nav.name}@odata.navigationLink`] = `${serviceRoot}/${navPath}`;
  }
  return out;
}

function decorateValue(
  version: GraphVersion,
  serviceRoot: string,
  value: unknown,
  target: Target,
  path: string,
): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => decorateValue(version, serviceRoot, v, target, path));
  }
  if (value === null || typeof value !== 'object') return value;
  const entity = value as Json;
  const id = target.keyed && typeof entity.id === 'string' ? `${path}(${quoteKey(entity.id)})` : path;
  return decorate(version, serviceRoot, entity, target.type, id);
}

/**
 * `full`: the body with OData's full control information: on every entity `@odata.type`, `@odata.id`,
 * `@odata.editLink` and the navigation and association links of each navigation property; on every complex value
 * its `@odata.type`; before every property whose JSON value does not show its type (DateTimeOffset, Int64, enum
 * members, collections) its `…@odata.type`. The entities are found from the context URL of the body and of each
 * expanded navigation property; log function rows (complex values of the declared type) are left as they are.
 */
export function withFullControlInformation(text: string, version: GraphVersion, serviceRoot: string): string {
  const body = JSON.parse(text) as Json;
  const context = body['@odata.context'];
  const prefix = `${serviceRoot}/$metadata#`;
  if (typeof context !== 'string' || !context.startsWith(prefix)) return text;
  const path = context.slice(prefix.length);
  const target = targetOf(version, path);
  if (!target) return text;
  const base = basePath(path);
  if (Array.isArray(body.value) && !path.endsWith('/$entity')) {
    body.value = decorateValue(version, serviceRoot, body.value, target, base);
    return JSON.stringify(body);
  }
  const id = target.keyed && typeof body.id === 'string' ? `${base}(${quoteKey(body.id)})` : base;
  return JSON.stringify(decorate(version, serviceRoot, body, target.type, id));
}

/** The response body at `level`, from the `minimal` body the handlers write. */
export function atLevel(
  body: string | readonly Chunk[],
  level: MetadataLevel,
  version: GraphVersion,
  serviceRoot: string,
): string | readonly Chunk[] {
  if (level === 'minimal') return body;
  const text = bodyText(body);
  return level === 'none'
    ? withoutControlInformation(text)
    : withFullControlInformation(text, version, serviceRoot);
}
