// Conformance oracle for tests: validates response bodies against the official Microsoft Graph OpenAPI documents
// in metadata/, with Graph's closed-type and `@odata.type` rules (see openapi-walk.ts).
//
//   assertValidResponse('v1.0', '/communications/callRecords/{callRecord-id}', body);
//   assertValidSchema('v1.0', 'microsoft.graph.ODataErrors.ODataError', errorBody);
import { AssertionError } from 'node:assert';
import { asObject } from './openapi-convert.js';
import type { SchemaObject } from './openapi-convert.js';
import { loadModel, metadataFile } from './openapi-model.js';
import type { GraphVersion, OpenApiModel } from './openapi-model.js';
import { validateValue } from './openapi-walk.js';
import type { ValidateOptions } from './openapi-walk.js';

export type { GraphVersion, OpenApiModel, TypeInfo } from './openapi-model.js';
export type { ValidateOptions } from './openapi-walk.js';
export { loadModel, metadataFile };
export { toJsonSchema } from './openapi-convert.js';

const normalize = (p: string) => p.replace(/\{[^}]*\}/g, '{}');

function pathItem(model: OpenApiModel, pathTemplate: string): SchemaObject {
  const paths = asObject(model.document.paths) ?? {};
  const exact = asObject(paths[pathTemplate]);
  if (exact !== undefined) return exact;
  // Tolerate other parameter names: '/communications/callRecords/{id}' finds '.../{callRecord-id}'.
  const wanted = normalize(pathTemplate);
  const match = Object.keys(paths).find((p) => normalize(p) === wanted);
  const item = match === undefined ? undefined : asObject(paths[match]);
  if (item === undefined) {
    throw new Error(
      `no path ${pathTemplate} in the ${model.version} OpenAPI document; known:\n  ${Object.keys(paths).join('\n  ')}`,
    );
  }
  return item;
}

const responseSchemas = new Map<string, { schema: SchemaObject; textPlain: boolean }>();

/** The body schema of the successful GET response of `pathTemplate` (`200`, else `2XX`). */
export function responseSchema(
  version: GraphVersion,
  pathTemplate: string,
): { schema: SchemaObject; textPlain: boolean } {
  const cacheKey = `${version} ${pathTemplate}`;
  const cached = responseSchemas.get(cacheKey);
  if (cached !== undefined) return cached;
  const model = loadModel(version);
  const get = asObject(pathItem(model, pathTemplate).get);
  const responses = asObject(get?.responses) ?? {};
  let response = asObject(responses['200'] ?? responses['2XX']);
  const ref = response?.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/responses/')) {
    const name = ref.slice('#/components/responses/'.length);
    response = asObject(asObject(asObject(model.document.components)?.responses)?.[name]);
  }
  const content = asObject(response?.content) ?? {};
  const json = asObject(asObject(content['application/json'])?.schema);
  const text = asObject(asObject(content['text/plain'])?.schema);
  const schema = json ?? text;
  if (schema === undefined)
    throw new Error(`GET ${pathTemplate} (${version}) declares no 200/2XX body schema`);
  const result = { schema, textPlain: json === undefined };
  responseSchemas.set(cacheKey, result);
  return result;
}

/**
 * Validates the body of a 200 response to GET `pathTemplate` (a key of the OpenAPI `paths`, e.g.
 * '/communications/callRecords/{callRecord-id}/sessions'). Returns the errors, empty when the body conforms.
 * A `text/plain` body (`$count`) may be passed as the raw string.
 */
export function validateResponse(
  version: GraphVersion,
  pathTemplate: string,
  body: unknown,
  options?: ValidateOptions,
): string[] {
  const { schema, textPlain } = responseSchema(version, pathTemplate);
  const value = textPlain && typeof body === 'string' && /^-?\d+$/.test(body.trim()) ? Number(body) : body;
  return validateValue(loadModel(version), schema, value, options);
}

/** Validates `body` against one component schema, e.g. 'microsoft.graph.callRecords.callRecord'. */
export function validateSchema(
  version: GraphVersion,
  schemaName: string,
  body: unknown,
  options?: ValidateOptions,
): string[] {
  const model = loadModel(version);
  if (model.schemas[schemaName] === undefined) {
    throw new Error(`no component schema ${schemaName} in the ${version} OpenAPI document`);
  }
  const key = `${version} ${schemaName}`;
  let schema = refSchemas.get(key);
  if (schema === undefined) {
    schema = { $ref: `#/components/schemas/${schemaName}` };
    refSchemas.set(key, schema);
  }
  return validateValue(model, schema, body, options);
}

/** Stable `$ref` objects, so the validators compiled for them are cached. */
const refSchemas = new Map<string, SchemaObject>();

function fail(what: string, errors: readonly string[]): never {
  const list = errors.map((e) => `  - ${e}`).join('\n');
  throw new AssertionError({ message: `${what}: ${errors.length} conformance error(s)\n${list}` });
}

export function assertValidResponse(
  version: GraphVersion,
  pathTemplate: string,
  body: unknown,
  options?: ValidateOptions,
): void {
  const errors = validateResponse(version, pathTemplate, body, options);
  if (errors.length > 0) fail(`GET ${pathTemplate} (${version})`, errors);
}

export function assertValidSchema(
  version: GraphVersion,
  schemaName: string,
  body: unknown,
  options?: ValidateOptions,
): void {
  const errors = validateSchema(version, schemaName, body, options);
  if (errors.length > 0) fail(`${schemaName} (${version})`, errors);
}
