// GET /communications/callRecords, /$count and /{id} (with $select and $expand).
import { GraphError, badRequest } from '../../errors.js';
import { NS } from '../../graph/model/index.js';
import type { ExpandItem } from '../../graph/odata/ast.js';
import { recordFilter, type RecordFilter } from '../../graph/query/records-filter.js';
import { odataContext, recordPath, RECORDS_PATH } from '../../graph/shape/context.js';
import {
  arrayParts,
  collectionText,
  entityParts,
  str,
  type Chunk,
  type Chunks,
} from '../../graph/shape/envelope.js';
import { carriedOptions, quoteKey, serviceUrl } from '../../graph/shape/links.js';
import { keysetPage, readPosition, servedPageSize } from '../../graph/shape/page.js';
import type { DeflatedRecordRow, RecordKey, RecordRow } from '../../store/index.js';
import { DeflatedBody, type JoinPart } from '../http/deflate-join.js';
import { minStartMs, tokenScope, type GraphContext, type GraphResult } from './context.js';
import { allowOptions, selectedProperties } from './options.js';
import { participantsPage, sessionsPage, PARTICIPANTS_MAX, SESSIONS_MAX } from './children.js';

export const RECORDS_MAX = 60;
const RECORD_TYPE = `${NS}.callRecord`;

function filterOf(ctx: GraphContext): RecordFilter {
  return ctx.options.filter ? recordFilter(ctx.options.filter) : {};
}

/** What every record of one response shares: its shaping options and the organizer context around the id. */
interface RecordShape {
  select: string[] | undefined;
  opts: ReturnType<typeof shapeOpts> & { select?: string[] };
  organizerOpts: ReturnType<typeof shapeOpts>;
  /** The JSON string of `organizer_v2@odata.context`, split where the record's quoted key goes. */
  contextHead: string;
  contextTail: string;
}
const shapes = new WeakMap<GraphContext, RecordShape>();

/** Computed once per request, not once per record of a page. */
function recordShape(ctx: GraphContext, select: string[] | undefined): RecordShape {
  const known = shapes.get(ctx);
  if (known && known.select === select) return known;
  const organizerOpts = shapeOpts(ctx);
  const context = str(odataContext(ctx.metadata, `${recordPath('\u0000')}/organizer_v2`, { entity: true }));
  const [contextHead, contextTail] = context.split(str("'\u0000'").slice(1, -1)) as [string, string];
  const shape: RecordShape = {
    select,
    opts: { ...organizerOpts, select: select?.filter((s) => s !== 'organizer_v2') },
    organizerOpts,
    contextHead,
    contextTail,
  };
  shapes.set(ctx, shape);
  return shape;
}

/** A key as it appears inside the context's JSON string: record ids are GUIDs, anything else is escaped. */
const PLAIN_KEY = /^[0-9A-Za-z-]*$/;
function keyInJson(id: string): string {
  return PLAIN_KEY.test(id) ? `'${id}'` : str(quoteKey(id)).slice(1, -1);
}

/** A record's own properties and the pairs that follow them: organizer_v2 inline (AutoExpand) and its context. */
function recordMembers(
  ctx: GraphContext,
  row: RecordRow,
  select: string[] | undefined,
): { body: Chunk; pairs: [string, Chunks | undefined][] } {
  const shaper = ctx.deps.shapers[ctx.version];
  const shape = recordShape(ctx, select);
  const body = shaper.entityText(row.body, RECORD_TYPE, shape.opts, row.optInFree);
  if (select && !select.includes('organizer_v2')) return { body, pairs: [] };
  if (row.organizer === null && ctx.prefs.omitNulls) return { body, pairs: [] };
  const organizer =
    row.organizer === null
      ? 'null'
      : shaper.entityText(row.organizer, `${NS}.organizer`, shape.organizerOpts, row.optInFree);
  return {
    body,
    pairs: [
      ['organizer_v2@odata.context', shape.contextHead + keyInJson(row.id) + shape.contextTail],
      ['organizer_v2', organizer],
    ],
  };
}

/** The organizer_v2@odata.context pair's value: it names the request's host, so it is never stored. */
function organizerContext(ctx: GraphContext, id: string): string {
  const shape = recordShape(ctx, undefined);
  return shape.contextHead + keyInJson(id) + shape.contextTail;
}

