// Sessions, segments, participants_v2 and organizer_v2 of one call record.
import { GraphError, badRequest } from '../../errors.js';
import { NS } from '../../graph/model/index.js';
import { pageSize } from '../../graph/shape/prefer.js';
import type { TokenScope } from '../../graph/shape/skiptoken.js';
import type { ChildRow, SessionRow } from '../../store/index.js';
import type { GraphContext, GraphResult } from './context.js';
import { collectionText, extendObject, str, withContext } from './json.js';
import {
  allowOptions,
  carriedOptions,
  queryDigest,
  quoteKey,
  selectedProperties,
  serviceUrl,
} from './options.js';
import { requireRecord, shapeOpts } from './records.js';

export const SESSIONS_MAX = 60;
export const PARTICIPANTS_MAX = 130;

interface Page {
  items: string[];
  nextLink?: string;
}

function afterOrdinal(ctx: GraphContext, scope: TokenScope, token: string | undefined): number | undefined {
  if (token === undefined) return undefined;
  const pos = ctx.deps.tokens.decode(scope, token) as { o?: unknown };
  if (typeof pos?.o !== 'number' || !Number.isInteger(pos.o) || pos.o < 0)
    throw new GraphError('invalidSkipToken');
  return pos.o;
}

const recordPath = (id: string) => `communications/callRecords(${quoteKey(id)})`;

function segmentsText(ctx: GraphContext, recordId: string, s: SessionRow): string {
  const shaper = ctx.deps.shapers[ctx.version];
  const items = (s.segments ?? []).map((g) =>
    shaper.entityText(g.body, `${NS}.segment`, shapeOpts(ctx), g.optInFree),
  );
  return '[' + items.join(',') + ']';
}

function sessionText(
  ctx: GraphContext,
  recordId: string,
  s: SessionRow,
  select: string[] | undefined,
): string {
  const shaper = ctx.deps.shapers[ctx.version];
  const body = shaper.entityText(
    s.body,
    `${NS}.session`,
    { ...shapeOpts(ctx), select: select?.filter((n) => n !== 'segments') },
    s.optInFree,
  );
  if (!s.segments) return body;
  return extendObject(body, [
    [
      'segments@odata.context',
      str(`${ctx.metadata}${recordPath(recordId)}/sessions(${quoteKey(s.id)})/segments`),
    ],
    ['segments', segmentsText(ctx, recordId, s)],
  ]);
}

/** One page of sessions, used by the sessions list and by $expand=sessions on a record. */
export async function sessionsPage(
  ctx: GraphContext,
  recordId: string,
  o: {
    limit: number;
    segments: boolean;
    carried: Record<string, string | undefined>;
    token?: string;
    select?: string[];
  },
): Promise<Page> {
  const scope = { tenantId: ctx.tenantId, collection: `sessions:${recordId}`, query: queryDigest(o.carried) };
  const after = afterOrdinal(ctx, scope, o.token);
  const rows = await ctx.deps.store.listSessions(ctx.tenantId, recordId, {
    ...(after === undefined ? {} : { afterOrdinal: after }),
    limit: o.limit + 1,
    withSegments: o.segments,
  });
  const page = rows.slice(0, o.limit);
  const items = page.map((s) => sessionText(ctx, recordId, s, o.select));
  if (rows.length <= o.limit) return { items };
  const token = ctx.deps.tokens.encode(scope, { o: page[page.length - 1]!.ordinal });
  return {
    items,
    nextLink: serviceUrl(ctx, `${recordPath(recordId)}/sessions`, { ...o.carried, $skiptoken: token }),
  };
}

export async function participantsPage(
  ctx: GraphContext,
  recordId: string,
  o: { limit: number; carried: Record<string, string | undefined>; token?: string; select?: string[] },
): Promise<Page> {
  const scope = {
    tenantId: ctx.tenantId,
    collection: `participants:${recordId}`,
    query: queryDigest(o.carried),
  };
  const after = afterOrdinal(ctx, scope, o.token);
  const rows = await ctx.deps.store.listParticipants(ctx.tenantId, recordId, {
    ...(after === undefined ? {} : { afterOrdinal: after }),
    limit: o.limit + 1,
  });
  const page = rows.slice(0, o.limit);
  const shaper = ctx.deps.shapers[ctx.version];
  const opts = { ...shapeOpts(ctx), select: o.select };
  const items = page.map((p) => shaper.entityText(p.body, `${NS}.participant`, opts, p.optInFree));
  if (rows.length <= o.limit) return { items };
  const token = ctx.deps.tokens.encode(scope, { o: page[page.length - 1]!.ordinal });
  return {
    items,
    nextLink: serviceUrl(ctx, `${recordPath(recordId)}/participants_v2`, { ...o.carried, $skiptoken: token }),
  };
}

