// Test oracle: validates a JSON value against an OpenAPI schema of the model, with the Graph (OData) rules that a
// plain JSON Schema validator does not know:
// - closed types: an object of a type that is not open may only carry the properties the type (or a base type)
//   declares, plus OData annotations (any key containing `@`);
// - polymorphism: `"@odata.type": "#ns.T"` switches validation to T, which must exist and derive from (or be)
//   the declared type; an abstract declared type needs it;
// - nullability of `$ref` properties comes from the CSDL (see openapi-model.ts).
// Primitive values, enums and formats are checked by Ajv on the converted schema (openapi-convert.ts).
import type { ErrorObject } from 'ajv';
import { asObject, componentRef, isNullMarker, isNullable } from './openapi-convert.js';
import type { SchemaObject } from './openapi-convert.js';
import { isLeafSchema, leafValidator } from './openapi-model.js';
import type { OpenApiModel, PropertyInfo } from './openapi-model.js';

export interface ValidateOptions {
  /**
   * `minimal` (the Graph default): `@odata.type` is present whenever the value's type differs from the declared
   * type, so an object without it is validated against the declared type.
   * `none` (`Accept: application/json;odata.metadata=none`): Graph omits `@odata.type`, so an object without it
   * is accepted when the declared type or any concrete type deriving from it accepts it.
   */
  readonly odataMetadata?: 'minimal' | 'none';
}