/**
 * A record as a list item of a page joined from fragments, the same bytes as recordText's in the default shape:
 * the stored fragments where the shaper would leave the stored text as it is, the text otherwise (rows written
 * before the fragments, or holding opt-in enum members that this request rewrites).
 */
function deflatedRecord(ctx: GraphContext, row: DeflatedRecordRow): JoinPart[] {
  const f = row.fragments;
  if (row.text) {
    const shaper = ctx.deps.shapers[ctx.version];
    const shape = recordShape(ctx, undefined);
    const { body, organizer } = row.text;
    const unchanged =
      f !== undefined &&
      !shaper.needsWork(body, shape.opts, row.text.optInFree) &&
      (organizer === null || !shaper.needsWork(organizer, shape.organizerOpts, row.text.optInFree));
    if (!unchanged) return recordText(ctx, row.text, undefined);
  }
  if (!f) throw new Error(`record ${row.id}: neither text nor fragments`);
  const context = ',"organizer_v2@odata.context":' + organizerContext(ctx, row.id) + ',"organizer_v2":';
  return f.organizer ? ['{', f.members, context, f.organizer, '}'] : ['{', f.members, context + 'null}'];
}

/** A record as a list item. */
export function recordText(ctx: GraphContext, row: RecordRow, select: string[] | undefined): Chunk[] {
  const { body, pairs } = recordMembers(ctx, row, select);
  return entityParts(undefined, body, pairs);
}

export function shapeOpts(ctx: GraphContext) {
  return { includeUnknownEnumMembers: ctx.prefs.includeUnknownEnumMembers, omitNulls: ctx.prefs.omitNulls };
}

function recordKey(p: Record<string, unknown>): RecordKey | undefined {
  return typeof p.s === 'number' && typeof p.i === 'string' ? { startMs: p.s, id: p.i } : undefined;
}

export async function listRecords(ctx: GraphContext): Promise<GraphResult> {
  allowOptions(ctx.options, ['filter', 'select', 'top', 'skiptoken'], 'the callRecords collection');
  const size = servedPageSize(ctx.prefs, RECORDS_MAX, ctx.options.top);
  const select = selectedProperties(ctx.version, RECORD_TYPE, ctx.options.select);
  if (select?.some((s) => s === 'sessions' || s === 'participants_v2')) {
    throw badRequest(
      `Listed call records don't include sessions or participants_v2; expand them per record.`,
    );
  }
  const filter = filterOf(ctx);
  const carried = carriedOptions(ctx.rawOptions, ['$filter', '$select', '$top']);
  const scope = tokenScope(ctx, 'records', carried);
  const after = readPosition(ctx.deps.tokens, scope, ctx.options.skiptoken, recordKey);
  const query = { ...filter, minStartMs: minStartMs(ctx), ...(after ? { after } : {}) };
  const paging = {
    tokens: ctx.deps.tokens,
    scope,
    size,
    position: (last: RecordKey) => ({ s: last.startMs, i: last.id }),
    link: (token: string) => serviceUrl(ctx.serviceRoot, RECORDS_PATH, { ...carried, $skiptoken: token }),
  };
  // The default shape, compressed: records are joined from their stored fragments (docs/performance.md).
  if (ctx.joinCoding && !select && !ctx.prefs.omitNulls) {
    const page = await keysetPage<DeflatedRecordRow>({
      ...paging,
      fetch: (limit) => ctx.deps.store.listCallRecordsDeflated(ctx.tenantId, { ...query, limit }),
    });
    const parts = collectionText(
      odataContext(ctx.metadata, RECORDS_PATH, { projection: select }),
      page.rows.map((r) => deflatedRecord(ctx, r)),
      page.nextLink,
    );
    return { body: new DeflatedBody(parts), pageSize: size };
  }
  const page = await keysetPage<RecordRow>({
    ...paging,
    fetch: (limit) => ctx.deps.store.listCallRecords(ctx.tenantId, { ...query, limit }),
  });
  return {
    body: collectionText(
      odataContext(ctx.metadata, RECORDS_PATH, { projection: select }),
      page.rows.map((r) => recordText(ctx, r, select)),
      page.nextLink,
    ),
    pageSize: size,
  };
}

