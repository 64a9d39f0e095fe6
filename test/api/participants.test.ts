// participants_v2 (paged at 130) and organizer_v2 of a call record: lists, $count, single entities, $select and
// 404s for unknown ids.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import {
  NOT_FOUND_MESSAGE,
  RECORDS,
  T,
  VERSIONS,
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
  groupCall = await findRecord(server, { minParticipants: 3 });
  townHall = await findTownHall(server);
});

after(async () => {
  await server?.close();
});

const UNKNOWN = '7d1e3a52-0000-4000-8000-000000000000';

for (const version of VERSIONS) {
  const meta = () => `${server.url}/${version}/$metadata#`;

  describe(`${version} participants_v2 and organizer_v2`, () => {
    test('list participants_v2: context, all participants, count = /participants_v2/$count', async () => {
      const id = groupCall.id;
      const { body } = await getOk(server, version, T.participants, `${RECORDS}/${id}/participants_v2`);
      assert.equal(body['@odata.context'], `${meta()}communications/callRecords('${id}')/participants_v2`);
      const value = body.value as Json[];
      assert.equal(body['@odata.nextLink'], undefined);
      assertNoDuplicates(ids(value), 'participants');
      for (const p of value) assert.ok('identity' in p, `participant ${String(p.id)} without identity`);
      const count = await getCount(
        server,
        version,
        T.participantsCount,
        `${RECORDS}/${id}/participants_v2/$count`,
      );
      assert.equal(count, value.length);
      assert.equal(count, groupCall.participants);
    });

    test('participants_v2 page at 130 by default and at Prefer odata.maxpagesize; nextLinks walk them all', async () => {
      const id = townHall.id;
      const collection = `${RECORDS}/${id}/participants_v2`;
      const byDefault = await walk(server, version, T.participants, collection, { pageSize: 130 });
      assert.ok(byDefault.pages.length >= 2);
      const all = ids(byDefault.items);
      assertNoDuplicates(all, 'participants walk');
      assert.equal(all.length, await getCount(server, version, T.participantsCount, `${collection}/$count`));
      const small = await walk(server, version, T.participants, collection, {
        headers: { Prefer: 'odata.maxpagesize=50' },
        pageSize: 50,
      });
      assert.deepEqual(ids(small.items), all);
      for (const h of small.headers) assert.equal(h.get('preference-applied'), 'odata.maxpagesize=50');
      const clamped = await getOk(server, version, T.participants, collection, {
        Prefer: 'odata.maxpagesize=1000',
      });
      assert.equal((clamped.body.value as Json[]).length, 130);
      assert.equal(clamped.headers.get('preference-applied'), 'odata.maxpagesize=130');
      const selected = await walk(server, version, T.participants, `${collection}?$select=id`, {
        pageSize: 130,
        collectionPath: collection,
      });
      assert.deepEqual(ids(selected.items), all);
      for (const p of selected.items) assert.deepEqual(Object.keys(p), ['id']);
      assert.equal(
        selected.pages[0]!['@odata.context'],
        `${meta()}communications/callRecords('${id}')/participants_v2(id)`,
      );
    });

    test('one participant by key segment and by parenthesised key', async () => {
      const id = groupCall.id;
      const { body: list } = await getOk(server, version, T.participants, `${RECORDS}/${id}/participants_v2`);
      for (const p of (list.value as Json[]).slice(0, 3)) {
        const pid = p.id as string;
        const a = await getOk(server, version, T.participant, `${RECORDS}/${id}/participants_v2/${pid}`);
        assert.equal(
          a.body['@odata.context'],
          `${meta()}communications/callRecords('${id}')/participants_v2/$entity`,
        );
        assert.deepEqual(withoutContext(a.body), p);
        const b = await getOk(
          server,
          version,
          T.participant,
          `${RECORDS}('${id}')/participants_v2('${pid}')`,
        );
        assert.deepEqual(b.body, a.body);
      }
    });

    test('organizer_v2 equals the inline organizer_v2 of the record', async () => {
      const id = groupCall.id;
      const { body } = await getOk(server, version, T.organizer, `${RECORDS}/${id}/organizer_v2`);
      assert.equal(
        body['@odata.context'],
        `${meta()}communications/callRecords('${id}')/organizer_v2/$entity`,
      );
      const record = await getOk(server, version, T.record, `${RECORDS}/${id}`);
      assert.deepEqual(withoutContext(body), record.body.organizer_v2);
      const keyed = await getOk(server, version, T.organizer, `${RECORDS}('${id}')/organizer_v2`);
      assert.deepEqual(keyed.body, body);
      const selected = await getOk(server, version, T.organizer, `${RECORDS}/${id}/organizer_v2?$select=id`);
      assert.deepEqual(withoutContext(selected.body), { id: body.id });
    });

    test('unknown participant ids answer 404 NotFound; an unknown record keeps its own message', async () => {
      const id = groupCall.id;
      await expectError(server, version, `${RECORDS}/${id}/participants_v2/${UNKNOWN}`, {
        status: 404,
        code: 'NotFound',
      });
      await expectError(server, version, `${RECORDS}/${id}/participants_v2('${UNKNOWN}')`, {
        status: 404,
        code: 'NotFound',
      });
      const recordGone = { status: 404, code: 'NotFound', message: NOT_FOUND_MESSAGE };
      await expectError(server, version, `${RECORDS}/${UNKNOWN}/participants_v2`, recordGone);
      await expectError(server, version, `${RECORDS}/${UNKNOWN}/participants_v2/$count`, recordGone);
      await expectError(server, version, `${RECORDS}/${UNKNOWN}/organizer_v2`, recordGone);
    });
  });
}
