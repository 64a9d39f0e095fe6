// GET /communications/callRecords/{id}: both key syntaxes, $select, $expand of sessions (with segments) and
// participants_v2, and the independent paging of expanded collections on the town-hall meeting.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import {
  NOT_FOUND_MESSAGE,
  RECORDS,
  T,
  VERSIONS,
  assertNextLink,
  assertNoDuplicates,
  expectError,
  findRecord,
  findTownHall,
  getCount,
  getOk,
  ids,
  walk,
  withoutContext,
} from './helpers.js';
import type { Json } from './helpers.js';

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

for (const version of VERSIONS) {
  const meta = () => `${server.url}/${version}/$metadata#`;

  describe(`${version} get callRecord`, () => {
    test('by key segment and by parenthesised key: the same entity', async () => {
      const id = groupCall.id;
      const a = await getOk(server, version, T.record, `${RECORDS}/${id}`);
      const b = await getOk(server, version, T.record, `${RECORDS}('${id}')`);
      assert.deepEqual(a.body, b.body);
      assert.equal(a.body['@odata.context'], `${meta()}communications/callRecords/$entity`);
      assert.equal(a.body.id, id);
      assert.equal(
        a.body['organizer_v2@odata.context'],
        `${meta()}communications/callRecords('${id}')/organizer_v2/$entity`,
      );
      assert.ok(a.body.organizer_v2 !== undefined, 'organizer_v2 is auto-expanded');
      assert.ok(!('sessions' in a.body) && !('participants_v2' in a.body), 'navigation is not expanded');
      for (const key of [
        'version',
        'type',
        'modalities',
        'startDateTime',
        'endDateTime',
        'lastModifiedDateTime',
      ]) {
        assert.ok(key in a.body, `${key} missing`);
      }
      // The same record as listed (list items carry the same properties).
      const list = await walk(server, version, T.records, RECORDS);
      const listed = list.items.find((r) => r.id === id);
      assert.ok(listed, 'the record is listed');
      for (const [k, v] of Object.entries(listed)) assert.deepEqual(a.body[k], v, k);
    });

    test('$select limits the properties and names them in the context', async () => {
      const id = groupCall.id;
      const { body } = await getOk(server, version, T.record, `${RECORDS}/${id}?$select=id,version,type`);
      assert.equal(body['@odata.context'], `${meta()}communications/callRecords(id,version,type)/$entity`);
      assert.deepEqual(Object.keys(body).sort(), ['@odata.context', 'id', 'type', 'version']);
      const full = await getOk(server, version, T.record, `${RECORDS}/${id}`);
      assert.equal(body.version, full.body.version);
      assert.equal(body.type, full.body.type);
    });

    test('$expand=sessions inlines the sessions without segments', async () => {
      const id = groupCall.id;
      const { body } = await getOk(server, version, T.record, `${RECORDS}/${id}?$expand=sessions`);
      const sessions = body.sessions as Json[];
      assert.ok(Array.isArray(sessions));
      assert.equal(sessions.length, groupCall.sessions);
      for (const s of sessions) assert.ok(!('segments' in s), 'segments were not asked for');
      assert.equal(body['sessions@odata.nextLink'], undefined);
      const listed = await walk(server, version, T.sessions, `${RECORDS}/${id}/sessions`);
      assert.deepEqual(sessions, listed.items);
    });

    test('$expand=sessions($expand=segments): context, every session with its segments', async () => {
      const id = groupCall.id;
      const { body } = await getOk(
        server,
        version,
        T.record,
        `${RECORDS}/${id}?$expand=sessions($expand=segments)`,
      );
      assert.equal(
        body['@odata.context'],
        `${meta()}communications/callRecords(sessions(segments()))/$entity`,
      );
      assert.equal(
        body['sessions@odata.context'],
        `${meta()}communications/callRecords('${id}')/sessions(segments())`,
      );
      const sessions = body.sessions as Json[];
      assert.equal(sessions.length, groupCall.sessions);
      assertNoDuplicates(ids(sessions), 'expanded sessions');
      for (const s of sessions) {
        const segments = s.segments as Json[];
        assert.ok(Array.isArray(segments) && segments.length > 0, `session ${String(s.id)} has no segments`);
        const read = await getOk(
          server,
          version,
          T.segments,
          `${RECORDS}/${id}/sessions/${String(s.id)}/segments`,
        );
        assert.deepEqual(segments, read.body.value);
        const { segments: _segments, 'segments@odata.context': _ctx, ...rest } = s;
        const single = await getOk(server, version, T.session, `${RECORDS}/${id}/sessions/${String(s.id)}`);
        assert.deepEqual(rest, withoutContext(single.body));
      }
      // organizer_v2 stays inline next to the expansion.
      assert.ok('organizer_v2' in body);
    });

    test('$expand=participants_v2: context and every participant', async () => {
      const id = groupCall.id;
      const { body } = await getOk(server, version, T.record, `${RECORDS}/${id}?$expand=participants_v2`);
      assert.equal(body['@odata.context'], `${meta()}communications/callRecords(participants_v2())/$entity`);
      assert.equal(
        body['participants_v2@odata.context'],
        `${meta()}communications/callRecords('${id}')/participants_v2`,
      );
      const participants = body.participants_v2 as Json[];
      assert.equal(participants.length, groupCall.participants);
      assert.equal(body['participants_v2@odata.nextLink'], undefined);
      const listed = await walk(server, version, T.participants, `${RECORDS}/${id}/participants_v2`);
      assert.deepEqual(participants, listed.items);
    });

    test('$select with $expand keeps the selection and adds the expansion to the context', async () => {
      const id = groupCall.id;
      const { body } = await getOk(
        server,
        version,
        T.record,
        `${RECORDS}/${id}?$select=id&$expand=sessions($expand=segments)`,
      );
      assert.equal(
        body['@odata.context'],
        `${meta()}communications/callRecords(id,sessions(segments()))/$entity`,
      );
      assert.equal(body.id, id);
      assert.equal((body.sessions as Json[]).length, groupCall.sessions);
      assert.ok(!('type' in body) && !('startDateTime' in body));
    });

    test('town hall: 60 inline sessions + sessions@odata.nextLink, the rest by following it', async () => {
      const id = townHall.id;
      const { body } = await getOk(
        server,
        version,
        T.record,
        `${RECORDS}/${id}?$expand=sessions($expand=segments)`,
      );
      const inline = body.sessions as Json[];
      assert.equal(inline.length, 60);
      for (const s of inline) assert.ok(Array.isArray(s.segments), 'inline sessions carry their segments');
      const link = body['sessions@odata.nextLink'];
      assertNextLink(server, version, link, `${RECORDS}/${id}/sessions`);
      assert.equal(new URL(link as string).searchParams.get('$expand'), 'segments');
      const rest = await walk(server, version, T.sessions, link as string, {
        collectionPath: `${RECORDS}/${id}/sessions`,
      });
      for (const s of rest.items)
        assert.ok(Array.isArray(s.segments), 'followed pages keep $expand=segments');
      const all = [...ids(inline), ...ids(rest.items)];
      assertNoDuplicates(all, 'town-hall sessions');
      const count = await getCount(server, version, T.sessionsCount, `${RECORDS}/${id}/sessions/$count`);
      assert.equal(all.length, count);
      assert.equal(count, townHall.sessions);
      const listed = await walk(server, version, T.sessions, `${RECORDS}/${id}/sessions`);
      assert.deepEqual(all, ids(listed.items));
      // Without segments, the link continues without them.
      const plain = await getOk(server, version, T.record, `${RECORDS}/${id}?$expand=sessions`);
      assert.equal((plain.body.sessions as Json[]).length, 60);
      const plainLink = plain.body['sessions@odata.nextLink'] as string;
      assertNextLink(server, version, plainLink, `${RECORDS}/${id}/sessions`);
      assert.equal(new URL(plainLink).searchParams.get('$expand'), null);
      const plainRest = await walk(server, version, T.sessions, plainLink, {
        collectionPath: `${RECORDS}/${id}/sessions`,
      });
      for (const s of plainRest.items) assert.ok(!('segments' in s));
      assert.deepEqual([...ids(plain.body.sessions as Json[]), ...ids(plainRest.items)], all);
    });

    test('town hall: 130 inline participants + participants_v2@odata.nextLink, the rest by following it', async () => {
      const id = townHall.id;
      const { body } = await getOk(server, version, T.record, `${RECORDS}/${id}?$expand=participants_v2`);
      const inline = body.participants_v2 as Json[];
      assert.equal(inline.length, 130);
      const link = body['participants_v2@odata.nextLink'];
      assertNextLink(server, version, link, `${RECORDS}/${id}/participants_v2`);
      const rest = await walk(server, version, T.participants, link as string, {
        collectionPath: `${RECORDS}/${id}/participants_v2`,
      });
      const all = [...ids(inline), ...ids(rest.items)];
      assertNoDuplicates(all, 'town-hall participants');
      const count = await getCount(
        server,
        version,
        T.participantsCount,
        `${RECORDS}/${id}/participants_v2/$count`,
      );
      assert.equal(all.length, count);
      assert.equal(count, townHall.participants);
      const listed = await walk(server, version, T.participants, `${RECORDS}/${id}/participants_v2`);
      assert.deepEqual(all, ids(listed.items));
    });

    test('an unknown id or a malformed one answers 404 NotFound with the full message', async () => {
      const notFound = { status: 404, code: 'NotFound', message: NOT_FOUND_MESSAGE };
      await expectError(server, version, `${RECORDS}/2f1c6b1e-0000-4000-8000-000000000000`, notFound);
      await expectError(server, version, `${RECORDS}('2f1c6b1e-0000-4000-8000-000000000000')`, notFound);
      await expectError(server, version, `${RECORDS}/not-a-call-record`, notFound);
      await expectError(server, version, `${RECORDS}/${groupCall.id}x`, notFound);
    });
  });
}