function segmentsExpansion(ctx: GraphContext): boolean {
  const items = ctx.options.expand ?? [];
  for (const i of items) {
    if (i.path.join('/').toLowerCase() !== 'segments' || Object.keys(i.options).length > 0) {
      throw badRequest(
        `Could not find a navigation property named '${i.path.join('/')}' on type '${NS}.session'. Expandable: segments.`,
      );
    }
  }
  return items.length > 0;
}

export async function listSessions(ctx: GraphContext, recordId: string): Promise<GraphResult> {
  allowOptions(ctx.options, ['select', 'expand', 'top', 'skiptoken'], 'the sessions collection');
  if (ctx.options.top === 0) throw badRequest(`The value of '$top' must be greater than zero.`);
  const select = selectedProperties(ctx.version, `${NS}.session`, ctx.options.select);
  const segments = segmentsExpansion(ctx);
  const row = await requireRecord(ctx, recordId);
  const limit = pageSize(ctx.prefs, SESSIONS_MAX, ctx.options.top);
  const carried = carriedOptions(ctx, ['$expand', '$select', '$top']);
  const page = await sessionsPage(ctx, row.id, {
    limit,
    segments,
    carried,
    ...(ctx.options.skiptoken === undefined ? {} : { token: ctx.options.skiptoken }),
    ...(select ? { select } : {}),
  });
  const context = `${ctx.metadata}${recordPath(row.id)}/sessions${select ? `(${select.join(',')})` : ''}`;
  return { body: collectionText(context, page.items, page.nextLink), pageSize: limit };
}

async function requireSession(ctx: GraphContext, recordId: string, sessionId: string, withSegments: boolean) {
  const row = await requireRecord(ctx, recordId);
  const s = await ctx.deps.store.getSession(ctx.tenantId, row.id, sessionId, withSegments);
  if (!s)
    throw new GraphError('itemNotFound', { message: `Could not find the requested session '${sessionId}'.` });
  return { row, s };
}

export async function getSession(
  ctx: GraphContext,
  recordId: string,
  sessionId: string,
): Promise<GraphResult> {
  allowOptions(ctx.options, ['select', 'expand'], 'a session');
  const select = selectedProperties(ctx.version, `${NS}.session`, ctx.options.select);
  const segments = segmentsExpansion(ctx);
  const { row, s } = await requireSession(ctx, recordId, sessionId, segments);
  const context = `${ctx.metadata}${recordPath(row.id)}/sessions${segments ? '(segments())' : ''}/$entity`;
  return { body: withContext(context, sessionText(ctx, row.id, s, select)) };
}

export async function countSessions(ctx: GraphContext, recordId: string): Promise<GraphResult> {
  allowOptions(ctx.options, [], 'sessions/$count');
  const row = await requireRecord(ctx, recordId);
  return { body: String(await ctx.deps.store.countSessions(ctx.tenantId, row.id)), contentType: 'text' };
}

export async function listSegments(
  ctx: GraphContext,
  recordId: string,
  sessionId: string,
): Promise<GraphResult> {
  allowOptions(ctx.options, ['select'], 'the segments collection');
  const select = selectedProperties(ctx.version, `${NS}.segment`, ctx.options.select);
  const { row, s } = await requireSession(ctx, recordId, sessionId, false);
  const rows = await ctx.deps.store.listSegments(ctx.tenantId, row.id, s.ordinal);
  const shaper = ctx.deps.shapers[ctx.version];
  const opts = { ...shapeOpts(ctx), select };
  const context = `${ctx.metadata}${recordPath(row.id)}/sessions(${quoteKey(s.id)})/segments${select ? `(${select.join(',')})` : ''}`;
  return {
    body: collectionText(
      context,
      rows.map((g: ChildRow) => shaper.entityText(g.body, `${NS}.segment`, opts, g.optInFree)),
    ),
  };
}

