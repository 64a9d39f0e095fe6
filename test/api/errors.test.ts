// Every rejected request answers with the Graph error envelope (validated against the ODataError schema): bad or
// unsupported query options, tampered or foreign $skiptokens, unknown segments, paths outside the surface and
// write methods. None of them may become a 500.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import type { GraphVersion } from '../helpers/openapi.js';
import {
  RECORDS,
  T,
  VERSIONS,
  assertGraphError,
  call,
  expectError,
  findRecord,
  findTownHall,
  getOk,
  q,
} from './helpers.js';

let server: TestServer;
let groupCall: { id: string; sessions: number; participants: number };
let townHall: { id: string; sessions: number; participants: number };

before(async () => {
  server = await startTestServer({ demoUsers: 40, demoDays: 30 });
  groupCall = await findRecord(server, { minSessions: 2, minParticipants: 3, maxSessions: 60 });
  townHall = await findTownHall(server);
});

after(async () => {
  await server?.close();
});

const badRequest = (message?: string | RegExp) => ({
  status: 400,
  code: 'BadRequest',
  ...(message ? { message } : {}),
});

/** The $skiptoken of a nextLink. */
function tokenOf(link: unknown): string {
  assert.equal(typeof link, 'string');
  const token = new URL(link as string).searchParams.get('$skiptoken');
  assert.ok(token);
  return token;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `token` with the character at `index` replaced by a different one of the same alphabet. */
function flip(token: string, index: number): string {
  const c = token[index]!;
  const replacement = c === 'A' ? 'B' : c === '.' ? '_' : 'A';
  return token.slice(0, index) + replacement + token.slice(index + 1);
}

async function listToken(version: GraphVersion, query = ''): Promise<string> {
  const { body } = await getOk(server, version, T.records, `${RECORDS}${query}`);
  return tokenOf(body['@odata.nextLink']);
}

for (const version of VERSIONS) {
  describe(`${version} errors`, () => {
    test('$filter syntax errors', async () => {
      const cases: [string, string | RegExp][] = [
        ['startDateTime ge', "Expression expected at position 16 in 'startDateTime ge'."],
        ['startDateTime ge 2026-11-01T00:00:00Z and', /^Expression expected at position \d+ in '/],
        ['startDateTime ge (2026-11-01T00:00:00Z', /expected at position \d+ in '/],
        ["participants_v2/any(p:p/id eq 'x'", /expected at position \d+ in '/],
        ["participants_v2/any(p:p/id eq 'x)", /unterminated string literal/],
        ['startDateTime gee 2026-11-01T00:00:00Z', /^Syntax error at position \d+ in '/],
        ['startDateTime ge 2026-11-01T00:00:00Z )', /^Syntax error at position \d+ in '/],
      ];
      for (const [filter, message] of cases) {
        await expectError(server, version, `${RECORDS}?$filter=${q(filter)}`, badRequest(message));
      }
    });

    test('unsupported filters: other properties, or, not, eq on startDateTime, other lambdas', async () => {
      const unsupported = /^Invalid filter clause: .*Supported filters on callRecords are startDateTime/;
      const cases = [
        "type eq 'groupCall'",
        'version gt 1',
        'startDateTime ge 2026-11-01T00:00:00Z or startDateTime lt 2026-10-25T00:00:00Z',
        'not (startDateTime ge 2026-11-01T00:00:00Z)',
        'startDateTime eq 2026-11-01T00:00:00Z',
        'startDateTime ne 2026-11-01T00:00:00Z',
        "participants_v2/all(p:p/id eq 'x')",
        "sessions/any(s:s/id eq 'x')",
        "participants_v2/any(p:p/id ne 'x')",
        "participants_v2/any(p:p/identity eq 'x')",
        "participants_v2/any(p:p/id eq 'a') and participants_v2/any(p:p/id eq 'b')",
      ];
      for (const filter of cases) {
        await expectError(server, version, `${RECORDS}?$filter=${q(filter)}`, badRequest(unsupported));
      }
      // Also on $count, which takes the same filters.
      await expectError(
        server,
        version,
        `${RECORDS}/$count?$filter=${q("type eq 'groupCall'")}`,
        badRequest(unsupported),
      );
    });

    test('malformed or mistyped date literals', async () => {
      const cases: [string, string | RegExp][] = [
        [
          'startDateTime ge 2026-13-01T00:00:00Z',
          "Unrecognized 'Edm.DateTimeOffset' literal '2026-13-01T00:00:00Z' at '17' in 'startDateTime ge 2026-13-01T00:00:00Z'.",
        ],
        [
          'startDateTime ge 2026-02-30T00:00:00Z',
          /^Unrecognized 'Edm.DateTimeOffset' literal '2026-02-30T00:00:00Z'/,
        ],
        ['startDateTime ge 2026-11-01T25:00:00Z', /^Unrecognized 'Edm.DateTimeOffset' literal/],
        ['startDateTime ge 2026-11-31', /^Unrecognized 'Edm.Date' literal '2026-11-31'/],
        // Well-formed literals of the wrong type.
        ["startDateTime ge '2026-11-01T00:00:00Z'", /must be a DateTimeOffset literal/],
        ['startDateTime ge 2026-11-01', /must be a DateTimeOffset literal/],
        ['startDateTime ge 42', /must be a DateTimeOffset literal/],
      ];
      for (const [filter, message] of cases) {
        await expectError(server, version, `${RECORDS}?$filter=${q(filter)}`, badRequest(message));
      }
    });

    test('unknown $select properties', async () => {
      const on = (type: string, name: string) =>
        `Could not find a property named '${name}' on type '${type}'.`;
      const record = 'microsoft.graph.callRecords.callRecord';
      await expectError(server, version, `${RECORDS}?$select=foo`, badRequest(on(record, 'foo')));
      await expectError(server, version, `${RECORDS}?$select=id,bogus`, badRequest(on(record, 'bogus')));
      await expectError(
        server,
        version,
        `${RECORDS}/${groupCall.id}?$select=nope`,
        badRequest(on(record, 'nope')),
      );
      await expectError(
        server,
        version,
        `${RECORDS}/${groupCall.id}/sessions?$select=nope`,
        badRequest(on('microsoft.graph.callRecords.session', 'nope')),
      );
      await expectError(
        server,
        version,
        `${RECORDS}/${groupCall.id}/participants_v2?$select=nope`,
        badRequest(on('microsoft.graph.callRecords.participant', 'nope')),
      );
      await expectError(server, version, `${RECORDS}?$select=organizer_v2/id`, badRequest());
      await expectError(server, version, `${RECORDS}?$select=${q("'id'")}`, badRequest());
      // The list never expands navigation, not even through $select.
      await expectError(server, version, `${RECORDS}?$select=id,sessions`, badRequest());
    });

    test('unknown or unsupported $expand', async () => {
      const id = groupCall.id;
      for (const expand of [
        'foo',
        'sessions($expand=foo)',
        'sessions/segments',
        'participants_v2($expand=identity)',
      ]) {
        await expectError(server, version, `${RECORDS}/${id}?$expand=${q(expand)}`, badRequest());
      }
      await expectError(server, version, `${RECORDS}/${id}/sessions?$expand=caller`, badRequest());
      await expectError(
        server,
        version,
        `${RECORDS}?$expand=sessions`,
        badRequest("The query option '$expand' is not supported on the callRecords collection."),
      );
    });

    test('unsupported query options on the list: $orderby, $count, $search, $skip', async () => {
      const cases: [string, string][] = [
        ['$orderby=startDateTime desc', '$orderby'],
        ['$count=true', '$count'],
        ['$search=%22alice%22', '$search'],
        ['$skip=60', '$skip'],
      ];
      for (const [query, option] of cases) {
        await expectError(
          server,
          version,
          `${RECORDS}?${query.replace(/ /g, '%20')}`,
          badRequest(`The query option '${option}' is not supported on the callRecords collection.`),
        );
      }
      await expectError(server, version, `${RECORDS}?$format=xml`, { status: 406, code: 'NotAcceptable' });
      await expectError(server, version, `${RECORDS}?$top=5&$top=6`, badRequest(/more than once/));
    });

    test('$top must be a positive integer', async () => {
      await expectError(server, version, `${RECORDS}?$top=0`, badRequest());
      await expectError(
        server,
        version,
        `${RECORDS}?$top=-1`,
        badRequest(
          "Invalid value '-1' for $top query option found. The $top query value must be a non-negative integer.",
        ),
      );
      await expectError(server, version, `${RECORDS}?$top=abc`, badRequest(/^Invalid value 'abc' for \$top/));
      await expectError(server, version, `${RECORDS}?$top=1.5`, badRequest());
      await expectError(server, version, `${RECORDS}?$top=99999999999`, badRequest());
      await expectError(server, version, `${RECORDS}/${groupCall.id}/sessions?$top=0`, badRequest());
      await expectError(server, version, `${RECORDS}/${groupCall.id}/participants_v2?$top=0`, badRequest());
    });

    test('a tampered $skiptoken is a 400, never a 500', async () => {
      const token = await listToken(version);
      // The token still works untouched.
      await getOk(server, version, T.records, `${RECORDS}?$skiptoken=${q(token)}`);
      const positions = new Set([
        0,
        1,
        Math.floor(token.length / 3),
        token.indexOf('.'),
        token.indexOf('.') + 1,
        token.length - 1,
      ]);
      for (const i of positions) {
        await expectError(server, version, `${RECORDS}?$skiptoken=${q(flip(token, i))}`, badRequest());
      }
      // Every other character in the last position (whose spare bits base64 decoders ignore).
      const last = token[token.length - 1]!;
      for (const c of BASE64URL) {
        if (c === last) continue;
        await expectError(
          server,
          version,
          `${RECORDS}?$skiptoken=${q(token.slice(0, -1) + c)}`,
          badRequest(),
        );
      }
      for (const bad of [
        '',
        'x',
        '.',
        token + 'A',
        token.slice(0, -1),
        token.split('.')[0]!,
        `${token}.${token}`,
        'a'.repeat(5000),
      ]) {
        await expectError(server, version, `${RECORDS}?$skiptoken=${q(bad)}`, badRequest());
      }
      // A well-signed position of the wrong shape cannot be forged without the key: a payload swapped between
      // two genuine tokens fails the signature.
      const other = await listToken(version, '?$top=3');
      const swapped = `${other.split('.')[0]!}.${token.split('.')[1]!}`;
      await expectError(server, version, `${RECORDS}?$skiptoken=${q(swapped)}`, badRequest());
    });

    test('a $skiptoken from another collection, filter, selection or record is a 400', async () => {
      const list = await listToken(version);
      const filterA = 'startDateTime ge 2026-10-25T00:00:00Z';
      const filtered = await listToken(version, `?$filter=${q(filterA)}`);
      const selected = await listToken(version, '?$select=id');
      const sessionsPage = await getOk(server, version, T.sessions, `${RECORDS}/${townHall.id}/sessions`);
      const sessions = tokenOf(sessionsPage.body['@odata.nextLink']);
      const participantsPage = await getOk(
        server,
        version,
        T.participants,
        `${RECORDS}/${townHall.id}/participants_v2`,
      );
      const participants = tokenOf(participantsPage.body['@odata.nextLink']);
      const cases: [string, string][] = [
        // A sessions or participants token on the list, and the other way round.
        [RECORDS, sessions],
        [RECORDS, participants],
        [`${RECORDS}/${townHall.id}/sessions`, list],
        [`${RECORDS}/${townHall.id}/sessions`, participants],
        [`${RECORDS}/${townHall.id}/participants_v2`, sessions],
        // The same collection of another record.
        [`${RECORDS}/${groupCall.id}/sessions`, sessions],
        [`${RECORDS}/${groupCall.id}/participants_v2`, participants],
        // A token issued for another filter, another selection, or no filter.
        [`${RECORDS}?$filter=${q('startDateTime ge 2026-10-26T00:00:00Z')}`, filtered],
        [RECORDS, filtered],
        [`${RECORDS}?$filter=${q(filterA)}`, list],
        [`${RECORDS}?$select=id,type`, selected],
        [RECORDS, selected],
        [`${RECORDS}?$top=7`, list],
        // A sessions token with a different $expand.
        [`${RECORDS}/${townHall.id}/sessions?$expand=segments`, sessions],
      ];
      for (const [path, token] of cases) {
        const sep = path.includes('?') ? '&' : '?';
        await expectError(server, version, `${path}${sep}$skiptoken=${q(token)}`, badRequest());
      }
      // The genuine combinations work.
      await getOk(server, version, T.records, `${RECORDS}?$filter=${q(filterA)}&$skiptoken=${q(filtered)}`);
      await getOk(
        server,
        version,
        T.sessions,
        `${RECORDS}/${townHall.id}/sessions?$skiptoken=${q(sessions)}`,
      );
    });

    test('$skiptoken is not accepted where nothing pages', async () => {
      const token = await listToken(version);
      await expectError(server, version, `${RECORDS}/${groupCall.id}?$skiptoken=${q(token)}`, badRequest());
      await expectError(server, version, `${RECORDS}/$count?$skiptoken=${q(token)}`, badRequest());
    });

    test('an unknown segment under callRecords: 400 "Resource not found for the segment \'…\'."', async () => {
      const id = groupCall.id;
      const segment = (name: string) => badRequest(`Resource not found for the segment '${name}'.`);
      await expectError(server, version, `${RECORDS}/${id}/foo`, segment('foo'));
      await expectError(server, version, `${RECORDS}/${id}/sessions/x/y`, segment('y'));
      await expectError(server, version, `${RECORDS}/${id}/organizer_v2/id`, segment('id'));
      await expectError(server, version, `${RECORDS}/${id}/participants_v2/x/identity`, segment('identity'));
      await expectError(server, version, `${RECORDS}/$count/x`, segment('x'));
      await expectError(server, version, `/communications/callRecordz`, segment('callRecordz'));
      await expectError(server, version, `/communications/calls`, segment('calls'));
      await expectError(server, version, `${RECORDS}/getFoo(x=1)`, segment('getFoo(x=1)'));
    });

    test('a malformed percent-encoding in the path is a Graph 400, not a framework error body', async () => {
      for (const path of [`${RECORDS}/%zz`, `${RECORDS}/%`, `${RECORDS}/${groupCall.id}/sessions/%E0%A4%A`]) {
        await expectError(server, version, path, badRequest());
      }
    });

    test('a path outside the call records surface: 404', async () => {
      for (const path of ['/me', '/users', '/communications', '/', '/callRecords']) {
        await expectError(server, version, path, { status: 404, code: 'UnknownError' });
      }
      // Another version of the API is not served.
      const r = await call(server, '/v2.0/communications/callRecords');
      assertGraphError(version, r, { status: 404, code: 'UnknownError' }, 'GET /v2.0/…');
    });

    test('write methods on call records paths: 405 MethodNotAllowed', async () => {
      const id = groupCall.id;
      const paths = [
        RECORDS,
        `${RECORDS}/${id}`,
        `${RECORDS}/${id}/sessions`,
        `${RECORDS}/${id}/participants_v2`,
        `${RECORDS}/${id}/organizer_v2`,
        `${RECORDS}/$count`,
      ];
      for (const path of paths) {
        for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) {
          const init =
            method === 'DELETE'
              ? { method }
              : { method, headers: { 'content-type': 'application/json' }, body: '{"id":"x"}' };
          const r = await call(server, `/${version}${path}`, init);
          assertGraphError(version, r, { status: 405, code: 'MethodNotAllowed' }, `${method} ${path}`);
          assert.match(r.headers.get('allow') ?? '', /\bGET\b/, `${method} ${path}: Allow header`);
        }
      }
      // The record is untouched.
      const { body } = await getOk(server, version, T.record, `${RECORDS}/${id}`);
      assert.equal(body.id, id);
    });
  });
}
