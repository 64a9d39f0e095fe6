// A small reader for the CSDL files in metadata/. CSDL is machine-written XML with one element
// per tag, so a tag scanner is enough; no XML dependency is needed.
import { readFileSync } from 'node:fs';

export interface CsdlProperty {
  name: string;
  type: string;
  collection: boolean;
  nullable: boolean;
}
export interface CsdlNavigation {
  name: string;
  type: string;
  collection: boolean;
  containsTarget: boolean;
}
export interface CsdlStructured {
  kind: 'entity' | 'complex';
  name: string;
  base?: string;
  abstract: boolean;
  open: boolean;
  properties: CsdlProperty[];
  navigation: CsdlNavigation[];
}
export interface CsdlEnum {
  kind: 'enum';
  name: string;
  members: { name: string; value: number }[];
}
export interface CsdlFunction {
  name: string;
  bindingType: string;
  parameters: { name: string; type: string }[];
  returnType: string;
  returnsCollection: boolean;
}
export interface CsdlSchema {
  types: Map<string, CsdlStructured | CsdlEnum>;
  functions: CsdlFunction[];
}

const TAG = /<(\/?)([A-Za-z]+)((?:\s+[A-Za-z:]+="[^"]*")*)\s*(\/?)>/g;
const ATTR = /([A-Za-z:]+)="([^"]*)"/g;

function attrs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(ATTR)) out[m[1]!] = m[2]!;
  return out;
}

/** Normalises `graph.x` and `Collection(graph.x)` to fully qualified names. */
function qualify(type: string): { type: string; collection: boolean } {
  const coll = /^Collection\((.+)\)$/.exec(type);
  const inner = coll ? coll[1]! : type;
  const fq = inner.startsWith('graph.') ? `microsoft.${inner}` : inner;
  return { type: fq, collection: coll !== null };
}

export function readCsdl(
  files: string[],
  into: CsdlSchema = { types: new Map(), functions: [] },
): CsdlSchema {
  for (const file of files) {
    const xml = readFileSync(file, 'utf8');
    let namespace = '';
    let current: CsdlStructured | CsdlEnum | undefined;
    let fn: CsdlFunction | undefined;
    const stack: string[] = [];
    for (const m of xml.matchAll(TAG)) {
      const [, close, tag, attrText, selfClose] = m;
      const a = attrs(attrText ?? '');
      if (close) {
        stack.pop();
        if (tag === 'EntityType' || tag === 'ComplexType' || tag === 'EnumType') current = undefined;
        if (tag === 'Function' && fn) {
          into.functions.push(fn);
          fn = undefined;
        }
        continue;
      }
      if (!selfClose) stack.push(tag!);
      if (stack.includes('Annotations') || (tag === 'Annotations' && selfClose)) continue;
      switch (tag) {
        case 'Schema':
          namespace = a.Namespace ?? '';
          break;
        case 'EntityType':
        case 'ComplexType': {
          const t: CsdlStructured = {
            kind: tag === 'EntityType' ? 'entity' : 'complex',
            name: `${namespace}.${a.Name}`,
            abstract: a.Abstract === 'true',
            open: a.OpenType === 'true',
            properties: [],
            navigation: [],
          };
          if (a.BaseType) t.base = qualify(a.BaseType).type;
          into.types.set(t.name, t);
          current = selfClose ? undefined : t;
          break;
        }
        case 'EnumType': {
          const e: CsdlEnum = { kind: 'enum', name: `${namespace}.${a.Name}`, members: [] };
          into.types.set(e.name, e);
          current = selfClose ? undefined : e;
          break;
        }
        case 'Member':
          if (current?.kind === 'enum') current.members.push({ name: a.Name!, value: Number(a.Value) });
          break;
        case 'Property':
          if (current && current.kind !== 'enum') {
            const q = qualify(a.Type!);
            current.properties.push({
              name: a.Name!,
              type: q.type,
              collection: q.collection,
              nullable: a.Nullable !== 'false',
            });
          }
          break;
        case 'NavigationProperty':
          if (current && current.kind !== 'enum') {
            const q = qualify(a.Type!);
            current.navigation.push({
              name: a.Name!,
              type: q.type,
              collection: q.collection,
              containsTarget: a.ContainsTarget === 'true',
            });
          }
          break;
        case 'Function':
          fn = {
            name: `${namespace}.${a.Name}`,
            bindingType: '',
            parameters: [],
            returnType: '',
            returnsCollection: false,
          };
          break;
        case 'Parameter':
          if (fn) {
            if (a.Name === 'bindingParameter') fn.bindingType = a.Type!;
            else fn.parameters.push({ name: a.Name!, type: a.Type! });
          }
          break;
        case 'ReturnType':
          if (fn) {
            const q = qualify(a.Type!);
            fn.returnType = q.type;
            fn.returnsCollection = q.collection;
          }
          break;
      }
    }
  }
  return into;
}
