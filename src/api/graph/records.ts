// GET /communications/callRecords, /$count and /{id} (with $select and $expand).
import { GraphError, badRequest } from '../../errors.js';
import { NS } from '../../graph/model/index.js';
import type { ExpandItem } from '../../graph/odata/ast.js';
import { recordFilter, type RecordFilter } from '../../graph/query/records-filter.js';
import { pageSize } from '../../graph/shape/prefer.js';
import type { RecordKey, RecordRow } from '../../store/index.js';
import { minStartMs, type GraphContext, type GraphResult } from './context.js';
import { arrayParts, collectionText, entityParts, extendObject, str } from './json.js';
import {
  allowOptions,
  carriedOptions,
  queryDigest,
  quoteKey,
  selectedProperties,
  serviceUrl,
} from './options.js';
import { participantsPage, sessionsPage, PARTICIPANTS_MAX, SESSIONS_MAX } from './children.js';

export const RECORDS_MAX = 60;
const RECORD_TYPE = `${NS}.callRecord`;

function filterOf(ctx: GraphContext): RecordFilter {
  return ctx.options.filter ? recordFilter(ctx.options.filter) : {};
}

/** A record as a list item or entity: its body with organizer_v2 inline (AutoExpand) and its context. */
export function recordText(ctx: GraphContext, row: RecordRow, select: string[] | undefined): string {
  const shaper = ctx.deps.shapers[ctx.version];
  const opts = { ...shapeOpts(ctx), select: select?.filter((s) => s !== 'organizer_v2') };
  const body = shaper.entityText(row.body, RECORD_TYPE, opts, row.optInFree);
  if (select && !select.includes('organizer_v2')) return body;
  if (row.organizer === null && ctx.prefs.omitNulls) return body;
  const organizer =
    row.organizer === null
      ? 'null'
      : shaper.entityText(row.organizer, `${NS}.organizer`, shapeOpts(ctx), row.optInFree);
  return extendObject(body, [
    [
      'organizer_v2@odata.context',
      str(`${ctx.metadata}communications/callRecords(${quoteKey(row.id)})/organizer_v2/$entity`),
    ],
    ['organizer_v2', organizer],
  ]);
}

export function shapeOpts(ctx: GraphContext) {
  return { includeUnknownEnumMembers: ctx.prefs.includeUnknownEnumMembers, omitNulls: ctx.prefs.omitNulls };
}

function decodeRecordKey(ctx: GraphContext, scope: Parameters<GraphContext['deps']['tokens']['decode']>[0]) {
  const token = ctx.options.skiptoken;
  if (token === undefined) return undefined;
  const pos = ctx.deps.tokens.decode(scope, token) as { s?: unknown; i?: unknown };
  if (typeof pos?.s !== 'number' || typeof pos.i !== 'string') throw new GraphError('invalidSkipToken');
  return { startMs: pos.s, id: pos.i } satisfies RecordKey;
}

export async function listRecords(ctx: GraphContext): Promise<GraphResult> {
  allowOptions(ctx.options, ['filter', 'select', 'top', 'skiptoken'], 'the callRecords collection');
  if (ctx.options.top === 0) throw badRequest(`The value of '$top' must be greater than zero.`);
  const select = selectedProperties(ctx.version, RECORD_TYPE, ctx.options.select);
  if (select?.some((s) => s === 'sessions' || s === 'participants_v2')) {
    throw badRequest(
      `Listed call records don't include sessions or participants_v2; expand them per record.`,
    );
  }
  const filter = filterOf(ctx);
  const carried = carriedOptions(ctx, ['$filter', '$select', '$top']);
  const scope = { tenantId: ctx.tenantId, collection: 'records', query: queryDigest(carried) };
  const after = decodeRecordKey(ctx, scope);
  const size = pageSize(ctx.prefs, RECORDS_MAX, ctx.options.top);
  const rows = await ctx.deps.store.listCallRecords(ctx.tenantId, {
    ...filter,
    minStartMs: minStartMs(ctx),
    ...(after ? { after } : {}),
    limit: size + 1,
  });
  const page = rows.slice(0, size);
  let nextLink: string | undefined;
  if (rows.length > size) {
    const last = page[page.length - 1]!;
    const token = ctx.deps.tokens.encode(scope, { s: last.startMs, i: last.id });
    nextLink = serviceUrl(ctx, 'communications/callRecords', { ...carried, $skiptoken: token });
  }
  const context = `${ctx.metadata}communications/callRecords${select ? `(${select.join(',')})` : ''}`;
  return {
    body: collectionText(
      context,
      page.map((r) => recordText(ctx, r, select)),
      nextLink,
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
  const recordPath = `communications/callRecords(${quoteKey(row.id)})`;
  const ctxParts: string[] = [...(select?.filter((s) => s !== 'sessions' && s !== 'participants_v2') ?? [])];
  if (expansion.sessions) ctxParts.push(expansion.sessions.segments ? 'sessions(segments())' : 'sessions()');
  if (expansion.participants) ctxParts.push('participants_v2()');
  const entitySet = `communications/callRecords${ctxParts.length > 0 ? `(${ctxParts.join(',')})` : ''}`;
  const pairs: [string, string | readonly string[] | undefined][] = [];
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
        str(`${ctx.metadata}${recordPath}/sessions${expansion.sessions.segments ? '(segments())' : ''}`),
      ],
      ['sessions', arrayParts(page.items)],
      ['sessions@odata.nextLink', page.nextLink === undefined ? undefined : str(page.nextLink)],
    );
  }
  if (expansion.participants) {
    const page = await participantsPage(ctx, row.id, { limit: PARTICIPANTS_MAX, carried: {} });
    pairs.push(
      ['participants_v2@odata.context', str(`${ctx.metadata}${recordPath}/participants_v2`)],
      ['participants_v2', arrayParts(page.items)],
      ['participants_v2@odata.nextLink', page.nextLink === undefined ? undefined : str(page.nextLink)],
    );
  } else if (!select) {
    pairs.push([
      'participants_v2@odata.context',
      str(`${ctx.metadata}${recordPath}/participants_v2/$entity`),
    ]);
  }
  return { body: entityParts(`${ctx.metadata}${entitySet}/$entity`, recordText(ctx, row, select), pairs) };
}
