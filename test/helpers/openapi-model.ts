// Test oracle: loads one Graph OpenAPI document (plus the CSDL beside it) into a type model the walker uses:
// for every object component its base type, its properties (inherited ones included) with their nullability,
// `required`, and whether it is open/abstract. Everything is cached per version.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ValidateFunction } from 'ajv';
import { findCsdlProperty, loadCsdl } from './openapi-csdl.js';
import type { CsdlType } from './openapi-csdl.js';
import {
  asObject,
  componentRef,
  createAjv,
  isNullable,
  isNullMarker,
  toJsonSchema,
} from './openapi-convert.js';
import type { SchemaObject } from './openapi-convert.js';

export type GraphVersion = 'v1.0' | 'beta';

export interface PropertyInfo {
  readonly schema: SchemaObject;
  readonly nullable: boolean;
  /** The type that declares the property (a base type for inherited ones). */
  readonly declaredOn: string;
}

export interface TypeInfo {
  readonly name: string;
  readonly base: string | undefined;
  readonly abstract: boolean;
  readonly open: boolean;
  /** Declared and inherited properties; keys containing `@` (OData annotations) are not properties. */
  readonly properties: ReadonlyMap<string, PropertyInfo>;
  readonly required: readonly string[];
}

export interface OpenApiModel {
  readonly version: GraphVersion;
  readonly document: SchemaObject;
  readonly schemas: Readonly<Record<string, SchemaObject>>;
  /** Object-typed components only (enums and primitives are validated by Ajv). */
  readonly types: ReadonlyMap<string, TypeInfo>;
  readonly ajv: Ajv;
  /** Ajv `$id` of the converted components (`<refBase>#/definitions/<name>`). */
  readonly refBase: string;
  isSubtype(type: string, of: string): boolean;
  /** `type` and all types deriving from it, transitively. */
  selfAndSubtypes(type: string): string[];
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A file of the official metadata extract committed in metadata/ (`examples/...` for the golden bodies). */
export function metadataFile(name: string): string {
  return path.join(REPO_ROOT, 'metadata', name);
}

function csdlFiles(version: GraphVersion): string[] {
  // There is no beta copy of the microsoft.graph types (identity, identitySet, ...): the v1.0 one serves both.
  const callRecords = version === 'v1.0' ? 'callrecords-schema-v1.0.xml' : 'callrecords-schema-beta.xml';
  return [metadataFile(callRecords), metadataFile('callrecords-graph-types-v1.0.xml')];
}

function isObjectSchema(schema: SchemaObject): boolean {
  return schema.type === 'object' || 'properties' in schema || 'allOf' in schema;
}

/** A bare `$ref` (OpenAPI 3.0 cannot say `nullable` next to it, so the CSDL decides). */
function isBareRef(schema: SchemaObject): boolean {
  return (
    componentRef(schema) !== undefined && !Object.keys(schema).some((k) => k === 'type' || k === 'nullable')
  );
}

interface RawType {
  base: string | undefined;
  own: Map<string, SchemaObject>;
  required: string[];
}

function readRawType(name: string, schema: SchemaObject, csdl: ReadonlyMap<string, CsdlType>): RawType {
  const parts = Array.isArray(schema.allOf) ? (schema.allOf as unknown[]).map((p) => asObject(p) ?? {}) : [];
  let base: string | undefined;
  const own = new Map<string, SchemaObject>();
  const required: string[] = [];
  for (const part of [schema, ...parts]) {
    const ref = componentRef(part);
    if (ref !== undefined && part !== schema) {
      if (base !== undefined) throw new Error(`${name}: allOf with two $ref bases is not supported`);
      base = ref;
      continue;
    }
    for (const [key, value] of Object.entries(asObject(part.properties) ?? {})) {
      if (!key.includes('@')) own.set(key, asObject(value) ?? {});
    }
    if (Array.isArray(part.required)) required.push(...(part.required as string[]));
  }
  // The beta supplements flatten e.g. directRoutingLogRow instead of deriving it from callLogRow; the CSDL knows.
  return { base: base ?? csdl.get(name)?.baseType, own, required };
}

function readJson(file: string): SchemaObject {
  return asObject(JSON.parse(readFileSync(file, 'utf8'))) ?? {};
}

/**
 * The callRecords document with the `/subscriptions` one merged in (paths, component schemas and responses). The
 * components they share (entity, ODataErrors.*, the `error` response) are identical; a conflict throws.
 */
function readDocument(version: GraphVersion): SchemaObject {
  const main = readJson(metadataFile(`callrecords-openapi-${version}.json`));
  const extra = readJson(metadataFile(`subscriptions-openapi-${version}.json`));
  const merge = (what: string, a: unknown, b: unknown): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...asObject(a) };
    for (const [key, value] of Object.entries(asObject(b) ?? {})) {
      if (key in out && JSON.stringify(out[key]) !== JSON.stringify(value)) {
        throw new Error(`subscriptions-openapi-${version}.json redefines ${what} ${key} differently`);
      }
      out[key] = value;
    }
    return out;
  };
  const components = asObject(main.components) ?? {};
  const extraComponents = asObject(extra.components) ?? {};
  return {
    ...main,
    paths: merge('path', main.paths, extra.paths),
    components: {
      ...components,
      schemas: merge('schema', components.schemas, extraComponents.schemas),
      responses: merge('response', components.responses, extraComponents.responses),
    },
  };
}