export async function countRecords(ctx: GraphContext): Promise<GraphResult> {
  allowOptions(ctx.options, ['filter'], 'callRecords/$count');
  const n = await ctx.deps.store.countCallRecords(ctx.tenantId, {
    ...filterOf(ctx),
    minStartMs: minStartMs(ctx),
  });
  return { body: String(n), contentType: 'text' };
}

export async function requireRecord(ctx: GraphContext, id: string): Promise<RecordRow> {
  const row = await ctx.deps.store.getCallRecord(ctx.tenantId, id, minStartMs(ctx));
  if (!row) throw new GraphError('notFound');
  return row;
}

interface Expansion {
  sessions?: { segments: boolean };
  participants?: boolean;
}

function expansionOf(items: ExpandItem[] | undefined): Expansion {
  const out: Expansion = {};
  for (const item of items ?? []) {
    const name = item.path.join('/').toLowerCase();
    const nested = item.options;
    if (name === 'sessions') {
      allowOptions(nested, ['expand'], 'the expanded sessions');
      const inner = nested.expand ?? [];
      if (
        inner.some((i) => i.path.join('/').toLowerCase() !== 'segments' || Object.keys(i.options).length > 0)
      ) {
        throw badRequest(`Only segments can be expanded inside sessions.`);
      }
      out.sessions = { segments: inner.length > 0 };
    } else if (name === 'participants_v2') {
      allowOptions(nested, [], 'the expanded participants_v2');
      out.participants = true;
    } else if (name === 'organizer_v2') {
      allowOptions(nested, [], 'the expanded organizer_v2');
    } else {
      throw badRequest(
        `Could not find a navigation property named '${item.path.join('/')}' on type '${RECORD_TYPE}'. ` +
          `Expandable: sessions, sessions($expand=segments), participants_v2.`,
      );
    }
  }
  return out;
}

export async function getRecord(ctx: GraphContext, id: string): Promise<GraphResult> {
  allowOptions(ctx.options, ['select', 'expand'], 'a callRecord');
  const select = selectedProperties(ctx.version, RECORD_TYPE, ctx.options.select);
  const expansion = expansionOf(ctx.options.expand);
  const row = await requireRecord(ctx, id);
  const path = recordPath(row.id);
  const projection: string[] = [
    ...(select?.filter((s) => s !== 'sessions' && s !== 'participants_v2') ?? []),
  ];
  if (expansion.sessions)
    projection.push(expansion.sessions.segments ? 'sessions(segments())' : 'sessions()');
  if (expansion.participants) projection.push('participants_v2()');
  const { body, pairs } = recordMembers(ctx, row, select);
  if (expansion.sessions) {
    const sessionsOptions = { $expand: expansion.sessions.segments ? 'segments' : undefined };
    const page = await sessionsPage(ctx, row.id, {
      limit: SESSIONS_MAX,
      segments: expansion.sessions.segments,
      carried: sessionsOptions,
    });
    pairs.push(
      [
        'sessions@odata.context',
        str(
          odataContext(ctx.metadata, `${path}/sessions`, {
            projection: expansion.sessions.segments ? ['segments()'] : undefined,
          }),
        ),
      ],
      ['sessions', arrayParts(page.rows)],
      ['sessions@odata.nextLink', page.nextLink === undefined ? undefined : str(page.nextLink)],
    );
  }
  if (expansion.participants) {
    const page = await participantsPage(ctx, row.id, { limit: PARTICIPANTS_MAX, carried: {} });
    pairs.push(
      ['participants_v2@odata.context', str(odataContext(ctx.metadata, `${path}/participants_v2`))],
      ['participants_v2', arrayParts(page.rows)],
      ['participants_v2@odata.nextLink', page.nextLink === undefined ? undefined : str(page.nextLink)],
    );
  } else if (!select) {
    pairs.push([
      'participants_v2@odata.context',
      str(odataContext(ctx.metadata, `${path}/participants_v2`, { entity: true })),
    ]);
  }
  const context = odataContext(ctx.metadata, RECORDS_PATH, {
    projection: projection.length > 0 ? projection : undefined,
    entity: true,
  });
  return { body: entityParts(context, body, pairs) };
}
