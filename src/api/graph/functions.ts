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
import { collectionContext } from '../../graph/shape/context.js';
import { collectionText } from '../../graph/shape/envelope.js';
import { logRowServer, logRowText } from '../../graph/shape/log-json.js';
import { keysetPage, readPosition, type Page } from '../../graph/shape/page.js';
import { pageSize } from '../../graph/shape/prefer.js';
import type { TokenScope } from '../../graph/shape/skiptoken.js';
import type { DialoutGroup, DialoutKey, LogKey } from '../../store/index.js';
import { tokenScope, type GraphContext, type GraphResult } from './context.js';
import { allowOptions } from './options.js';

/** Where a page starts: rows already served (the `$skip` value) and the key of the last one. */
interface Position<K> {
  skipped: number;
  after?: K;
}

const invalid = (message?: string) =>
  new GraphError('invalidSkipToken', message === undefined ? {} : { message });

/**
 * `$skip` alone is accepted only as 0; otherwise it must come with the `$skiptoken` issued beside it, whose
 * payload holds the same count.
 */
function position<K>(
  ctx: GraphContext,
  scope: TokenScope,
  read: (p: Record<string, unknown>) => K | undefined,
): Position<K> {
  const skip = ctx.options.skip;
  const token = ctx.options.skiptoken;
  if (token === undefined) {
    if (skip === undefined || skip === 0) return { skipped: 0 };
    throw invalid(`The value of '$skip' is valid only in an @odata.nextLink issued by this server.`);
  }
  return readPosition(ctx.deps.tokens, scope, token, (p) => {
    const after = typeof p.n === 'number' && p.n === skip ? read(p) : undefined;
    return after === undefined ? undefined : { skipped: p.n as number, after };
  })!;
}

function readLogKey(p: Record<string, unknown>): LogKey | undefined {
  return typeof p.s === 'number' && typeof p.i === 'string' ? { timeMs: p.s, id: p.i } : undefined;
}

function readDialoutKey(p: Record<string, unknown>): DialoutKey | undefined {
  const k = p.k;
  if (!Array.isArray(k) || k.length !== 4 || !k.every((v) => typeof v === 'string')) return undefined;
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
  // Graph accepts $filter on these functions and ignores it.
  allowOptions(ctx.options, ['skip', 'skiptoken', 'filter'], `the ${fn.name} function`);
  const size = pageSize(ctx.prefs, LOG_PAGE_MAX);
  const scope = tokenScope(ctx, `log:${fn.name}`, { from: String(range.fromMs), to: String(range.toMs) });
  const omitNulls = ctx.prefs.omitNulls;
  const paging = { tokens: ctx.deps.tokens, scope, size };
  let skipped: number;
  let page: Page<string>;
  if (fn.source === 'dialout') {
    const pos = position(ctx, scope, readDialoutKey);
    skipped = pos.skipped;
    const groups = await keysetPage({
      ...paging,
      fetch: (limit) =>
        ctx.deps.store.logs.dialout(ctx.tenantId, {
          ...range,
          callTypes: DIALOUT_CALL_TYPES,
          ...(pos.after ? { after: pos.after } : {}),
          limit,
        }),
      position: (last, served) => ({
        n: skipped + served,
        k: [last.userId, last.usageLocation, last.destinationContext, last.currency],
      }),
      link: (token, served) => nextLink(ctx, fn, range, skipped + served, token),
    });
    page = {
      ...groups,
      rows: groups.rows.map((g) => logRowText(ctx.version, fn.rowType, dialoutRow(g), omitNulls)),
    };
  } else {
    const source = fn.source;
    const pos = position(ctx, scope, readLogKey);
    skipped = pos.skipped;
    const rows = await keysetPage({
      ...paging,
      fetch: (limit) =>
        ctx.deps.store.logs.list(ctx.tenantId, source, {
          ...range,
          ...(pos.after ? { after: pos.after } : {}),
          limit,
        }),
      position: (last, served) => ({ n: skipped + served, s: last.timeMs, i: last.id }),
      link: (token, served) => nextLink(ctx, fn, range, skipped + served, token),
    });
    const serve = logRowServer(ctx.version, fn.rowType, omitNulls);
    page = { ...rows, rows: rows.rows.map((r) => serve(r.body)) };
  }
  const context = collectionContext(ctx.metadata, fn.rowType);
  return { body: collectionText(context, page.rows, page.nextLink, page.rows.length), pageSize: size };
}
