// Shared HTTP helpers and Graph assertions for the API integration tests in test/api/.
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import type { TestServer } from '../helpers/server.js';
import { assertValidResponse, assertValidSchema } from '../helpers/openapi.js';
import type { GraphVersion } from '../helpers/openapi.js';

export type Json = Record<string, unknown>;

export const VERSIONS = ['v1.0', 'beta'] as const satisfies readonly GraphVersion[];

export const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export const NOT_FOUND_MESSAGE =
  'Could not find the requested call record. Records about calls or online meetings that started more than 30 days ago are not available.';

export const RECORDS = '/communications/callRecords';

/** OpenAPI path templates (keys of `paths` in the official documents). */
export const T = {
  records: RECORDS,
  recordsCount: `${RECORDS}/$count`,
  record: `${RECORDS}/{callRecord-id}`,
  sessions: `${RECORDS}/{callRecord-id}/sessions`,
  sessionsCount: `${RECORDS}/{callRecord-id}/sessions/$count`,
  session: `${RECORDS}/{callRecord-id}/sessions/{session-id}`,
  segments: `${RECORDS}/{callRecord-id}/sessions/{session-id}/segments`,
  segmentsCount: `${RECORDS}/{callRecord-id}/sessions/{session-id}/segments/$count`,
  segment: `${RECORDS}/{callRecord-id}/sessions/{session-id}/segments/{segment-id}`,
  participants: `${RECORDS}/{callRecord-id}/participants_v2`,
  participantsCount: `${RECORDS}/{callRecord-id}/participants_v2/$count`,
  participant: `${RECORDS}/{callRecord-id}/participants_v2/{participant-id}`,
  organizer: `${RECORDS}/{callRecord-id}/organizer_v2`,
} as const;

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: Json | undefined;
}

export interface CallInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send the demo app's bearer token (default true). */
  auth?: boolean;
}

/** Any request; `path` is below the server root (e.g. `/v1.0/communications/callRecords`) or an absolute URL. */
export async function call(server: TestServer, path: string, init: CallInit = {}): Promise<Reply> {
  const url = path.startsWith('http') ? path : server.url + path;
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.auth === false ? {} : { authorization: `Bearer ${server.token}` }),
      ...(init.headers ?? {}),
    },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await res.text();
  let json: Json | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Json;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

function describe(r: Reply): string {
  return `${r.status} ${r.text.slice(0, 400)}`;
}

/** GET that must answer 200 with Graph's JSON content type and a body valid for `template`; returns the body. */
export async function getOk(
  server: TestServer,
  version: GraphVersion,
  template: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ body: Json; headers: Headers }> {
  const url = path.startsWith('http') ? path : `/${version}${path}`;
  const r = await call(server, url, { headers });
  assert.equal(r.status, 200, `GET ${url}: ${describe(r)}`);
  assert.equal(r.headers.get('content-type'), JSON_CONTENT_TYPE, `content-type of GET ${url}`);
  assert.ok(r.json, `GET ${url}: body is not a JSON object`);
  assertValidResponse(version, template, r.json);
  return { body: r.json, headers: r.headers };
}

/** GET of a `/$count` path: 200, text/plain, a bare non-negative integer valid for `template`. */
export async function getCount(
  server: TestServer,
  version: GraphVersion,
  template: string,
  path: string,
): Promise<number> {
  const r = await call(server, `/${version}${path}`);
  assert.equal(r.status, 200, `GET ${path}: ${describe(r)}`);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain\b/, `content-type of GET ${path}`);
  assert.match(r.text, /^\d+$/, `GET ${path}: body is not a bare number`);
  assertValidResponse(version, template, r.text);
  return Number(r.text);
}

export interface ErrorExpectation {
  status: number;
  code: string;
  /** Exact text, or a pattern. */
  message?: string | RegExp;
}

