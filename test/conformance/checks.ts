// Response checks shared by the conformance walk: one HTTP exchange is validated against the official OpenAPI
// (200 bodies by route, error bodies as ODataError), every `@odata.type` anywhere in it must name an official type,
// and the Prefer headers must have had their documented effect. Continuation links are followed to the end.
import { loadModel, validateResponse, validateSchema } from '../helpers/openapi.js';
import type { GraphVersion } from '../helpers/openapi.js';
import { optInEnumMembers } from './routes.js';
import type { PreferVariant } from './routes.js';

export const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export type Json = Record<string, unknown>;

export interface Exchange {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export async function send(url: string, headers: Record<string, string>): Promise<Exchange> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Every `@odata.type` value in `value`, with its JSON path. */
export function odataTypes(value: unknown, path = '$'): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => odataTypes(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(value as Json)) {
    if (k === '@odata.type') out.push([`${path}.${k}`, v]);
    else out.push(...odataTypes(v, `${path}.${k}`));
  }
  return out;
}

/** Errors for `@odata.type` values that do not name a type of the official document. */
export function unofficialTypes(version: GraphVersion, body: unknown): string[] {
  const model = loadModel(version);
  return odataTypes(body)
    .filter(([, v]) => typeof v !== 'string' || !v.startsWith('#') || !model.types.has(v.slice(1)))
    .map(([p, v]) => `${p}: ${JSON.stringify(v)} is not an official ${version} type`);
}

/** JSON paths of null property values (array elements included). */
function nullPaths(value: unknown, path = '$'): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nullPaths(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    return Object.entries(value as Json).flatMap(([k, v]) => nullPaths(v, `${path}.${k}`));
  }
  return [];
}

/** JSON paths of string values equal to an opt-in enum member. */
function optInValues(value: unknown, members: ReadonlySet<string>, path = '$'): string[] {
  if (typeof value === 'string') return members.has(value) ? [`${path} = ${value}`] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => optInValues(v, members, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Json)
      .filter(([k]) => !k.includes('@'))
      .flatMap(([k, v]) => optInValues(v, members, `${path}.${k}`));
  }
  return [];
}

export interface Tally {
  /** HTTP responses whose body was validated (pages included). */
  responses: number;
  ok: number;
  errors: number;
  /** Items of collection pages validated. */
  items: number;
  /** Opt-in enum members seen (with include-unknown-enum-members). */
  optInSeen: number;
}

export const emptyTally = (): Tally => ({ responses: 0, ok: 0, errors: 0, items: 0, optInSeen: 0 });

export interface CheckOptions {
  version: GraphVersion;
  /** OpenAPI path template of the route that answers `url`. */
  template: string;
  kind: 'collection' | 'entity' | 'count';
  url: string;
  token: string;
  prefer: PreferVariant;
  /** The server's origin: every continuation link must stay on it. */
  origin: string;
  tally: Tally;
  /** Stop after this many pages (default: follow the links to the end). */
  maxPages?: number;
}

const MAX_PAGES = 400;

/**
 * GETs `url` and validates the answer (and every page after it): returns the problems found, empty when it
 * conforms, and the first exchange.
 */
export async function checkExchange(o: CheckOptions): Promise<{ problems: string[]; first: Exchange }> {
  const problems: string[] = [];
  const headers: Record<string, string> = { authorization: `Bearer ${o.token}` };
  if (o.prefer.header !== undefined) headers.prefer = o.prefer.header;
  const optIn = optInEnumMembers(o.version);
  const queue: { url: string; template: string; kind: CheckOptions['kind'] }[] = [
    { url: o.url, template: o.template, kind: o.kind },
  ];
  let first: Exchange | undefined;
  let pages = 0;
  while (queue.length > 0) {
    if (o.maxPages !== undefined && pages >= o.maxPages) break;
    const step = queue.shift()!;
    if (++pages > MAX_PAGES) {
      problems.push(`more than ${MAX_PAGES} pages: the continuation links never end`);
      break;
    }
    const r = await send(step.url, headers);
    first ??= r;
    o.tally.responses++;
    const where = step.url === o.url ? '' : ` (continuation ${step.url})`;
    const say = (m: string) => problems.push(`${m}${where}`);
    if (r.status !== 200) {
      o.tally.errors++;
      if (!/^application\/json\b/.test(r.headers.get('content-type') ?? '')) {
        say(`error ${r.status} with content-type ${r.headers.get('content-type')}`);
      }
      const errs = validateSchema(o.version, 'microsoft.graph.ODataErrors.ODataError', r.json);
      for (const e of errs) say(`error body ${r.status}: ${e}`);
      continue;
    }
    o.tally.ok++;
    if (step.kind === 'count') {
      if (!/^text\/plain\b/.test(r.headers.get('content-type') ?? '')) say(`$count content-type`);
      if (!/^\d+$/.test(r.text)) say(`$count body ${JSON.stringify(r.text.slice(0, 40))}`);
      for (const e of validateResponse(o.version, step.template, r.text)) say(e);
      continue;
    }
    if (r.headers.get('content-type') !== JSON_CONTENT_TYPE) {
      say(`content-type ${r.headers.get('content-type')}`);
    }
    const body = r.json as Json;
    for (const e of validateResponse(o.version, step.template, body)) say(e);
    for (const e of unofficialTypes(o.version, body)) say(e);
    if (o.prefer.omitNulls) {
      for (const p of nullPaths(body).slice(0, 3)) say(`null at ${p} despite omit-values=nulls`);
    }
    const opted = optInValues(body, optIn);
    if (o.prefer.unknownEnums) o.tally.optInSeen += opted.length;
    else
      for (const p of opted.slice(0, 3)) say(`opt-in enum member without include-unknown-enum-members: ${p}`);
    const applied = r.headers.get('preference-applied') ?? '';
    if (o.prefer.omitNulls && !applied.includes('omit-values=nulls')) say(`Preference-Applied: "${applied}"`);
    if (o.prefer.unknownEnums && !applied.includes('include-unknown-enum-members')) {
      say(`Preference-Applied: "${applied}"`);
    }
    if (Array.isArray(body.value)) {
      o.tally.items += body.value.length;
      // Segments are not paged (docs/endpoints.md: "page: all"), so no page size is applied there and none is echoed.
      const paged = !step.template.endsWith('/segments');
      if (paged && o.prefer.maxPageSize !== undefined && !/\bodata\.maxpagesize=\d+/.test(applied)) {
        say(`Preference-Applied: "${applied}" does not echo odata.maxpagesize`);
      }
      if (o.prefer.maxPageSize !== undefined && body.value.length > o.prefer.maxPageSize) {
        say(`${body.value.length} items on a page despite odata.maxpagesize=${o.prefer.maxPageSize}`);
      }
    }
    // Continuation links: the page's own, and those of expanded navigation properties (`sessions@odata.nextLink`).
    for (const [key, link] of Object.entries(body)) {
      if (!key.endsWith('@odata.nextLink')) continue;
      if (typeof link !== 'string' || !link.startsWith(`${o.origin}/${o.version}/`)) {
        say(`${key} ${JSON.stringify(link)} is not an absolute link on this server`);
        continue;
      }
      const nav = key.slice(0, -'@odata.nextLink'.length);
      queue.push(
        nav === ''
          ? { url: link, template: step.template, kind: 'collection' }
          : { url: link, template: `${step.template}/${nav}`, kind: 'collection' },
      );
    }
  }
  return { problems, first: first! };
}
