// Test oracle: a minimal, independent reader of the CSDL files in metadata/. It extracts only what the
// OpenAPI documents cannot express: which structured types are open (OpenType="true") or abstract, the CSDL base
// type, and the nullability of each property (OpenAPI 3.0 drops `nullable` next to a `$ref`).
//
// Deliberately separate from scripts/csdl.ts, so the oracle does not share code with what it checks.
import { readFileSync } from 'node:fs';

export interface CsdlProperty {
  readonly name: string;
  /** Qualified element type; `Collection(...)` is unwrapped into `collection`. */
  readonly type: string;
  readonly collection: boolean;
  /** CSDL `Nullable` (default true). For a collection it is about the items. */
  readonly nullable: boolean;
}

export interface CsdlType {
  /** Qualified name, e.g. `microsoft.graph.callRecords.callRecord`. */
  readonly name: string;
  readonly kind: 'EntityType' | 'ComplexType' | 'EnumType';
  readonly baseType: string | undefined;
  readonly abstract: boolean;
  readonly open: boolean;
  readonly properties: ReadonlyMap<string, CsdlProperty>;
}

const ATTRS = String.raw`((?:\s+[\w.:]+\s*=\s*"[^"]*")*)`;
const SCHEMA_RE = new RegExp(String.raw`<Schema${ATTRS}\s*>`, 'g');
const TYPE_RE = new RegExp(String.raw`<(EntityType|ComplexType|EnumType)${ATTRS}\s*(/?)>`, 'g');
const PROPERTY_RE = new RegExp(String.raw`<(?:Property|NavigationProperty)${ATTRS}\s*/?>`, 'g');

function attributes(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of (text ?? '').matchAll(/([\w.:]+)\s*=\s*"([^"]*)"/g)) {
    out.set(m[1] ?? '', m[2] ?? '');
  }
  return out;
}

function qualify(name: string, aliases: ReadonlyMap<string, string>): string {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return name;
  const prefix = name.slice(0, dot);
  const namespace = aliases.get(prefix);
  return namespace === undefined ? name : `${namespace}${name.slice(dot)}`;
}

/**
 * Parses every `<Schema>` element of the given CSDL documents (keyed by qualified type name). They are read as one
 * model: an alias declared by one schema (`Alias="graph"`) also resolves in the others.
 */
export function parseCsdl(xml: string | readonly string[]): Map<string, CsdlType> {
  const texts = typeof xml === 'string' ? [xml] : xml;
  const aliases = new Map<string, string>();
  for (const text of texts) {
    for (const m of text.matchAll(SCHEMA_RE)) {
      const a = attributes(m[1]);
      const namespace = a.get('Namespace');
      if (namespace === undefined) continue;
      aliases.set(namespace, namespace);
      const alias = a.get('Alias');
      if (alias !== undefined) aliases.set(alias, namespace);
    }
  }
  const types = new Map<string, CsdlType>();
  for (const text of texts) {
    for (const schemaMatch of text.matchAll(SCHEMA_RE)) {
      const namespace = attributes(schemaMatch[1]).get('Namespace');
      if (namespace === undefined) continue;
      const start = (schemaMatch.index ?? 0) + schemaMatch[0].length;
      const end = text.indexOf('</Schema>', start);
      parseSchemaBody(text.slice(start, end < 0 ? undefined : end), namespace, aliases, types);
    }
  }
  return types;
}

function parseSchemaBody(
  body: string,
  namespace: string,
  aliases: ReadonlyMap<string, string>,
  into: Map<string, CsdlType>,
): void {
  for (const typeMatch of body.matchAll(TYPE_RE)) {
    const kind = typeMatch[1] as CsdlType['kind'];
    const typeAttrs = attributes(typeMatch[2]);
    const bodyStart = (typeMatch.index ?? 0) + typeMatch[0].length;
    const bodyEnd = typeMatch[3] === '/' ? bodyStart : body.indexOf(`</${kind}>`, bodyStart);
    const typeBody = body.slice(bodyStart, bodyEnd < 0 ? undefined : bodyEnd);
    const properties = new Map<string, CsdlProperty>();
    if (kind !== 'EnumType') {
      for (const propMatch of typeBody.matchAll(PROPERTY_RE)) {
        const propAttrs = attributes(propMatch[1]);
        const propName = propAttrs.get('Name');
        const rawType = propAttrs.get('Type');
        if (propName === undefined || rawType === undefined) continue;
        const collection = rawType.startsWith('Collection(') && rawType.endsWith(')');
        const elementType = collection ? rawType.slice('Collection('.length, -1) : rawType;
        properties.set(propName, {
          name: propName,
          type: qualify(elementType, aliases),
          collection,
          nullable: propAttrs.get('Nullable') !== 'false',
        });
      }
    }
    const base = typeAttrs.get('BaseType');
    const name = `${namespace}.${typeAttrs.get('Name') ?? ''}`;
    into.set(name, {
      name,
      kind,
      baseType: base === undefined ? undefined : qualify(base, aliases),
      abstract: typeAttrs.get('Abstract') === 'true',
      open: typeAttrs.get('OpenType') === 'true',
      properties,
    });
  }
}

export function loadCsdl(files: readonly string[]): Map<string, CsdlType> {
  return parseCsdl(files.map((file) => readFileSync(file, 'utf8')));
}

/** Looks `property` up on `typeName` or its CSDL base types. */
export function findCsdlProperty(
  types: ReadonlyMap<string, CsdlType>,
  typeName: string,
  property: string,
): CsdlProperty | undefined {
  const seen = new Set<string>();
  for (let t = types.get(typeName); t !== undefined && !seen.has(t.name);) {
    seen.add(t.name);
    const p = t.properties.get(property);
    if (p !== undefined) return p;
    t = t.baseType === undefined ? undefined : types.get(t.baseType);
  }
  return undefined;
}