/** Asserts a Graph error envelope: status, plain JSON content type, code/message, innerError ids and date. */
export function assertGraphError(version: GraphVersion, r: Reply, e: ErrorExpectation, what = ''): Json {
  const label = `${what} -> ${describe(r)}`;
  assert.equal(r.status, e.status, label);
  // The exact value (plain `application/json`) is checked once in protocol.test.ts.
  assert.match(r.headers.get('content-type') ?? '', /^application\/json\b/, `error content-type ${label}`);
  assert.ok(r.json, `error body is not JSON: ${label}`);
  assertValidSchema(version, 'microsoft.graph.ODataErrors.ODataError', r.json);
  assert.deepEqual(Object.keys(r.json), ['error'], label);
  const error = r.json.error as Json;
  assert.equal(error.code, e.code, label);
  assert.equal(typeof error.message, 'string', label);
  if (typeof e.message === 'string') assert.equal(error.message, e.message, label);
  else if (e.message) assert.match(error.message as string, e.message, label);
  const inner = error.innerError as Json | undefined;
  assert.ok(inner, `innerError missing: ${label}`);
  assert.match(String(inner.date), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, `innerError.date ${label}`);
  const requestId = r.headers.get('request-id');
  assert.ok(requestId, `request-id header missing: ${label}`);
  assert.equal(inner['request-id'], requestId, label);
  assert.equal(inner['client-request-id'], r.headers.get('client-request-id'), label);
  return error;
}

/** Sends a request and asserts it fails with the Graph error `e`. */
export async function expectError(
  server: TestServer,
  version: GraphVersion,
  path: string,
  e: ErrorExpectation,
  init: CallInit = {},
): Promise<Json> {
  const url = path.startsWith('http') ? path : `/${version}${path}`;
  const r = await call(server, url, init);
  return assertGraphError(version, r, e, `${init.method ?? 'GET'} ${url}`);
}

/** `callRecords('x')/sessions` -> `callRecords/x/sessions`, so both key syntaxes compare equal. */
export function keysAsSegments(path: string): string {
  return path.replace(/\('((?:[^']|'')*)'\)/g, (_m, key: string) => `/${key.replace(/''/g, "'")}`);
}

/** Asserts a nextLink is an absolute URL on this server, for the collection at `collectionPath`, with $skiptoken. */
export function assertNextLink(
  server: TestServer,
  version: GraphVersion,
  link: unknown,
  collectionPath: string,
) {
  assert.equal(typeof link, 'string', 'nextLink must be a string');
  const url = new URL(link as string);
  assert.equal(url.origin, server.url, `nextLink origin: ${String(link)}`);
  assert.equal(
    keysAsSegments(decodeURIComponent(url.pathname)),
    keysAsSegments(`/${version}${collectionPath}`),
    `nextLink path: ${String(link)}`,
  );
  const token = url.searchParams.get('$skiptoken');
  assert.ok(token, `nextLink has no $skiptoken: ${String(link)}`);
}

export interface Walk {
  pages: Json[];
  items: Json[];
  headers: Headers[];
}

/**
 * Follows `@odata.nextLink` from `path` to the end, validating every page against `template` and checking every
 * link. `pageSize` (when given) is the exact size of every page but the last. `maxPages` bounds the walk.
 */
export async function walk(
  server: TestServer,
  version: GraphVersion,
  template: string,
  path: string,
  o: {
    headers?: Record<string, string>;
    pageSize?: number;
    maxPages?: number;
    collectionPath?: string;
    nextLinkKey?: string;
  } = {},
): Promise<Walk> {
  const collectionPath = o.collectionPath ?? path.split('?')[0]!;
  const out: Walk = { pages: [], items: [], headers: [] };
  let next: string | undefined = path;
  while (next !== undefined) {
    const { body, headers } = await getOk(server, version, template, next, o.headers);
    out.pages.push(body);
    out.headers.push(headers);
    const value = body.value;
    assert.ok(Array.isArray(value), 'collection page without value');
    out.items.push(...(value as Json[]));
    const link = body['@odata.nextLink'];
    if (link === undefined) break;
    assertNextLink(server, version, link, collectionPath);
    if (o.pageSize !== undefined) assert.equal(value.length, o.pageSize, `page ${out.pages.length} size`);
    if (o.maxPages !== undefined && out.pages.length >= o.maxPages) break;
    next = link as string;
  }
  const last = out.pages[out.pages.length - 1]!;
  if (o.pageSize !== undefined && last['@odata.nextLink'] === undefined) {
    assert.ok((last.value as Json[]).length <= o.pageSize, 'last page too large');
  }
  return out;
}

