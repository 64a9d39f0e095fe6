// Keyset paging, written once: a page fetches one row more than it serves, and when that row exists the last
// served row's position goes into a signed $skiptoken inside @odata.nextLink. Positions are read back only from
// tokens this server signed for the same tenant, collection and query.
import { GraphError, badRequest } from '../../errors.js';
import { pageSize, type Preferences } from './prefer.js';
import type { SkipTokenCodec, TokenScope } from './skiptoken.js';

/** The page size to serve: the collection's maximum, lowered by odata.maxpagesize and $top ($top=0 is a 400). */
export function servedPageSize(prefs: Preferences, max: number, top?: number): number {
  if (top === 0) throw badRequest(`The value of '$top' must be greater than zero.`);
  return pageSize(prefs, max, top);
}

/**
 * The position a $skiptoken continues from, or undefined without one. `read` returns undefined for a payload
 * that is not a position of this collection; that, like a foreign or modified token, is Graph's 400.
 */
export function readPosition<P>(
  tokens: SkipTokenCodec,
  scope: TokenScope,
  token: string | undefined,
  read: (payload: Record<string, unknown>) => P | undefined,
): P | undefined {
  if (token === undefined) return undefined;
  const payload = tokens.decode(scope, token);
  const position =
    payload !== null && typeof payload === 'object' ? read(payload as Record<string, unknown>) : undefined;
  if (position === undefined) throw new GraphError('invalidSkipToken');
  return position;
}

export interface PageOptions<R> {
  tokens: SkipTokenCodec;
  scope: TokenScope;
  /** Rows to serve. */
  size: number;
  /** Fetches up to `limit` rows (size + 1) from the position being continued. */
  fetch(limit: number): Promise<R[]>;
  /** The token payload for the page after `last`, the page's last row; `served` rows are on this page. */
  position(last: R, served: number): unknown;
  /** The @odata.nextLink carrying `token`. */
  link(token: string, served: number): string;
}

export interface Page<R> {
  rows: R[];
  nextLink?: string;
}

export async function keysetPage<R>(o: PageOptions<R>): Promise<Page<R>> {
  const fetched = await o.fetch(o.size + 1);
  if (fetched.length <= o.size) return { rows: fetched };
  const rows = fetched.slice(0, o.size);
  const token = o.tokens.encode(o.scope, o.position(rows[rows.length - 1]!, rows.length));
  return { rows, nextLink: o.link(token, rows.length) };
}
