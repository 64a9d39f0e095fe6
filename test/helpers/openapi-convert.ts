// Test oracle: OpenAPI 3.0 schema objects -> JSON Schema (draft-07) that the default Ajv class compiles in strict
// mode, plus the Ajv instance (formats) used for the primitive checks.
import { Ajv } from 'ajv';
import formatsModule from 'ajv-formats';

export type SchemaObject = Readonly<Record<string, unknown>>;
export type JsonSchema = Record<string, unknown>;

export const COMPONENT_SCHEMA_PREFIX = '#/components/schemas/';

export function asObject(value: unknown): SchemaObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as SchemaObject)
    : undefined;
}

/** Component name of a `#/components/schemas/<name>` reference, else undefined. */
export function componentRef(schema: SchemaObject): string | undefined {
  const ref = schema.$ref;
  return typeof ref === 'string' && ref.startsWith(COMPONENT_SCHEMA_PREFIX)
    ? ref.slice(COMPONENT_SCHEMA_PREFIX.length)
    : undefined;
}

/** Keywords that only document (or are OpenAPI-only) and that Ajv's strict mode would reject. */
const DROPPED = new Set(['nullable', 'discriminator', 'example', 'xml', 'externalDocs', 'deprecated']);
/** Keywords that do not constrain, so they may sit next to `$ref` without wrapping. */
const ANNOTATION_ONLY = new Set(['title', 'description', 'default', 'readOnly', 'writeOnly', 'examples']);

/**
 * The Graph OpenAPI spells "nullable reference" as `anyOf: [{ $ref }, { type: 'object', nullable: true }]`. The
 * second branch is a null marker, not "any object": taken literally it would accept every object.
 */
export function isNullMarker(schema: SchemaObject): boolean {
  if (schema.nullable !== true) return false;
  return Object.keys(schema).every(
    (k) => k === 'nullable' || (k === 'type' && schema.type === 'object') || ANNOTATION_ONLY.has(k),
  );
}

/** `nullable: true`, or an `anyOf`/`oneOf` with a null-marker branch. */
export function isNullable(schema: SchemaObject): boolean {
  if (schema.nullable === true) return true;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.some((b) => isNullMarker(asObject(b) ?? {}))) return true;
  }
  return false;
}

/**
 * Converts one OpenAPI schema object. `refBase` is the Ajv `$id` under which the converted components are stored
 * as `definitions`, so `#/components/schemas/X` becomes `<refBase>#/definitions/X`.
 *
 * - `nullable: true` -> `null` added to `type` (and `enum`), or `anyOf: [<schema>, {type: 'null'}]` when the schema
 *   has no `type` (`$ref`, `allOf`, `anyOf`, `oneOf`); null-marker branches become `{type: 'null'}`.
 * - `x-*` extensions, `discriminator`, `example`, `xml`, `externalDocs`, `deprecated` are dropped.
 * - `additionalProperties: {type: 'object'}` (how the Graph OpenAPI marks every type) is dropped: it is not a
 *   Graph rule (an open type's dynamic properties may be primitives). Closed/open types are checked by the walker
 *   in openapi-walk.ts instead.
 * - `$ref` with constraining siblings is wrapped in `allOf` (OpenAPI 3.0 ignores the siblings; draft-07 too).
 */
export function toJsonSchema(schema: unknown, refBase: string): JsonSchema {
  const source = asObject(schema);
  if (source === undefined) throw new TypeError(`not a schema object: ${JSON.stringify(schema)}`);
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith('x-') || DROPPED.has(key)) continue;
    switch (key) {
      case '$ref': {
        const name = componentRef(source);
        if (name === undefined) throw new Error(`unsupported $ref ${JSON.stringify(value)}`);
        out.$ref = `${refBase}#/definitions/${name}`;
        break;
      }
      case 'properties':
        out.properties = Object.fromEntries(
          Object.entries(asObject(value) ?? {}).map(([k, v]) => [k, toJsonSchema(v, refBase)]),
        );
        break;
      case 'items':
      case 'not':
        out[key] = toJsonSchema(value, refBase);
        break;
      case 'additionalProperties': {
        const ap = asObject(value);
        if (typeof value === 'boolean') out[key] = value;
        else if (ap !== undefined && !(Object.keys(ap).length === 1 && ap.type === 'object'))
          out[key] = toJsonSchema(ap, refBase);
        break;
      }
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        out[key] = (value as unknown[]).map((branch) => {
          const b = asObject(branch);
          return key !== 'allOf' && b !== undefined && isNullMarker(b)
            ? { type: 'null' }
            : toJsonSchema(branch, refBase);
        });
        break;
      default:
        out[key] = value;
    }
  }
  let result = out;
  if (typeof out.$ref === 'string' && Object.keys(out).some((k) => k !== '$ref' && !ANNOTATION_ONLY.has(k))) {
    const { $ref, ...rest } = out;
    result = { ...rest, allOf: [{ $ref }, ...(Array.isArray(rest.allOf) ? (rest.allOf as unknown[]) : [])] };
  }
  if (source.nullable !== true) return result;
  if (typeof result.type === 'string') {
    result.type = [result.type, 'null'];
    if (Array.isArray(result.enum) && !result.enum.includes(null))
      result.enum = [...(result.enum as unknown[]), null];
    return result;
  }
  if (Array.isArray(result.type)) {
    if (!result.type.includes('null')) result.type = [...(result.type as unknown[]), 'null'];
    return result;
  }
  return { anyOf: [result, { type: 'null' }] };
}

/**
 * Edm.Duration (`-?P[nD][T[nH][nM][n[.n]S]]`, at least one component). ajv-formats' `duration` rejects fractional
 * seconds such as `PT0.007S`, which Graph returns for jitter and round-trip times, so it is replaced.
 */
const EDM_DURATION = /^-?P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

const isInt = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max;
const isFiniteNumber = (n: number) => Number.isFinite(n);

export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  // ajv-formats is CommonJS; under NodeNext its default import is `module.exports`, whose `.default` is the plugin.
  formatsModule.default(ajv);
  ajv.addFormat('duration', EDM_DURATION);
  ajv.addFormat('int8', { type: 'number', validate: isInt(-128, 127) });
  ajv.addFormat('uint8', { type: 'number', validate: isInt(0, 255) });
  ajv.addFormat('int16', { type: 'number', validate: isInt(-32768, 32767) });
  ajv.addFormat('int32', { type: 'number', validate: isInt(-2147483648, 2147483647) });
  // Beyond 2^53 a JSON number is not exact in JavaScript anyway; only integrality is checked.
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  for (const name of ['float', 'double', 'decimal']) {
    ajv.addFormat(name, { type: 'number', validate: isFiniteNumber });
  }
  ajv.addFormat('base64url', /^[A-Za-z0-9_-]*={0,2}$/);
  ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
  ajv.addFormat('binary', true);
  return ajv;
}
