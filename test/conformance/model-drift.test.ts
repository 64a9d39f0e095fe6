// Drift between the server's model (src/graph/model, generated from the CSDL) and the official OpenAPI documents
// (issue 6, part 3): for every type the same properties, each with the same type, collection-ness and
// nullability; the same base types, abstractness and openness; the same enum members in the same order; the same
// bound functions. test/graph/model-drift.test.ts proves the generated files equal a fresh generation from the
// CSDL; this proves the CSDL and the OpenAPI agree through the model. Either side adding or dropping anything fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MODELS } from '../../src/graph/model/index.js';
import type { SchemaModel, StructuredTypeDef } from '../../src/graph/model/index.js';
import { asObject, isNullMarker } from '../helpers/openapi-convert.js';
import type { SchemaObject } from '../helpers/openapi-convert.js';
import { loadModel } from '../helpers/openapi.js';
import type { GraphVersion, OpenApiModel } from '../helpers/openapi.js';
import { callRecordsDocument, routes, typeRef, VERSIONS } from './routes.js';

/** Components of the OpenAPI documents that are not CSDL types, and why. */
const NOT_IN_MODEL: [RegExp, string][] = [
  [/CollectionResponse$/, 'collection response envelopes are made by the OpenAPI converter'],
  [/^microsoft\.graph\.ODataErrors\./, 'the error envelope is the OData error format, not a CSDL type'],
  [
    /^microsoft\.graph\.subscription$/,
    'served by /subscriptions (its own document), not by the call records model',
  ],
];

/**
 * Functions the OpenAPI documents list that the CSDL of the same version does not declare. The beta document's
 * getPstnCalls/getDirectRoutingCalls are supplements generated from the v1.0 CSDL (metadata/README.md: "not
 * backed by the beta CSDL"); the server serves them on beta too, with the beta row shapes.
 */
const FUNCTIONS_NOT_IN_MODEL: Record<GraphVersion, string[]> = {
  'v1.0': [],
  beta: ['getPstnCalls', 'getDirectRoutingCalls'],
};

const EDM_BY_FORMAT: Record<string, string> = {
  'date-time': 'Edm.DateTimeOffset',
  duration: 'Edm.Duration',
  date: 'Edm.Date',
  time: 'Edm.TimeOfDay',
  uuid: 'Edm.Guid',
  int16: 'Edm.Int16',
  int32: 'Edm.Int32',
  int64: 'Edm.Int64',
  uint8: 'Edm.Byte',
  int8: 'Edm.SByte',
  float: 'Edm.Single',
  double: 'Edm.Double',
  decimal: 'Edm.Decimal',
  base64url: 'Edm.Binary',
  byte: 'Edm.Binary',
};

/** The Edm type an OpenAPI primitive schema stands for (as the Graph converter writes them). */
function edmOf(schema: SchemaObject): string {
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (!Array.isArray(branches)) continue;
    const real = branches.map((b) => asObject(b) ?? {}).filter((b) => !isNullMarker(b));
    if (real.some((b) => b.$ref === '#/components/schemas/ReferenceNumeric')) {
      return EDM_BY_FORMAT[String(real.find((b) => typeof b.format === 'string')?.format)] ?? 'Edm.Double';
    }
    if (real.length === 1) return edmOf(real[0] ?? {});
  }
  if (typeof schema.format === 'string') return EDM_BY_FORMAT[schema.format] ?? `format ${schema.format}`;
  if (schema.type === 'string') return 'Edm.String';
  if (schema.type === 'boolean') return 'Edm.Boolean';
  return `unknown ${JSON.stringify(schema)}`;
}

function structured(model: SchemaModel): Map<string, StructuredTypeDef> {
  const out = new Map<string, StructuredTypeDef>();
  for (const [name, t] of Object.entries(model.types)) if (t.kind !== 'enum') out.set(name, t);
  return out;
}

interface Described {
  type: string;
  collection: boolean;
  nullable: boolean | undefined;
}

function modelProperties(types: Map<string, StructuredTypeDef>, name: string): Map<string, Described> {
  const chain: StructuredTypeDef[] = [];
  for (let t = types.get(name); t !== undefined; t = t.base ? types.get(t.base) : undefined) chain.unshift(t);
  const out = new Map<string, Described>();
  for (const t of chain) {
    for (const p of t.properties) {
      // The OpenAPI cannot say whether a collection may be null (arrays are never marked nullable).
      out.set(p.name, {
        type: p.type,
        collection: p.collection,
        nullable: p.collection ? undefined : p.nullable,
      });
    }
    for (const n of t.navigation) {
      // Navigation properties: a single one may be null; the OpenAPI says nothing about a collection's nullability.
      out.set(n.name, { type: n.type, collection: n.collection, nullable: n.collection ? undefined : true });
    }
  }
  return out;
}

function openApiProperty(oa: OpenApiModel, schema: SchemaObject, nullable: boolean): Described {
  const ref = typeRef(schema);
  const primitive = schema.type === 'array' || 'items' in schema ? (asObject(schema.items) ?? {}) : schema;
  return {
    type: ref.type ?? edmOf(primitive),
    collection: ref.collection,
    nullable: ref.collection ? undefined : nullable,
  };
}

