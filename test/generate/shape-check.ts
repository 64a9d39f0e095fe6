// Walks a generated value against the entity model (src/graph/model): every declared property present (the modern
// shape), non-nullable ones not null, no undeclared property on closed types, enum members valid, primitives typed,
// and `@odata.type` naming a known subtype of the declared type. Navigation properties are walked too.
import { allProperties, enumType, isSubtypeOf, MODELS, structuredType } from '../../src/graph/model/index.js';
import type { GraphVersion, PropertyDef, StructuredTypeDef } from '../../src/graph/model/index.js';

interface TypeInfo {
  def: StructuredTypeDef;
  props: readonly PropertyDef[];
  nav: readonly { name: string; type: string; collection: boolean }[];
  allowed: ReadonlySet<string>;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$/;
const DURATION = /^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/;

/** Types that must always carry `@odata.type` (abstract or with concrete subtypes used polymorphically). */
const POLYMORPHIC = new Set([
  'microsoft.graph.callRecords.endpoint',
  'microsoft.graph.callRecords.userAgent',
]);

export class ShapeChecker {
  readonly #version: GraphVersion;
  readonly #types = new Map<string, TypeInfo>();
  readonly errors: string[] = [];

  constructor(version: GraphVersion = 'v1.0') {
    this.#version = version;
  }

  #info(name: string): TypeInfo {
    let info = this.#types.get(name);
    if (!info) {
      const def = structuredType(this.#version, name);
      const props = allProperties(this.#version, name);
      const nav: TypeInfo['nav'] = [];
      for (
        let t: StructuredTypeDef | undefined = def;
        t;
        t = t.base ? structuredType(this.#version, t.base) : undefined
      ) {
        (nav as { name: string; type: string; collection: boolean }[]).push(...t.navigation);
      }
      info = { def, props, nav, allowed: new Set([...props.map((p) => p.name), ...nav.map((n) => n.name)]) };
      this.#types.set(name, info);
    }
    return info;
  }

  #fail(path: string, message: string): void {
    if (this.errors.length < 50) this.errors.push(`${path}: ${message}`);
  }

  /** Checks `value` as an instance of the structured type `typeName` (fully qualified). */
  check(value: unknown, typeName: string, path = '$', withNavigation = true): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.#fail(path, `expected an object of ${typeName}`);
      return;
    }
    const obj = value as Record<string, unknown>;
    let name = typeName;
    const odataType = obj['@odata.type'];
    if (odataType !== undefined) {
      const runtime = typeof odataType === 'string' ? odataType.replace(/^#/, '') : '';
      if (!MODELS[this.#version].types[runtime]) {
        this.#fail(path, `unknown @odata.type ${JSON.stringify(odataType)}`);
        return;
      }
      if (!isSubtypeOf(this.#version, runtime, typeName)) {
        this.#fail(path, `@odata.type ${runtime} is not a ${typeName}`);
        return;
      }
      name = runtime;
    } else if (POLYMORPHIC.has(typeName) || this.#info(typeName).def.abstract) {
      this.#fail(path, `${typeName} without @odata.type`);
    }
    const info = this.#info(name);
    for (const p of info.props) {
      if (!(p.name in obj)) {
        this.#fail(`${path}.${p.name}`, `missing (declared on ${name})`);
        continue;
      }
      this.#value(obj[p.name], p.type, p.collection, p.nullable, `${path}.${p.name}`);
    }
    if (withNavigation) {
      for (const n of info.nav) {
        if (!(n.name in obj)) continue;
        this.#value(obj[n.name], n.type, n.collection, true, `${path}.${n.name}`);
      }
    }
    if (!info.def.open) {
      for (const key of Object.keys(obj)) {
        if (!key.includes('@') && !info.allowed.has(key))
          this.#fail(`${path}.${key}`, `undeclared on closed ${name}`);
      }
    }
  }

  #value(v: unknown, type: string, collection: boolean, nullable: boolean, path: string): void {
    if (collection) {
      if (!Array.isArray(v)) {
        this.#fail(path, 'expected an array');
        return;
      }
      v.forEach((item, i) => this.#value(item, type, false, false, `${path}[${i}]`));
      return;
    }
    if (v === null) {
      if (!nullable) this.#fail(path, 'must not be null');
      return;
    }
    if (type.startsWith('Edm.')) {
      this.#primitive(v, type, path);
      return;
    }
    const e = enumType(this.#version, type);
    if (e) {
      if (typeof v !== 'string' || !e.members.some((m) => m.name === v)) {
        this.#fail(path, `${JSON.stringify(v)} is not a member of ${type}`);
      }
      return;
    }
    this.check(v, type, path);
  }

  #primitive(v: unknown, type: string, path: string): void {
    switch (type) {
      case 'Edm.String':
        if (typeof v !== 'string') this.#fail(path, 'expected a string');
        break;
      case 'Edm.Boolean':
        if (typeof v !== 'boolean') this.#fail(path, 'expected a boolean');
        break;
      case 'Edm.Int32':
      case 'Edm.Int64':
        if (!Number.isInteger(v)) this.#fail(path, 'expected an integer');
        break;
      case 'Edm.Single':
      case 'Edm.Double':
      case 'Edm.Decimal':
        if (typeof v !== 'number' || !Number.isFinite(v)) this.#fail(path, 'expected a number');
        break;
      case 'Edm.DateTimeOffset':
        if (typeof v !== 'string' || !DATE_TIME.test(v))
          this.#fail(path, `bad date-time ${JSON.stringify(v)}`);
        break;
      case 'Edm.Duration':
        if (typeof v !== 'string' || !DURATION.test(v)) this.#fail(path, `bad duration ${JSON.stringify(v)}`);
        break;
      default:
        break;
    }
  }
}
