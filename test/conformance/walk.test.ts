// The conformance walk (issue 6): every GET route of both official OpenAPI documents × every query option the
// route declares × the Prefer headers, against a server over the demo dataset. Every 200 body (and every page
// behind its continuation links) is validated against the official schema, closed types and `@odata.type`
// included; every error body against ODataError. The status of each combination is the one docs/endpoints.md documents.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestContext } from 'node:test';
import { DEMO_APPS } from '../../src/demo/apps.js';
import { findTownHall } from '../api/helpers.js';
import { startTestServer, TEST_NOW } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { checkExchange, emptyTally, send } from './checks.js';
import type { Json, Tally } from './checks.js';
import { endpointOf, fillPath, PREFERS, queryString, routes, variants, VERSIONS } from './routes.js';
import type { Fill, Route } from './routes.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

let server: TestServer;
let noRolesToken: string;
let params: Record<string, string>;
let fill: Fill;
const tally: Tally = emptyTally();
let combinations = 0;
let errorCaseCount = 0;
let corpusChecks = 0;
const statuses = new Map<string, number>();
const functionRows = new Map<string, number>();
const routeCount = { 'v1.0': 0, beta: 0 };

before(async () => {
  server = await startTestServer({ demoUsers: 50, demoDays: 2 });
  noRolesToken = await server.tokenFor(DEMO_APPS[1].appId, DEMO_APPS[1].secret);
  // The record with the most of everything: more sessions (60 a page) and participants (130) than one page holds.
  const townHall = await findTownHall(server);
  const base = `${server.url}/v1.0/communications/callRecords/${townHall.id}`;
  const auth = { authorization: `Bearer ${server.token}` };
  const sessions = (await send(`${base}/sessions?$expand=segments&$top=1`, auth)).json as Json;
  const session = (sessions.value as Json[])[0]!;
  const participants = (await send(`${base}/participants_v2?$top=1`, auth)).json as Json;
  const participant = (participants.value as Json[])[0]!;
  const record = (await send(`${base}?$select=startDateTime`, auth)).json as Json;
  const start = Date.parse(record.startDateTime as string);
  params = {
    'callRecord-id': townHall.id,
    'session-id': session.id as string,
    'segment-id': (session.segments as Json[])[0]!.id as string,
    'participant-id': participant.id as string,
    fromDateTime: iso(TEST_NOW - 30 * DAY),
    toDateTime: iso(TEST_NOW),
  };
  // A window around the town hall: every supported filter form matches at least that record.
  fill = { participantId: participant.id as string, lo: iso(start - HOUR * 6), hi: iso(start + HOUR * 6) };
});