export function ids(items: Json[]): string[] {
  return items.map((i) => i.id as string);
}

export function assertNoDuplicates(list: string[], what: string): void {
  const seen = new Set<string>();
  for (const id of list) {
    assert.ok(!seen.has(id), `${what}: duplicate ${id}`);
    seen.add(id);
  }
}

/** The record's key in the store's order: startDateTime (ms), then id. */
export function compareRecords(a: Json, b: Json): number {
  const sa = Date.parse(a.startDateTime as string);
  const sb = Date.parse(b.startDateTime as string);
  if (sa !== sb) return sa - sb;
  const ia = a.id as string;
  const ib = b.id as string;
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/** Every record of the demo tenant visible now, ordered, with its child counts (read from the store directly). */
export async function storeRecords(
  server: TestServer,
): Promise<{ id: string; startMs: number; sessions: number; participants: number }[]> {
  const minStartMs = server.clock.now() - 30 * 86_400_000;
  const rows = await server.store.listCallRecords(DEMO_TENANT_ID, { minStartMs, limit: 1_000_000 });
  const out = [];
  for (const r of rows) {
    out.push({
      id: r.id,
      startMs: r.startMs,
      sessions: await server.store.countSessions(DEMO_TENANT_ID, r.id),
      participants: await server.store.countParticipants(DEMO_TENANT_ID, r.id),
    });
  }
  return out;
}

/** The demo dataset's town-hall meeting: more than 130 participants and more than 60 sessions. */
export async function findTownHall(
  server: TestServer,
): Promise<{ id: string; sessions: number; participants: number }> {
  const all = await storeRecords(server);
  const big = all.filter((r) => r.participants > 130 && r.sessions > 60);
  assert.ok(big.length > 0, 'the demo dataset has no meeting with >130 participants and >60 sessions');
  return big[0]!;
}

/** A record of the demo tenant with at least `minSessions` sessions and `minParticipants` participants. */
export async function findRecord(
  server: TestServer,
  o: { minSessions?: number; minParticipants?: number; maxSessions?: number } = {},
): Promise<{ id: string; sessions: number; participants: number }> {
  const all = await storeRecords(server);
  const r = all.find(
    (x) =>
      x.sessions >= (o.minSessions ?? 1) &&
      x.participants >= (o.minParticipants ?? 1) &&
      x.sessions <= (o.maxSessions ?? Infinity),
  );
  assert.ok(r, `no demo record with ${JSON.stringify(o)}`);
  return r;
}

/** Paths of every null value in `value` (recursively). */
export function nullPaths(value: unknown, path = '$'): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nullPaths(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    return Object.entries(value as Json).flatMap(([k, v]) => nullPaths(v, `${path}.${k}`));
  }
  return [];
}

/** Values of every property named `key` anywhere in `value`. */
export function collect(value: unknown, key: string): unknown[] {
  if (Array.isArray(value)) return value.flatMap((v) => collect(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Json).flatMap(([k, v]) =>
      k === key ? [v, ...collect(v, key)] : collect(v, key),
    );
  }
  return [];
}

/** The body without its `@odata.context` (to compare an entity read through two paths). */
export function withoutContext(body: Json): Json {
  const { '@odata.context': _context, ...rest } = body;
  return rest;
}

export const q = encodeURIComponent;

/** A response as bytes, never decoded (node:http does not undo Content-Encoding): the compression tests. */
export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function rawRequest(
  server: TestServer,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      server.url + path,
      { method, headers: { authorization: `Bearer ${server.token}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