interface Ctx {
  readonly model: OpenApiModel;
  readonly options: ValidateOptions;
  readonly errors: string[];
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function shortType(name: string): string {
  return name.replace(/^microsoft\.graph\./, '');
}

function describeType(typeName: string): string {
  return typeName.includes(' ') ? typeName : `type ${shortType(typeName)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function validateValue(
  model: OpenApiModel,
  schema: SchemaObject,
  value: unknown,
  options: ValidateOptions = {},
): string[] {
  const ctx: Ctx = { model, options, errors: [] };
  check(ctx, schema, value, '$', false);
  return ctx.errors;
}

function check(ctx: Ctx, schema: SchemaObject, value: unknown, path: string, nullable: boolean): void {
  if (value === null) {
    if (!nullable && !isNullable(schema)) ctx.errors.push(`${path}: must not be null`);
    return;
  }
  if (isLeafSchema(ctx.model, schema)) {
    checkLeaf(ctx, schema, value, path);
    return;
  }
  const ref = componentRef(schema);
  if (ref !== undefined) {
    if (ctx.model.types.has(ref)) checkTyped(ctx, ref, value, path);
    else ctx.errors.push(`${path}: schema reference to unknown component ${ref}`);
    return;
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[key])) {
      checkAlternatives(ctx, schema[key] as unknown[], value, path);
      return;
    }
  }
  if (schema.type === 'array' || 'items' in schema) {
    if (!Array.isArray(value)) {
      ctx.errors.push(`${path}: must be array (got ${show(value)})`);
      return;
    }
    const items = asObject(schema.items) ?? {};
    value.forEach((item, i) => check(ctx, items, item, childPath(path, i), false));
    return;
  }
  checkInlineObject(ctx, schema, value, path);
}

function checkLeaf(ctx: Ctx, schema: SchemaObject, value: unknown, path: string): void {
  const validate = leafValidator(ctx.model, schema);
  if (validate(value)) return;
  // With allErrors, a failed anyOf reports each branch and then itself: keep only the summary when it exists.
  const errors = validate.errors ?? [];
  const summaries = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const shown = summaries.length > 0 ? summaries : errors;
  for (const e of shown) ctx.errors.push(formatAjvError(path, e, value));
}

function formatAjvError(path: string, error: ErrorObject, root: unknown): string {
  let at = path;
  let actual: unknown = root;
  for (const segment of error.instancePath.split('/').slice(1)) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(actual) ? Number(key) : key;
    at = childPath(at, index);
    actual =
      isPlainObject(actual) || Array.isArray(actual) ? (actual as Record<string, unknown>)[key] : undefined;
  }
  const params = error.params as Record<string, unknown>;
  const message =
    error.keyword === 'enum' && Array.isArray(params.allowedValues)
      ? `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
      : (error.message ?? error.keyword);
  return `${at}: ${message} (got ${show(actual)})`;
}

function checkAlternatives(ctx: Ctx, branches: unknown[], value: unknown, path: string): void {
  const real = branches.map((b) => asObject(b) ?? {}).filter((b) => !isNullMarker(b));
  if (real.length === 1) {
    check(ctx, real[0] ?? {}, value, path, false);
    return;
  }
  let best: string[] | undefined;
  for (const branch of real) {
    const sub: Ctx = { ...ctx, errors: [] };
    check(sub, branch, value, path, false);
    if (sub.errors.length === 0) return;
    if (best === undefined || sub.errors.length < best.length) best = sub.errors;
  }
  ctx.errors.push(`${path}: matches none of the ${real.length} alternatives; closest one fails with:`);
  ctx.errors.push(...(best ?? []).map((e) => `  ${e}`));
}

/** An object schema that is not a component (e.g. the collection envelope of a function response). */
function checkInlineObject(ctx: Ctx, schema: SchemaObject, value: unknown, path: string): void {
  const properties = new Map<string, PropertyInfo>();
  for (const [key, prop] of Object.entries(asObject(schema.properties) ?? {})) {
    const propSchema = asObject(prop) ?? {};
    if (!key.includes('@'))
      properties.set(key, { schema: propSchema, nullable: false, declaredOn: '(inline)' });
  }
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  checkMembers(ctx, 'inline object schema', properties, required, false, value, path);
}

function checkTyped(ctx: Ctx, declared: string, value: unknown, path: string): void {
  if (!isPlainObject(value)) {
    ctx.errors.push(`${path}: must be an object of type ${shortType(declared)} (got ${show(value)})`);
    return;
  }
  const { model } = ctx;
  const odataType = value['@odata.type'];
  if (odataType !== undefined) {
    const at = childPath(path, '@odata.type');
    if (typeof odataType !== 'string' || !odataType.startsWith('#')) {
      ctx.errors.push(`${at}: must be a string "#<namespace>.<type>" (got ${show(odataType)})`);
      return;
    }
    const named = odataType.slice(1);
    if (!model.types.has(named)) {
      const what = model.schemas[named] !== undefined ? 'is not a structured type' : 'is not a known type';
      ctx.errors.push(`${at}: ${show(odataType)} ${what} in the ${model.version} OpenAPI document`);
      return;
    }
    if (!model.isSubtype(named, declared)) {
      ctx.errors.push(
        `${at}: ${show(odataType)} is neither ${shortType(declared)} nor a type derived from it`,
      );
      return;
    }
    if (model.types.get(named)?.abstract === true) {
      ctx.errors.push(`${at}: ${shortType(named)} is abstract and cannot be instantiated`);
    }
    checkObjectOfType(ctx, named, value, path);
    return;
  }

  const concrete = model.selfAndSubtypes(declared).filter((t) => model.types.get(t)?.abstract !== true);
  if (ctx.options.odataMetadata === 'none' && concrete.length > 0) {
    // No control information: the value is valid if any concrete type in the hierarchy accepts it.
    let best: { type: string; errors: string[] } | undefined;
    for (const type of concrete) {
      const sub: Ctx = { ...ctx, errors: [] };
      checkObjectOfType(sub, type, value, path);
      if (sub.errors.length === 0) return;
      if (best === undefined || sub.errors.length < best.errors.length) best = { type, errors: sub.errors };
    }
    if (concrete.length > 1) {
      ctx.errors.push(
        `${path}: no type among ${concrete.map(shortType).join(', ')} accepts this object; closest (${shortType(best?.type ?? declared)}):`,
      );
    }
    ctx.errors.push(...(best?.errors ?? []));
    return;
  }
  if (model.types.get(declared)?.abstract === true) {
    const names = concrete.map((t) => `"#${t}"`).join(', ');
    ctx.errors.push(
      `${path}: ${shortType(declared)} is abstract; the object needs "@odata.type" naming a concrete subtype (${names})`,
    );
  }
  checkObjectOfType(ctx, declared, value, path);
}

function checkObjectOfType(ctx: Ctx, typeName: string, value: Record<string, unknown>, path: string): void {
  const type = ctx.model.types.get(typeName);
  if (type === undefined) return;
  checkMembers(ctx, typeName, type.properties, type.required, type.open, value, path);
}

function checkMembers(
  ctx: Ctx,
  typeName: string,
  properties: ReadonlyMap<string, PropertyInfo>,
  required: readonly string[],
  open: boolean,
  value: unknown,
  path: string,
): void {
  if (!isPlainObject(value)) {
    ctx.errors.push(`${path}: must be an object (got ${show(value)})`);
    return;
  }
  for (const name of required) {
    if (!(name in value)) {
      ctx.errors.push(`${childPath(path, name)}: required property of ${describeType(typeName)} is missing`);
    }
  }
  for (const [key, member] of Object.entries(value)) {
    const at = childPath(path, key);
    if (key.includes('@')) {
      checkAnnotation(ctx, key, member, at);
      continue;
    }
    const prop = properties.get(key);
    if (prop !== undefined) check(ctx, prop.schema, member, at, prop.nullable);
    else if (!open) ctx.errors.push(`${at}: not declared on closed ${describeType(typeName)}`);
  }
}

/** `@odata.*` control information: `count` is an integer, the others (type, context, nextLink, ...) strings. */
function checkAnnotation(ctx: Ctx, key: string, value: unknown, path: string): void {
  const term = key.slice(key.indexOf('@') + 1);
  if (term === 'odata.count') {
    if (!Number.isInteger(value) || (value as number) < 0) {
      ctx.errors.push(`${path}: must be a non-negative integer (got ${show(value)})`);
    }
  } else if (term.startsWith('odata.') && typeof value !== 'string') {
    ctx.errors.push(`${path}: must be a string (got ${show(value)})`);
  }
}
