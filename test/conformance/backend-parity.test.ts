// SQLite and PostgreSQL serve the same bytes: two servers over the same demo seed, one per backend, are asked every
// GET route of both official documents with every query option variant and Prefer header of the conformance walk
// (routes.ts), following continuation links, plus the path and token errors; status, the headers a client reads
// and the body must be equal byte for byte once the server's own address, request ids and dates are masked.
// Runs in the PostgreSQL pass of `npm test` (it needs a PostgreSQL server; the SQLite pass skips it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_APPS } from '../../src/demo/apps.js';
import { findTownHall } from '../api/helpers.js';
import { startTestServer, TEST_NOW, type TestServer } from '../helpers/server.js';
import { TEST_BACKEND } from '../helpers/test-db.js';
import { send, type Json } from './checks.js';
import { fillPath, PREFERS, queryString, routes, variants, VERSIONS, type Fill } from './routes.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** Continuation pages followed per chain (a deep page of the records list is reached within these). */
const MAX_PAGES = 8;
/** Response headers a client acts on. */
const HEADERS = [
  'content-type',
  'odata-version',
  'retry-after',
  'location',
  'preference-applied',
  'www-authenticate',
];
const UNKNOWN = '00000000-0000-4000-8000-00000000dead';

const skip = TEST_BACKEND === 'postgres' ? false : 'compares with PostgreSQL: runs in the PostgreSQL pass';

interface Side {
  server: TestServer;
  noRoles: string;
}
let sqlite: Side;
let postgres: Side;
let params: Record<string, string>;
let fill: Fill;
let compared = 0;
let pages = 0;

before(async () => {
  if (skip) return;
  // The same seed, and the same skiptoken key so that continuation links are the same bytes.
  const common = {
    demoUsers: 50,
    demoDays: 2,
    settings: { 'skiptoken-key': Buffer.alloc(32, 7).toString('base64') },
  };
  const open = async (backend: 'sqlite' | 'postgres'): Promise<Side> => {
    const server = await startTestServer({ ...common, backend });
    return { server, noRoles: await server.tokenFor(DEMO_APPS[1].appId, DEMO_APPS[1].secret) };
  };
  [sqlite, postgres] = await Promise.all([open('sqlite'), open('postgres')]);
  const townHall = await findTownHall(sqlite.server);
  const base = `${sqlite.server.url}/v1.0/communications/callRecords/${townHall.id}`;
  const auth = { authorization: `Bearer ${sqlite.server.token}` };
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
  fill = { participantId: participant.id as string, lo: iso(start - HOUR * 6), hi: iso(start + HOUR * 6) };
});

after(async () => {
  if (skip) return;
  await Promise.all(
    [sqlite as Side | undefined, postgres as Side | undefined].map(async (s) => s?.server.close()),
  );
  console.log(
    `backend parity: ${compared} requests, ${pages} continuation pages, equal on SQLite and PostgreSQL`,
  );
});

/** The response as bytes to compare: status, the headers clients read, the body; per-server values masked. */
function masked(side: Side, r: { status: number; headers: Headers; text: string }): string {
  const headers = HEADERS.map((h) => `${h}: ${r.headers.get(h) ?? ''}`).join('\n');
  const body = r.text
    .split(side.server.url)
    .join('http://server')
    .replace(/"(request-id|client-request-id)":"[^"]*"/g, '"$1":"…"')
    .replace(/"date":"[^"]*"/g, '"date":"…"');
  return `${r.status}\n${headers}\n\n${body}`;
}

/** GETs `path` (below the server root) on both servers and follows nextLinks; returns the first difference. */
async function compare(path: string, o: { prefer?: string; token?: 'default' | 'none' | 'noRoles' }) {
  let paths: [string, string] = [sqlite.server.url + path, postgres.server.url + path];
  for (let page = 0; page < MAX_PAGES; page++) {
    const replies = await Promise.all(
      ([sqlite, postgres] as const).map((side, i) => {
        const token =
          o.token === 'none' ? undefined : o.token === 'noRoles' ? side.noRoles : side.server.token;
        return send(paths[i]!, {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(o.prefer ? { prefer: o.prefer } : {}),
        });
      }),
    );
    compared++;
    const [a, b] = [masked(sqlite, replies[0]!), masked(postgres, replies[1]!)];
    if (a !== b)
      return `${path}${page ? ` (page ${page + 1})` : ''}\n--- sqlite\n${a.slice(0, 600)}\n--- postgres\n${b.slice(0, 600)}`;
    const next = [replies[0]!.json, replies[1]!.json].map(
      (j) => (j as Json | undefined)?.['@odata.nextLink'] as string | undefined,
    );
    if (!next[0] || !next[1]) return undefined;
    paths = [next[0], next[1]];
    pages++;
  }
  return undefined;
}

for (const version of VERSIONS) {
  for (const route of routes(version)) {
    test(`${version} GET ${route.template}: same bytes on both backends`, { skip }, async () => {
      const path = `/${version}${fillPath(route, params)}`;
      const differences: string[] = [];
      const check = async (p: string, o: Parameters<typeof compare>[1] = {}) => {
        const d = await compare(p, o);
        if (d) differences.push(d);
      };
      for (const v of variants(route, fill)) {
        for (const prefer of PREFERS) {
          await check(path + queryString(v.query), prefer.header ? { prefer: prefer.header } : {});
        }
      }
      await check(path, { token: 'none' });
      await check(path, { token: 'noRoles' });
      for (const name of route.fn === undefined ? route.pathParams : []) {
        await check(`/${version}${fillPath(route, { ...params, [name]: UNKNOWN })}`);
      }
      assert.deepEqual(differences.slice(0, 3), [], `${differences.length} difference(s)`);
    });
  }
}
