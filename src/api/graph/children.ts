// Sessions, segments, participants_v2 and organizer_v2 of one call record.
import { GraphError, badRequest } from '../../errors.js';
import { NS } from '../../graph/model/index.js';
import { odataContext, recordPath, segmentsPath } from '../../graph/shape/context.js';
import {
  arrayParts,
  collectionText,
  entityParts,
  str,
  withContext,
  type Chunk,
  type Chunks,
} from '../../graph/shape/envelope.js';
import { carriedOptions, serviceUrl } from '../../graph/shape/links.js';
import { keysetPage, readPosition, servedPageSize, type Page } from '../../graph/shape/page.js';
import type { ChildRow, SessionRow } from '../../store/index.js';
import { tokenScope, type GraphContext, type GraphResult } from './context.js';
import { allowOptions, selectedProperties } from './options.js';
import { requireRecord, shapeOpts } from './records.js';

export const SESSIONS_MAX = 60;
export const PARTICIPANTS_MAX = 130;

/** A child's position: its ordinal in the record. */
function ordinal(p: Record<string, unknown>): number | undefined {
  return typeof p.o === 'number' && Number.isInteger(p.o) && p.o >= 0 ? p.o : undefined;
}

/** Options of a child collection's page: from the list route, or from $expand on the record. */
interface ChildPage {
  limit: number;
  carried: Record<string, string | undefined>;
  token?: string;
  select?: string[];
}

function segmentsText(ctx: GraphContext, s: SessionRow): Chunk[] {
  const shaper = ctx.deps.shapers[ctx.version];
  const opts = shapeOpts(ctx);
  return arrayParts(
    (s.segments ?? []).map((g) => shaper.entityText(g.body, `${NS}.segment`, opts, g.optInFree)),
  );
}

function sessionText(
  ctx: GraphContext,
  recordId: string,
  s: SessionRow,
  select: string[] | undefined,
): Chunks {
  const shaper = ctx.deps.shapers[ctx.version];
  const body = shaper.entityText(
    s.body,
    `${NS}.session`,
    { ...shapeOpts(ctx), select: select?.filter((n) => n !== 'segments') },
    s.optInFree,
  );
  if (!s.segments) return body;
  return entityParts(undefined, body, [
    ['segments@odata.context', str(odataContext(ctx.metadata, segmentsPath(recordId, s.id)))],
    ['segments', segmentsText(ctx, s)],
  ]);
}

/** A page of a record's children kept in ordinal order (sessions, participants_v2), continued by skiptoken. */
async function ordinalPage<R extends { ordinal: number }>(
  ctx: GraphContext,
  recordId: string,
  segment: 'sessions' | 'participants_v2',
  o: ChildPage,
  fetch: (after: { afterOrdinal?: number }, limit: number) => Promise<R[]>,
): Promise<Page<R>> {
  const scope = tokenScope(
    ctx,
    `${segment === 'sessions' ? 'sessions' : 'participants'}:${recordId}`,
    o.carried,
  );
  const after = readPosition(ctx.deps.tokens, scope, o.token, ordinal);
  return keysetPage({
    tokens: ctx.deps.tokens,
    scope,
    size: o.limit,
    fetch: (limit) => fetch(after === undefined ? {} : { afterOrdinal: after }, limit),
    position: (last) => ({ o: last.ordinal }),
    link: (token) =>
      serviceUrl(ctx.serviceRoot, `${recordPath(recordId)}/${segment}`, { ...o.carried, $skiptoken: token }),
  });
}

/** One page of sessions, used by the sessions list and by $expand=sessions on a record. */
export async function sessionsPage(
  ctx: GraphContext,
  recordId: string,
  o: ChildPage & { segments: boolean },
): Promise<Page<Chunks>> {
  const page = await ordinalPage(ctx, recordId, 'sessions', o, (after, limit) =>
    ctx.deps.store.listSessions(ctx.tenantId, recordId, { ...after, limit, withSegments: o.segments }),
  );
  return { ...page, rows: page.rows.map((s) => sessionText(ctx, recordId, s, o.select)) };
}

/** One page of participants_v2, used by the participants list and by $expand=participants_v2 on a record. */
export async function participantsPage(
  ctx: GraphContext,
  recordId: string,
  o: ChildPage,
): Promise<Page<Chunk>> {
  const page = await ordinalPage(ctx, recordId, 'participants_v2', o, (after, limit) =>
    ctx.deps.store.listParticipants(ctx.tenantId, recordId, { ...after, limit }),
  );
  const shaper = ctx.deps.shapers[ctx.version];
  const opts = { ...shapeOpts(ctx), select: o.select };
  return {
    ...page,
    rows: page.rows.map((p) => shaper.entityText(p.body, `${NS}.participant`, opts, p.optInFree)),
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
  const limit = servedPageSize(ctx.prefs, SESSIONS_MAX, ctx.options.top);
  const select = selectedProperties(ctx.version, `${NS}.session`, ctx.options.select);
  const segments = segmentsExpansion(ctx);
  const row = await requireRecord(ctx, recordId);
  const page = await sessionsPage(ctx, row.id, {
    limit,
    segments,
    carried: carriedOptions(ctx.rawOptions, ['$expand', '$select', '$top']),
    ...(ctx.options.skiptoken === undefined ? {} : { token: ctx.options.skiptoken }),
    ...(select ? { select } : {}),
  });
  const context = odataContext(ctx.metadata, `${recordPath(row.id)}/sessions`, { projection: select });
  return { body: collectionText(context, page.rows, page.nextLink), pageSize: limit };
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
  const context = odataContext(ctx.metadata, `${recordPath(row.id)}/sessions`, {
    projection: segments ? ['segments()'] : undefined,
    entity: true,
  });
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
  const context = odataContext(ctx.metadata, segmentsPath(row.id, s.id), { projection: select });
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
  const context = odataContext(ctx.metadata, segmentsPath(row.id, s.id), { entity: true });
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
  const limit = servedPageSize(ctx.prefs, PARTICIPANTS_MAX, ctx.options.top);
  const select = selectedProperties(ctx.version, `${NS}.participant`, ctx.options.select);
  const row = await requireRecord(ctx, recordId);
  const page = await participantsPage(ctx, row.id, {
    limit,
    carried: carriedOptions(ctx.rawOptions, ['$select', '$top']),
    ...(ctx.options.skiptoken === undefined ? {} : { token: ctx.options.skiptoken }),
    ...(select ? { select } : {}),
  });
  const context = odataContext(ctx.metadata, `${recordPath(row.id)}/participants_v2`, { projection: select });
  return { body: collectionText(context, page.rows, page.nextLink), pageSize: limit };
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
  const context = odataContext(ctx.metadata, `${recordPath(row.id)}/participants_v2`, { entity: true });
  return { body: withContext(context, text) };
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
  const context = odataContext(ctx.metadata, `${recordPath(row.id)}/organizer_v2`, { entity: true });
  return { body: withContext(context, text) };
}
