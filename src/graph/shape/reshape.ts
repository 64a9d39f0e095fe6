// Model-driven rewriting of stored entity JSON for one request: evolvable-enum opt-in, omit-values=nulls and
// $select. Stored bodies are already in the response shape, so the common case returns the text untouched.
import {
  allProperties,
  MODELS,
  optInMembers,
  type GraphVersion,
  type PropertyDef,
  type StructuredTypeDef,
} from '../model/index.js';
import { chunkText, type Chunk } from './envelope.js';

/** Quoted names of every opt-in enum member, in either version (the union: a stored body serves both). */
const OPT_IN_NEEDLES_ALL = [
  ...new Set(
    (['v1.0', 'beta'] as const).flatMap((v) =>
      Object.values(MODELS[v].types).flatMap((t) => (t.kind === 'enum' ? optInMembers(v, t.name) : [])),
    ),
  ),
]
  .map((m) => `"${m}"`)
  .sort();

/**
 * Names the set of opt-in members a stored text was checked against. A record stored with this mark holds none of
 * them, so reads skip the scan; a model with other members gets another mark, and rows marked before are scanned.
 */
export const OPT_IN_MARK = `v1:${OPT_IN_NEEDLES_ALL.join(',')}`.slice(0, 200);

/** The mark to store with texts at write time: OPT_IN_MARK when none holds an opt-in member, else null. */
export function optInMark(...texts: (string | null)[]): string | null {
  return texts.some((t) => t !== null && OPT_IN_NEEDLES_ALL.some((n) => t.includes(n))) ? null : OPT_IN_MARK;
}

export interface ShapeOptions {
  includeUnknownEnumMembers: boolean;
  omitNulls: boolean;
  /** Top-level properties to keep, in $select order; undefined keeps all. */
  select?: readonly string[];
}

interface PropPlan {
  /** Enum members to replace with unknownFutureValue unless the client opted in. */
  optIn?: ReadonlySet<string>;
  /** Declared structured type of the value (or of its items). */
  structured?: string;
}

export class Shaper {
  readonly #version: GraphVersion;
  readonly #plans = new Map<string, Map<string, PropPlan>>();
  /** Quoted member names whose presence in a body means the enum pass is needed. */
  readonly #optInNeedles: string[];

  constructor(version: GraphVersion) {
    this.#version = version;
    const needles = new Set<string>();
    for (const t of Object.values(MODELS[version].types)) {
      if (t.kind === 'enum') for (const m of optInMembers(version, t.name)) needles.add(`"${m}"`);
    }
    this.#optInNeedles = [...needles];
  }

  #plan(typeName: string): Map<string, PropPlan> {
    let plan = this.#plans.get(typeName);
    if (plan) return plan;
    plan = new Map();
    for (const p of allProperties(this.#version, typeName)) plan.set(p.name, this.#propPlan(p));
    this.#plans.set(typeName, plan);
    return plan;
  }

  #propPlan(p: PropertyDef): PropPlan {
    const t = MODELS[this.#version].types[p.type];
    if (!t) return {};
    if (t.kind === 'enum') {
      const optIn = optInMembers(this.#version, t.name);
      return optIn.length > 0 ? { optIn: new Set(optIn) } : {};
    }
    return { structured: t.name };
  }

  /** The runtime type of an object: its @odata.type when that is a known type, else the declared one. */
  #runtimeType(obj: Record<string, unknown>, declared: string): string {
    const tag = obj['@odata.type'];
    if (typeof tag === 'string' && tag.startsWith('#')) {
      const name = tag.slice(1);
      const t = MODELS[this.#version].types[name] as StructuredTypeDef | undefined;
      if (t && t.kind !== ('enum' as string)) return name;
    }
    return declared;
  }

  /**
   * Whether `text` (an entity body) must be parsed to honour `opts`. `optInFree`: the text is known, from its
   * write-time mark (optInMark), to hold no opt-in enum member.
   */
  needsWork(text: Chunk, opts: ShapeOptions, optInFree = false): boolean {
    if (opts.omitNulls || opts.select) return true;
    if (opts.includeUnknownEnumMembers || optInFree) return false;
    const bytes =
      typeof text === 'string' ? undefined : Buffer.from(text.buffer, text.byteOffset, text.length);
    return this.#optInNeedles.some((n) => (bytes ? bytes.includes(n) : (text as string).includes(n)));
  }

  /** Returns the entity JSON for the response: the stored text or bytes as they are, unless they must change. */
  entityText(text: Chunk, typeName: string, opts: ShapeOptions, optInFree = false): Chunk {
    if (!this.needsWork(text, opts, optInFree)) return text;
    return JSON.stringify(
      this.entityValue(JSON.parse(chunkText(text)) as Record<string, unknown>, typeName, opts),
    );
  }

  entityValue(obj: Record<string, unknown>, typeName: string, opts: ShapeOptions): Record<string, unknown> {
    let source = obj;
    if (opts.select) {
      source = {};
      for (const key of opts.select) if (key in obj) source[key] = obj[key];
    }
    return this.#object(source, typeName, opts);
  }

  #object(obj: Record<string, unknown>, declared: string, opts: ShapeOptions): Record<string, unknown> {
    const plan = this.#plan(this.#runtimeType(obj, declared));
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) {
      if (value === null && opts.omitNulls) continue;
      out[key] = this.#value(value, plan.get(key), opts);
    }
    return out;
  }

  #value(value: unknown, plan: PropPlan | undefined, opts: ShapeOptions): unknown {
    if (value === null) return value;
    if (plan === undefined) return this.#dynamic(value, opts);
    if (Array.isArray(value)) return value.map((v) => this.#value(v, plan, opts));
    if (plan.optIn && typeof value === 'string') {
      return !opts.includeUnknownEnumMembers && plan.optIn.has(value) ? 'unknownFutureValue' : value;
    }
    if (plan.structured && typeof value === 'object') {
      return this.#object(value as Record<string, unknown>, plan.structured, opts);
    }
    return value;
  }

  /**
   * The value of an undeclared (dynamic) property of an open type, e.g. `phone` in an `identitySet`: typed by its
   * `@odata.type` when that names a known type, otherwise only stripped of nulls (omit-values=nulls holds at every
   * depth).
   */
  #dynamic(value: unknown, opts: ShapeOptions): unknown {
    if (Array.isArray(value)) return value.map((v) => this.#dynamic(v, opts));
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const typed = this.#runtimeType(obj, '');
    if (typed !== '') return this.#object(obj, typed, opts);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(obj)) {
      if (v === null && opts.omitNulls) continue;
      out[key] = this.#dynamic(v, opts);
    }
    return out;
  }
}
