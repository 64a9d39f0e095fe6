// Which query options each endpoint takes, and $select validation against the model.
import { badRequest } from '../../errors.js';
import { allProperties, structuredType, type GraphVersion } from '../../graph/model/index.js';
import type { QueryOptions, SelectItem } from '../../graph/odata/ast.js';

type OptionName = keyof QueryOptions;

const OPTION_TEXT: Record<OptionName, string> = {
  filter: '$filter',
  select: '$select',
  expand: '$expand',
  orderby: '$orderby',
  top: '$top',
  skip: '$skip',
  count: '$count',
  search: '$search',
  skiptoken: '$skiptoken',
};

/** Rejects any option the endpoint does not support, naming it, as Graph does. */
export function allowOptions(options: QueryOptions, allowed: OptionName[], where: string): void {
  for (const key of Object.keys(options) as OptionName[]) {
    if (options[key] === undefined || allowed.includes(key)) continue;
    throw badRequest(`The query option '${OPTION_TEXT[key]}' is not supported on ${where}.`);
  }
}

/** Validates $select items against the declared properties of the type; returns the property names. */
export function selectedProperties(
  version: GraphVersion,
  typeName: string,
  select: SelectItem[] | undefined,
  extra: string[] = [],
): string[] | undefined {
  if (!select) return undefined;
  if (select.some((s) => s.path.length === 1 && s.path[0] === '*')) return undefined;
  const declared = new Map<string, string>();
  for (const p of allProperties(version, typeName)) declared.set(p.name.toLowerCase(), p.name);
  for (const n of structuredType(version, typeName).navigation) declared.set(n.name.toLowerCase(), n.name);
  for (const e of extra) declared.set(e.toLowerCase(), e);
  const names: string[] = [];
  for (const item of select) {
    const name = item.path.length === 1 ? declared.get(item.path[0]!.toLowerCase()) : undefined;
    if (!name) {
      throw badRequest(`Could not find a property named '${item.path.join('/')}' on type '${typeName}'.`);
    }
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