function buildModel(version: GraphVersion): OpenApiModel {
  const document = readDocument(version);
  const schemas = (asObject(asObject(document.components)?.schemas) ?? {}) as Record<string, SchemaObject>;
  const csdl = loadCsdl(csdlFiles(version));

  const raw = new Map<string, RawType>();
  for (const [name, schema] of Object.entries(schemas)) {
    if (isObjectSchema(schema)) raw.set(name, readRawType(name, schema, csdl));
  }
  const types = new Map<string, TypeInfo>();
  const resolve = (name: string, chain: readonly string[] = []): TypeInfo => {
    const done = types.get(name);
    if (done !== undefined) return done;
    if (chain.includes(name)) throw new Error(`inheritance cycle: ${[...chain, name].join(' -> ')}`);
    const r = raw.get(name);
    if (r === undefined) throw new Error(`${chain.at(-1) ?? name}: base ${name} is not an object component`);
    const baseInfo = r.base !== undefined && raw.has(r.base) ? resolve(r.base, [...chain, name]) : undefined;
    const properties = new Map<string, PropertyInfo>(baseInfo?.properties ?? []);
    for (const [prop, schema] of r.own) {
      const csdlProp = findCsdlProperty(csdl, name, prop);
      const nullable =
        isNullable(schema) ||
        (isBareRef(schema) && csdlProp !== undefined && !csdlProp.collection && csdlProp.nullable);
      properties.set(prop, { schema, nullable, declaredOn: name });
    }
    const csdlType = csdl.get(name);
    const info: TypeInfo = {
      name,
      base: baseInfo?.name,
      abstract: csdlType?.abstract ?? false,
      // A type deriving from an open type is open. Types the CSDL does not describe (ODataErrors.*, collection
      // envelopes) are closed unless they declare no property at all (InnerError: "service-specific").
      open:
        (baseInfo?.open ?? false) ||
        (csdlType !== undefined ? csdlType.open : baseInfo === undefined && r.own.size === 0),
      properties,
      required: [...new Set([...(baseInfo?.required ?? []), ...r.required])],
    };
    types.set(name, info);
    return info;
  };
  for (const name of raw.keys()) resolve(name);

  const refBase = `urn:callrecords-openapi:${version}`;
  const ajv = createAjv();
  const definitions = Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [name, toJsonSchema(schema, refBase)]),
  );
  ajv.addSchema({ $id: refBase, definitions });

  const isSubtype = (type: string, of: string): boolean => {
    for (let t: string | undefined = type; t !== undefined; t = types.get(t)?.base) if (t === of) return true;
    return false;
  };
  return {
    version,
    document,
    schemas,
    types,
    ajv,
    refBase,
    isSubtype,
    selfAndSubtypes: (type) => [...types.keys()].filter((t) => isSubtype(t, type)),
  };
}

const models = new Map<GraphVersion, OpenApiModel>();

export function loadModel(version: GraphVersion): OpenApiModel {
  let model = models.get(version);
  if (model === undefined) {
    model = buildModel(version);
    models.set(version, model);
  }
  return model;
}

const leafValidators = new WeakMap<SchemaObject, ValidateFunction>();

/**
 * The Ajv validator for a schema with no object type inside (primitives, enums, arrays of those). Nullability is
 * left to the caller (it may come from the CSDL), so the compiled schema never accepts null at its top level.
 */
export function leafValidator(model: OpenApiModel, schema: SchemaObject): ValidateFunction {
  let validate = leafValidators.get(schema);
  if (validate === undefined) {
    validate = model.ajv.compile(toJsonSchema(withoutTopLevelNull(schema), model.refBase));
    leafValidators.set(schema, validate);
  }
  return validate;
}

export function withoutTopLevelNull(schema: SchemaObject): SchemaObject {
  const rest: Record<string, unknown> = { ...schema };
  delete rest.nullable;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = rest[key];
    if (!Array.isArray(branches)) continue;
    const kept = branches.filter((b) => !isNullMarker(asObject(b) ?? {}));
    if (kept.length === 1 && Object.keys(rest).length === 1) return asObject(kept[0]) ?? {};
    rest[key] = kept;
  }
  return rest;
}

const leafCache = new WeakMap<SchemaObject, boolean>();

/** True when `schema` reaches no object-typed component (so Ajv alone can check it). */
export function isLeafSchema(model: OpenApiModel, schema: SchemaObject, seen = new Set<string>()): boolean {
  const cached = leafCache.get(schema);
  if (cached !== undefined) return cached;
  let leaf: boolean;
  const ref = componentRef(schema);
  if (ref !== undefined) {
    const target = model.schemas[ref];
    // Enum/primitive components only; `seen` guards against reference cycles.
    leaf =
      !model.types.has(ref) &&
      target !== undefined &&
      (seen.has(ref) || isLeafSchema(model, target, seen.add(ref)));
  } else if (isObjectSchema(schema)) {
    leaf = false;
  } else {
    const children: unknown[] = [schema.items, schema.not];
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      if (Array.isArray(schema[key])) children.push(...(schema[key] as unknown[]));
    }
    leaf = children.every((c) => {
      const child = asObject(c);
      return child === undefined || isNullMarker(child) || isLeafSchema(model, child, seen);
    });
  }
  leafCache.set(schema, leaf);
  return leaf;
}
