// Shared helpers of the log-function tests: URLs, OpenAPI templates and a walk that follows `$skip` links.
import assert from 'node:assert/strict';
import type { TestServer } from '../helpers/server.js';
import type { GraphVersion } from '../helpers/openapi.js';
import { getOk, RECORDS, type Json } from './helpers.js';

export const FUNCTIONS = [
  'getPstnCalls',
  'getDirectRoutingCalls',
  'getSmsLog',
  'getPstnBlockedUsersLog',
  'getPstnOnlineMeetingDialoutReport',
] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

export const BETA_ONLY: readonly FunctionName[] = [
  'getSmsLog',
  'getPstnBlockedUsersLog',
  'getPstnOnlineMeetingDialoutReport',
];

export const ROW_TYPE: Readonly<Record<FunctionName, string>> = {
  getPstnCalls: 'pstnCallLogRow',
  getDirectRoutingCalls: 'directRoutingLogRow',
  getSmsLog: 'smsLogRow',
  getPstnBlockedUsersLog: 'pstnBlockedUsersLogRow',
  getPstnOnlineMeetingDialoutReport: 'pstnOnlineMeetingDialoutReport',
};

/** The row's time property the range applies to. */
export const TIME_OF: Readonly<Record<FunctionName, string | undefined>> = {
  getPstnCalls: 'startDateTime',
  getDirectRoutingCalls: 'startDateTime',
  getSmsLog: 'sentDateTime',
  getPstnBlockedUsersLog: 'blockDateTime',
  getPstnOnlineMeetingDialoutReport: undefined,
};

export const versionsOf = (f: FunctionName): GraphVersion[] =>
  BETA_ONLY.includes(f) ? ['beta'] : ['v1.0', 'beta'];

/** OpenAPI path template of a function (a key of `paths`). */
export const template = (f: FunctionName) =>
  `${RECORDS}/microsoft.graph.callRecords.${f}(fromDateTime={fromDateTime},toDateTime={toDateTime})`;

/** Path below the version of a call of `f`; `from`/`to` are literals as they appear in the URL. */
export const fnPath = (f: string, from: string, to: string) =>
  `${RECORDS}/${f}(fromDateTime=${from},toDateTime=${to})`;

export const context = (server: TestServer, version: GraphVersion, f: FunctionName) =>
  `${server.url}/${version}/$metadata#Collection(microsoft.graph.callRecords.${ROW_TYPE[f]})`;

export interface FunctionWalk {
  pages: Json[];
  rows: Json[];
  headers: Headers[];
}

/**
 * Follows `@odata.nextLink` to the end, validating every page against the function's OpenAPI schema and checking
 * the context, `@odata.count` (rows in the page) and that each link continues with `$skip` = rows served so far.
 */
export async function walkFunction(
  server: TestServer,
  version: GraphVersion,
  f: FunctionName,
  path: string,
  headers: Record<string, string> = {},
): Promise<FunctionWalk> {
  const out: FunctionWalk = { pages: [], rows: [], headers: [] };
  let next: string | undefined = path;
  while (next !== undefined) {
    const { body, headers: h } = await getOk(server, version, template(f), next, headers);
    out.pages.push(body);
    out.headers.push(h);
    assert.equal(body['@odata.context'], context(server, version, f));
    const value = body.value as Json[];
    assert.equal(body['@odata.count'], value.length, '@odata.count is the number of rows in the page');
    out.rows.push(...value);
    const link = body['@odata.nextLink'];
    if (link === undefined) break;
    assert.equal(typeof link, 'string');
    const url = new URL(link as string);
    assert.equal(url.origin, server.url);
    assert.match(
      decodeURIComponent(url.pathname),
      new RegExp(`^/${version.replace('.', '\\.')}${RECORDS}/${f}\\(`),
    );
    assert.equal(url.searchParams.get('$skip'), String(out.rows.length), 'the $skip of the link');
    assert.ok(url.searchParams.get('$skiptoken'), 'the link carries the keyset position');
    next = link as string;
    assert.ok(out.pages.length < 1000, 'runaway paging');
  }
  return out;
}
