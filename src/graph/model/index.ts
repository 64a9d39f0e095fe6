// The entity model: the official schema (generated from the CSDL) and the questions the rest of the code asks it.
import { BETA_MODEL, V1_MODEL } from './schema.generated.js';
import type { CallRecord, Organizer, Participant, Segment, Session } from './interfaces.generated.js';
import type { EnumTypeDef, PropertyDef, SchemaModel, StructuredTypeDef } from './types.js';

export type * from './interfaces.generated.js';
export type * from './types.js';

export type GraphVersion = 'v1.0' | 'beta';

export const NS = 'microsoft.graph.callRecords';
export const MODELS: Readonly<Record<GraphVersion, SchemaModel>> = { 'v1.0': V1_MODEL, beta: BETA_MODEL };

/** A session with its segments inline, as ingested and as expanded. */
export interface SessionDocument extends Session {
  segments: Segment[];
}

/** A call record with every contained navigation inline: the unit the generator and the admin API produce. */
export interface CallRecordDocument extends CallRecord {
  organizer_v2: Organizer | null;
  participants_v2: Participant[];
  sessions: SessionDocument[];
}

export function structuredType(version: GraphVersion, name: string): StructuredTypeDef {
  const t = MODELS[version].types[name];
  if (!t || t.kind === 'enum') throw new Error(`not a structured type: ${name}`);
  return t;
}

export function enumType(version: GraphVersion, name: string): EnumTypeDef | undefined {
  const t = MODELS[version].types[name];
  return t?.kind === 'enum' ? t : undefined;
}

/** Declared properties of a type including those of its base types, base first. */
export function allProperties(version: GraphVersion, name: string): PropertyDef[] {
  const t = structuredType(version, name);
  const inherited = t.base ? allProperties(version, t.base) : [];
  return [...inherited, ...t.properties];
}

export function isSubtypeOf(version: GraphVersion, name: string, ancestor: string): boolean {
  for (
    let cur: string | undefined = name;
    cur;
    cur =
      MODELS[version].types[cur]?.kind === 'enum'
        ? undefined
        : (MODELS[version].types[cur] as StructuredTypeDef | undefined)?.base
  ) {
    if (cur === ancestor) return true;
  }
  return false;
}

/**
 * Members declared after `unknownFutureValue` in an evolvable enum: sent as themselves only when the client
 * asks with `Prefer: include-unknown-enum-members`.
 */
export function optInMembers(version: GraphVersion, enumName: string): string[] {
  const e = enumType(version, enumName);
  if (!e) return [];
  const sentinel = e.members.findIndex((m) => m.name === 'unknownFutureValue');
  return sentinel < 0 ? [] : e.members.slice(sentinel + 1).map((m) => m.name);
}
