// The telephony log functions bound to the callRecords collection: getPstnCalls, getDirectRoutingCalls (v1.0 and
// beta), getSmsLog, getPstnBlockedUsersLog and getPstnOnlineMeetingDialoutReport (beta). Pages of up to 1,000 rows
// continue with `$skip` as Graph's links do; a signed `$skiptoken` beside it carries the keyset position, so every
// page is an index range scan and a modified or foreign link is a 400.
import { GraphError } from '../../errors.js';
import {
  DIALOUT_CALL_TYPES,
  LOG_PAGE_MAX,
  logFunction,
  type LogFunction,
} from '../../graph/functions/catalog.js';
import { parseTimeRange, type TimeRange } from '../../graph/functions/range.js';
import { logRowServer, logRowText } from '../../graph/shape/log-json.js';
import { pageSize } from '../../graph/shape/prefer.js';
import type { TokenScope } from '../../graph/shape/skiptoken.js';
import type { DialoutGroup, DialoutKey, LogKey } from '../../store/index.js';
import type { GraphContext, GraphResult } from './context.js';
import { collectionText } from './json.js';
import { allowOptions, queryDigest } from './options.js';

/** Where a page starts: rows already served (the `$skip` value) and the key of the last one. */
interface Position<K> {
  skipped: number;
  after?: K;
}

const invalid = (message?: string) =>
  new GraphError('invalidSkipToken', message === undefined ? {} : { message });

/** `$skip` alone is accepted only as 0; otherwise it must come with the `$skiptoken` issued beside it. */
function position<K>(
  ctx: GraphContext,
  scope: TokenScope,
  read: (p: Record<string, unknown>) => K,
): Position<K> {
  const skip = ctx.options.skip;
  const token = ctx.options.skiptoken;
  if (token === undefined) {
    if (skip === undefined || skip === 0) return { skipped: 0 };
    throw invalid(`The value of '$skip' is valid only in an @odata.nextLink issued by this server.`);
  }
  const payload = ctx.deps.tokens.decode(scope, token) as Record<string, unknown> | null;
  if (
    payload === null ||
    typeof payload !== 'object' ||
    typeof payload.n !== 'number' ||
    payload.n !== skip
  ) {
    throw invalid();
  }
  return { skipped: payload.n, after: read(payload) };
}

function readLogKey(p: Record<string, unknown>): LogKey {
  if (typeof p.s !== 'number' || typeof p.i !== 'string') throw invalid();
  return { timeMs: p.s, id: p.i };
}

function readDialoutKey(p: Record<string, unknown>): DialoutKey {
  const k = p.k;
  if (!Array.isArray(k) || k.length !== 4 || !k.every((v) => typeof v === 'string')) throw invalid();
  const [userId, usageLocation, destinationContext, currency] = k as [string, string, string, string];
  return { userId, usageLocation, destinationContext, currency };
}

function nextLink(ctx: GraphContext, fn: LogFunction, range: TimeRange, skip: number, token: string): string {
  const params = encodeURIComponent(range.text)
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%3D/gi, '=');
  return (
    `${ctx.serviceRoot}/communications/callRecords/${fn.name}(${params})` +
    `?$skip=${skip}&$skiptoken=${encodeURIComponent(token)}`
  );
}

const orNull = (s: string) => (s === '' ? null : s);

function dialoutRow(g: DialoutGroup): Record<string, unknown> {
  return {
    userId: orNull(g.userId),
    userPrincipalName: g.userPrincipalName,
    userDisplayName: g.userDisplayName,
    usageLocation: orNull(g.usageLocation),
    destinationContext: orNull(g.destinationContext),
    currency: orNull(g.currency),
    totalCalls: g.totalCalls,
    totalCallCharge: g.totalChargeMicros / 1_000_000,
    totalCallSeconds: g.totalSeconds,
  };
}

/** GET …/callRecords/{function}(fromDateTime=…,toDateTime=…). */
export async function callLogFunction(
  ctx: GraphContext,
  name: string,
  rawParameters: string,
): Promise<GraphResult> {
  const fn = logFunction(name);
  if (!fn || !fn.versions.includes(ctx.version)) {
    throw new GraphError('unknownSegment', { message: `Resource not found for the segment '${name}'.` });
  }
  const range = parseTimeRange(fn, rawParameters);
  // $filter is accepted and ignored, as Graph does on these functions (spec §11.1).
  allowOptions(ctx.options, ['skip', 'skiptoken', 'filter'], `the ${fn.name} function`);
  const size = pageSize(ctx.prefs, LOG_PAGE_MAX);
  const scope: TokenScope = {
    tenantId: ctx.tenantId,
    collection: `log:${fn.name}`,
    query: queryDigest({ from: String(range.fromMs), to: String(range.toMs) }),
  };
  const omitNulls = ctx.prefs.omitNulls;
  let items: string[];
  let token: string | undefined;
  let skipped: number;
  if (fn.source === 'dialout') {
    const pos = position(ctx, scope, readDialoutKey);
    skipped = pos.skipped;
    const groups = await ctx.deps.store.logs.dialout(ctx.tenantId, {
      ...range,
      callTypes: DIALOUT_CALL_TYPES,
      ...(pos.after ? { after: pos.after } : {}),
      limit: size + 1,
    });
    const page = groups.slice(0, size);
    items = page.map((g) => logRowText(ctx.version, fn.rowType, dialoutRow(g), omitNulls));
    const last = page[page.length - 1];
    if (groups.length > size && last) {
      const k = [last.userId, last.usageLocation, last.destinationContext, last.currency];
      token = ctx.deps.tokens.encode(scope, { n: skipped + page.length, k });
    }
  } else {
    const pos = position(ctx, scope, readLogKey);
    skipped = pos.skipped;
    const rows = await ctx.deps.store.logs.list(ctx.tenantId, fn.source, {
      ...range,
      ...(pos.after ? { after: pos.after } : {}),
      limit: size + 1,
    });
    const page = rows.slice(0, size);
    const serve = logRowServer(ctx.version, fn.rowType, omitNulls);
    items = page.map((r) => serve(r.body));
    const last = page[page.length - 1];
    if (rows.length > size && last) {
      token = ctx.deps.tokens.encode(scope, { n: skipped + page.length, s: last.timeMs, i: last.id });
    }
  }
  const link = token === undefined ? undefined : nextLink(ctx, fn, range, skipped + items.length, token);
  const context = `${ctx.metadata}Collection(${fn.rowType})`;
  return { body: collectionText(context, items, link, items.length), pageSize: size };
}