export async function countSegments(
  ctx: GraphContext,
  recordId: string,
  sessionId: string,
): Promise<GraphResult> {
  allowOptions(ctx.options, [], 'segments/$count');
  const { s } = await requireSession(ctx, recordId, sessionId, true);
  return { body: String(s.segments?.length ?? 0), contentType: 'text' };
}

export async function getSegment(
  ctx: GraphContext,
  recordId: string,
  sessionId: string,
  segmentId: string,
): Promise<GraphResult> {
  allowOptions(ctx.options, ['select'], 'a segment');
  const select = selectedProperties(ctx.version, `${NS}.segment`, ctx.options.select);
  const { row, s } = await requireSession(ctx, recordId, sessionId, false);
  const g = await ctx.deps.store.getSegment(ctx.tenantId, row.id, s.ordinal, segmentId);
  if (!g)
    throw new GraphError('itemNotFound', { message: `Could not find the requested segment '${segmentId}'.` });
  const context = `${ctx.metadata}${recordPath(row.id)}/sessions(${quoteKey(s.id)})/segments/$entity`;
  const text = ctx.deps.shapers[ctx.version].entityText(
    g.body,
    `${NS}.segment`,
    { ...shapeOpts(ctx), select },
    g.optInFree,
  );
  return { body: withContext(context, text) };
}

export async function listParticipants(ctx: GraphContext, recordId: string): Promise<GraphResult> {
  allowOptions(ctx.options, ['select', 'top', 'skiptoken'], 'the participants_v2 collection');
  if (ctx.options.top === 0) throw badRequest(`The value of '$top' must be greater than zero.`);
  const select = selectedProperties(ctx.version, `${NS}.participant`, ctx.options.select);
  const row = await requireRecord(ctx, recordId);
  const limit = pageSize(ctx.prefs, PARTICIPANTS_MAX, ctx.options.top);
  const page = await participantsPage(ctx, row.id, {
    limit,
    carried: carriedOptions(ctx, ['$select', '$top']),
    ...(ctx.options.skiptoken === undefined ? {} : { token: ctx.options.skiptoken }),
    ...(select ? { select } : {}),
  });
  const context = `${ctx.metadata}${recordPath(row.id)}/participants_v2${select ? `(${select.join(',')})` : ''}`;
  return { body: collectionText(context, page.items, page.nextLink), pageSize: limit };
}

export async function getParticipant(
  ctx: GraphContext,
  recordId: string,
  participantId: string,
): Promise<GraphResult> {
  allowOptions(ctx.options, ['select'], 'a participant');
  const select = selectedProperties(ctx.version, `${NS}.participant`, ctx.options.select);
  const row = await requireRecord(ctx, recordId);
  const p = await ctx.deps.store.getParticipant(ctx.tenantId, row.id, participantId);
  if (!p) {
    throw new GraphError('itemNotFound', {
      message: `Could not find the requested participant '${participantId}'.`,
    });
  }
  const text = ctx.deps.shapers[ctx.version].entityText(
    p.body,
    `${NS}.participant`,
    { ...shapeOpts(ctx), select },
    p.optInFree,
  );
  return { body: withContext(`${ctx.metadata}${recordPath(row.id)}/participants_v2/$entity`, text) };
}

export async function countParticipants(ctx: GraphContext, recordId: string): Promise<GraphResult> {
  allowOptions(ctx.options, [], 'participants_v2/$count');
  const row = await requireRecord(ctx, recordId);
  return { body: String(await ctx.deps.store.countParticipants(ctx.tenantId, row.id)), contentType: 'text' };
}

export async function getOrganizer(ctx: GraphContext, recordId: string): Promise<GraphResult> {
  allowOptions(ctx.options, ['select'], 'organizer_v2');
  const select = selectedProperties(ctx.version, `${NS}.organizer`, ctx.options.select);
  const row = await requireRecord(ctx, recordId);
  if (row.organizer === null) {
    throw new GraphError('itemNotFound', { message: 'This call record has no organizer.' });
  }
  const text = ctx.deps.shapers[ctx.version].entityText(row.organizer, `${NS}.organizer`, {
    ...shapeOpts(ctx),
    select,
  });
  return { body: withContext(`${ctx.metadata}${recordPath(row.id)}/organizer_v2/$entity`, text) };
}
