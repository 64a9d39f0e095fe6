// What every Graph handler gets: version, tenant, base URLs, preferences and the parsed query options.
import type { GraphVersion } from '../../graph/model/index.js';
import type { QueryOptions } from '../../graph/odata/ast.js';
import type { Chunk } from '../../graph/shape/envelope.js';
import type { Preferences } from '../../graph/shape/prefer.js';
import type { Shaper } from '../../graph/shape/reshape.js';
import { queryDigest } from '../../graph/shape/links.js';
import type { SkipTokenCodec, TokenScope } from '../../graph/shape/skiptoken.js';
import type { Clock } from '../../clock.js';
import type { DeflatedBody, JoinCoding } from '../http/deflate-join.js';
import type { Store } from '../../store/index.js';

export interface GraphDeps {
  store: Store;
  clock: Clock;
  tokens: SkipTokenCodec;
  shapers: Record<GraphVersion, Shaper>;
  retentionDays: number;
  /** Tenants' own retention (a mirrored tenant keeps everything by default); the server's days otherwise. */
  tenantRetention?: { floor(tenantId: string, now: number): number };
}

export interface GraphContext {
  deps: GraphDeps;
  version: GraphVersion;
  tenantId: string;
  /** e.g. https://host/v1.0 — used for nextLinks. */
  serviceRoot: string;
  /** e.g. https://host/v1.0/$metadata# — prefix of @odata.context values. */
  metadata: string;
  prefs: Preferences;
  options: QueryOptions;
  /** The decoded text of each system query option, by lower-case name with '$' (e.g. '$filter'). */
  rawOptions: Map<string, string>;
  /**
   * The coding the answer will be sent with when it may be joined from stored deflate fragments (gzip or deflate
   * asked for, minimal metadata, not inside a batch: compression.ts, joinableCoding); undefined otherwise.
   */
  joinCoding?: JoinCoding;
}

export interface GraphResult {
  status?: number;
  /**
   * The body as text, or as parts (text or UTF-8 bytes) to write one after the other, or (only when
   * GraphContext.joinCoding is set) as pieces to join into a compressed body.
   */
  body: string | readonly Chunk[] | DeflatedBody;
  contentType?: 'json' | 'text';
  /** The page size applied, for Preference-Applied. */
  pageSize?: number;
  /** Extra response headers (e.g. Location on a 201). */
  headers?: Record<string, string>;
}

export function minStartMs(ctx: GraphContext): number {
  const now = ctx.deps.clock.now();
  const own = ctx.deps.tenantRetention;
  return own ? own.floor(ctx.tenantId, now) : now - ctx.deps.retentionDays * 86_400_000;
}

/** Where this request's continuation tokens are valid: its tenant, the collection and the options it carries. */
export function tokenScope(
  ctx: GraphContext,
  collection: string,
  carried: Record<string, string | undefined>,
): TokenScope {
  return { tenantId: ctx.tenantId, collection, query: queryDigest(carried) };
}