/** Every difference between the server's model and the OpenAPI document of one version. */
export function modelDrift(version: GraphVersion, model: SchemaModel, oa: OpenApiModel): string[] {
  const out: string[] = [];
  const types = structured(model);
  const excluded = (name: string) => NOT_IN_MODEL.some(([re]) => re.test(name));
  for (const name of oa.types.keys()) {
    if (!excluded(name) && !types.has(name)) out.push(`${name}: in the OpenAPI, missing from the model`);
  }
  for (const [name, t] of types) {
    const o = oa.types.get(name);
    if (o === undefined) {
      out.push(`${name}: in the model, missing from the OpenAPI`);
      continue;
    }
    if ((t.base ?? undefined) !== o.base)
      out.push(`${name}: base ${t.base} in the model, ${o.base} in the OpenAPI`);
    if (t.abstract !== o.abstract)
      out.push(`${name}: abstract ${t.abstract} in the model, ${o.abstract} in the OpenAPI`);
    if (t.open !== o.open) out.push(`${name}: open ${t.open} in the model, ${o.open} in the OpenAPI`);
    const mine = modelProperties(types, name);
    for (const prop of o.properties.keys()) {
      if (!mine.has(prop)) out.push(`${name}.${prop}: in the OpenAPI, missing from the model`);
    }
    for (const [prop, m] of mine) {
      const info = o.properties.get(prop);
      if (info === undefined) {
        out.push(`${name}.${prop}: in the model, missing from the OpenAPI`);
        continue;
      }
      const theirs = openApiProperty(oa, info.schema, info.nullable);
      for (const k of ['type', 'collection', 'nullable'] as const) {
        if (m[k] !== theirs[k]) {
          out.push(`${name}.${prop}: ${k} ${String(m[k])} in the model, ${String(theirs[k])} in the OpenAPI`);
        }
      }
    }
  }
  for (const [name, t] of Object.entries(model.types)) {
    if (t.kind !== 'enum') continue;
    const members = oa.schemas[name]?.enum;
    const mine = t.members.map((m) => m.name);
    if (!Array.isArray(members)) out.push(`${name}: enum in the model, not in the OpenAPI`);
    else if (JSON.stringify(members) !== JSON.stringify(mine)) {
      out.push(`${name}: members ${mine.join(',')} in the model, ${members.join(',')} in the OpenAPI`);
    }
  }
  for (const [name, schema] of Object.entries(oa.schemas)) {
    if (Array.isArray(schema.enum) && !(name in model.types) && name.startsWith('microsoft.graph.')) {
      out.push(`${name}: enum in the OpenAPI, missing from the model`);
    }
  }
  const modelFns = new Map(model.functions.map((f) => [f.name.replace(/^.*\./, ''), f]));
  const oaFns = new Map(
    routes(version)
      .filter((r) => r.fn !== undefined)
      .map((r) => [r.fn!, r]),
  );
  for (const [fn, r] of oaFns) {
    const f = modelFns.get(fn);
    if (f === undefined) {
      if (!FUNCTIONS_NOT_IN_MODEL[version].includes(fn))
        out.push(`function ${fn}: in the OpenAPI, missing from the model`);
      continue;
    }
    if (f.returnType !== r.itemType || !f.returnsCollection || r.kind !== 'collection') {
      out.push(`function ${fn}: returns ${f.returnType} in the model, ${r.itemType} in the OpenAPI`);
    }
    const params = f.parameters.map((p) => `${p.name}={${p.name}}`).join(',');
    if (!r.template.endsWith(`.${fn}(${params})`))
      out.push(`function ${fn}: parameters ${params} vs ${r.template}`);
  }
  for (const fn of modelFns.keys()) {
    if (!oaFns.has(fn)) out.push(`function ${fn}: in the model, missing from the OpenAPI`);
  }
  return out;
}

for (const version of VERSIONS) {
  test(`${version}: the model and the official OpenAPI declare the same types, properties, enums and functions`, () => {
    assert.ok(callRecordsDocument(version).paths, 'the OpenAPI document is readable');
    assert.deepEqual(modelDrift(version, MODELS[version], loadModel(version)), []);
  });
}

test('the drift check fails on an addition, an omission or a changed property', () => {
  const version = 'v1.0';
  const oa = loadModel(version);
  const mutated: SchemaModel = structuredClone(MODELS[version]);
  const session = mutated.types['microsoft.graph.callRecords.session'] as StructuredTypeDef;
  session.properties.push({ name: 'notInGraph', type: 'Edm.String', collection: false, nullable: true });
  session.properties = session.properties.filter((p) => p.name !== 'isTest');
  const media = mutated.types['microsoft.graph.callRecords.media'] as StructuredTypeDef;
  const label = media.properties.find((p) => p.name === 'label')!;
  label.nullable = !label.nullable;
  const stream = mutated.types['microsoft.graph.callRecords.mediaStream'] as StructuredTypeDef;
  stream.properties.find((p) => p.name === 'averageJitter')!.type = 'Edm.String';
  const family = mutated.types['microsoft.graph.callRecords.productFamily'];
  if (family?.kind === 'enum') family.members.push({ name: 'notInGraph', value: 99 });
  delete mutated.types['microsoft.graph.callRecords.traceRouteHop'];
  mutated.functions = mutated.functions.filter((f) => !f.name.endsWith('getPstnCalls'));
  const drift = modelDrift(version, mutated, oa);
  const expected = [
    'microsoft.graph.callRecords.session.notInGraph: in the model, missing from the OpenAPI',
    'microsoft.graph.callRecords.session.isTest: in the OpenAPI, missing from the model',
    'microsoft.graph.callRecords.media.label: nullable',
    'microsoft.graph.callRecords.mediaStream.averageJitter: type Edm.String in the model, Edm.Duration',
    'microsoft.graph.callRecords.productFamily: members',
    'microsoft.graph.callRecords.traceRouteHop: in the OpenAPI, missing from the model',
    'function getPstnCalls: in the OpenAPI, missing from the model',
  ];
  for (const e of expected)
    assert.ok(
      drift.some((d) => d.startsWith(e)),
      `not reported: ${e}\n${drift.join('\n')}`,
    );
});
