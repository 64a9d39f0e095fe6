// Which query options each endpoint takes, $select validation against the model, and continuation links.
import { createHash } from 'node:crypto';
import { badRequest } from '../../errors.js';
import { allProperties, structuredType, type GraphVersion } from '../../graph/model/index.js';
import type { ExpandItem, QueryOptions, SelectItem } from '../../graph/odata/ast.js';
import type { GraphContext } from './context.js';

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

export function expandNames(items: ExpandItem[] | undefined): string[] {
  return (items ?? []).map((i) => i.path.join('/'));
}

/** A digest of the options a page depends on, so a token cannot be replayed against another query. */
export function queryDigest(parts: Record<string, string | undefined>): string {
  const h = createHash('sha256');
  for (const key of Object.keys(parts).sort()) {
    const v = parts[key];
    if (v !== undefined) h.update(`${key}=${v}\n`);
  }
  return h.digest('base64url').slice(0, 22);
}

/** The options (other than $skiptoken) that a continuation link must carry, as decoded text. */
export function carriedOptions(ctx: GraphContext, names: string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const n of names) out[n] = ctx.rawOptions.get(n);
  return out;
}

/** An absolute URL on this server: path below the service root plus options, `$` kept readable. */
export function serviceUrl(
  ctx: GraphContext,
  path: string,
  options: Record<string, string | undefined>,
): string {
  const query = Object.entries(options)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%24/g, '$').replace(/%2C/g, ',')}`)
    .join('&');
  return `${ctx.serviceRoot}/${path}${query ? `?${query}` : ''}`;
}

export function quoteKey(id: string): string {
  return `'${id.replace(/'/g, "''")}'`;
}