after(async () => {
  await server.close();
  const byStatus = [...statuses]
    .sort()
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
  console.log(
    `conformance walk: ${combinations} route × query option × Prefer combinations validated over ` +
      `${routeCount['v1.0']} v1.0 + ${routeCount.beta} beta GET routes, plus ${errorCaseCount} path/token error cases ` +
      `and ${corpusChecks} fully expanded record reads; ${tally.responses} responses ` +
      `(${tally.ok} 200 bodies incl. continuation pages, ${tally.errors} error bodies), ${tally.items} collection items; ` +
      `statuses of the combinations and error cases: ${byStatus}`,
  );
  if (functionRows.size > 0) {
    console.log(
      `conformance walk: function rows validated: ${[...functionRows].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
  }
});

const UNKNOWN = '00000000-0000-4000-8000-00000000dead';

/** Items of a collection page, or the number a `/$count` answered. */
function matched(body: unknown): number {
  if (typeof body === 'string') return Number(body);
  const value = (body as Json | undefined)?.value;
  return Array.isArray(value) ? value.length : 0;
}

async function walkRoute(t: TestContext, route: Route): Promise<void> {
  const path = `${server.url}/${route.version}${fillPath(route, params)}`;
  const problems: string[] = [];
  const endpoint = endpointOf(route);
  routeCount[route.version]++;

  // A route of the documents that is not served fails here, before its combinations are counted.
  const probe = await send(path, { authorization: `Bearer ${server.token}` });
  assert.equal(probe.status, 200, `GET ${path}: ${probe.text.slice(0, 300)}`);

  let rows = 0;
  for (const v of variants(route, fill)) {
    for (const prefer of PREFERS) {
      const url = path + queryString(v.query);
      const { problems: found, first } = await checkExchange({
        version: route.version,
        template: route.template,
        kind: route.kind,
        url,
        token: server.token,
        prefer,
        origin: server.url,
        tally,
        ...(prefer.header !== undefined && v.pagesWithPrefer !== undefined
          ? { maxPages: v.pagesWithPrefer }
          : {}),
      });
      combinations++;
      const key = `${first.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      const label = `${v.label} [${prefer.label}]`;
      if (v.expect !== 'any' && first.status !== v.expect) {
        problems.push(
          `${label}: status ${first.status}, documented ${v.expect}: ${first.text.slice(0, 200)}`,
        );
      }
      for (const p of found) problems.push(`${label}: ${p}`);
      if (
        v.matches === true &&
        first.status === 200 &&
        matched(route.kind === 'count' ? first.text : first.json) === 0
      ) {
        problems.push(`${label}: matched nothing, the data has records for it`);
      }
      if (route.fn !== undefined && v.query.length === 0 && prefer.header === undefined) {
        rows = Array.isArray((first.json as Json | undefined)?.value)
          ? ((first.json as Json).value as []).length
          : 0;
      }
    }
  }

  // Errors on the path itself: unknown ids (404), no token (401), a token without roles (403).
  const errorCases: { label: string; url: string; token: string; expect: number | 'any' }[] = [
    { label: 'no token', url: path, token: '', expect: 401 },
    { label: 'token without roles', url: path, token: noRolesToken, expect: 403 },
  ];
  for (const name of route.pathParams) {
    if (route.fn !== undefined) continue;
    const url = `${server.url}/${route.version}${fillPath(route, { ...params, [name]: UNKNOWN })}`;
    errorCases.push({ label: `unknown {${name}}`, url, token: server.token, expect: 404 });
  }
  if (route.fn !== undefined) {
    const swap = { ...params, fromDateTime: params.toDateTime!, toDateTime: params.fromDateTime! };
    const long = { ...params, fromDateTime: iso(TEST_NOW - 200 * DAY) };
    const bad = { ...params, fromDateTime: 'yesterday' };
    for (const [label, values] of [
      ['fromDateTime after toDateTime', swap],
      ['range over 90 days', long],
      ['malformed fromDateTime', bad],
    ] as const) {
      errorCases.push({
        label,
        url: `${server.url}/${route.version}${fillPath(route, values)}`,
        token: server.token,
        expect: 'any',
      });
    }
  }
  for (const c of errorCases) {
    const { problems: found, first } = await checkExchange({
      version: route.version,
      template: route.template,
      kind: route.kind,
      url: c.url,
      token: c.token,
      prefer: PREFERS[0]!,
      origin: server.url,
      tally,
    });
    errorCaseCount++;
    statuses.set(String(first.status), (statuses.get(String(first.status)) ?? 0) + 1);
    if (c.expect === 'any' ? first.status < 400 : first.status !== c.expect) {
      problems.push(
        `${c.label}: status ${first.status}, documented ${c.expect}: ${first.text.slice(0, 200)}`,
      );
    }
    for (const p of found) problems.push(`${c.label}: ${p}`);
  }

  t.diagnostic(`${endpoint}: ${problems.length} problem(s)`);
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} problem(s) on GET ${route.template}`);
  if (route.fn !== undefined) {
    functionRows.set(`${route.version} ${route.fn}`, rows);
    // An empty envelope proves little about the rows' schema: the demo data has rows for every log function.
    assert.ok(rows > 0, `${route.fn}: no rows in the demo data, only the empty envelope was validated`);
  }
}

for (const version of VERSIONS) {
  for (const route of routes(version)) {
    test(`${version} GET ${route.template}`, (t) => walkRoute(t, route));
  }
}

// The walk above reads one record through every route; this reads every record of the dataset once, fully
// expanded, so that each kind of call (PSTN, ACS, guests, bots, failures, Wi-Fi...) meets the schema.
test('every record of the dataset, fully expanded, conforms on both versions', async () => {
  const ids: string[] = [];
  let next: string | undefined = `${server.url}/v1.0/communications/callRecords?$select=id`;
  while (next !== undefined) {
    const page = (await send(next, { authorization: `Bearer ${server.token}` })).json as Json;
    ids.push(...(page.value as Json[]).map((r) => r.id as string));
    next = page['@odata.nextLink'] as string | undefined;
  }
  assert.ok(ids.length > 100, `${ids.length} records`);
  const corpus = emptyTally();
  const problems: string[] = [];
  const expand = '?$expand=sessions($expand=segments),participants_v2';
  for (const version of VERSIONS) {
    for (const id of ids) {
      for (const prefer of [PREFERS[0]!, PREFERS[PREFERS.length - 1]!]) {
        const url = `${server.url}/${version}/communications/callRecords/${id}${expand}`;
        const { problems: found, first } = await checkExchange({
          version,
          template: '/communications/callRecords/{callRecord-id}',
          kind: 'entity',
          url,
          token: server.token,
          prefer,
          origin: server.url,
          tally: corpus,
        });
        corpusChecks++;
        if (first.status !== 200) problems.push(`${url}: ${first.status}`);
        for (const p of found) problems.push(`${version} ${id} [${prefer.label}]: ${p}`);
      }
    }
  }
  for (const k of ['responses', 'ok', 'errors', 'items', 'optInSeen'] as const) tally[k] += corpus[k];
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} problem(s)`);
  assert.ok(corpus.optInSeen > 0, 'no opt-in enum member was ever sent with include-unknown-enum-members');
});

test('the walk covered every route of both documents', () => {
  assert.ok(routeCount['v1.0'] >= 15 && routeCount.beta >= 18, JSON.stringify(routeCount));
  assert.ok(combinations > 1000, `${combinations} combinations`);
});
