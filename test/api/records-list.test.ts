// GET /communications/callRecords: server-driven paging, Prefer odata.maxpagesize, $top, $select, the supported
// $filter forms, organizer_v2 auto-expansion and the 30-day retention window, on v1.0 and beta.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { TEST_NOW, startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import type { GraphVersion } from '../helpers/openapi.js';
import {
  NOT_FOUND_MESSAGE,
  RECORDS,
  T,
  VERSIONS,
  assertNoDuplicates,
  compareRecords,
  expectError,
  getCount,
  getOk,
  ids,
  q,
  walk,
  withoutContext,
} from './helpers.js';
import type { Json } from './helpers.js';
import { guid, makeRecord } from './fixtures.js';

let server: TestServer;
const fullLists = new Map<GraphVersion, Json[]>();

/** Five hand-made calls that start at the same instant and share one participant: ties are ordered by id. */
const TIE_START = TEST_NOW - 5 * 86_400_000 + 1234;
const tieUser = { id: guid('user:tie-shared'), displayName: 'Tie Shared' };
const ties = [1, 2, 3, 4, 5].map((i) =>
  makeRecord(`tie-${i}`, {
    startMs: TIE_START,
    users: [tieUser, { id: guid(`user:tie-${i}`), displayName: `Tie ${i}` }],
  }),
);

before(async () => {
  server = await startTestServer({ demoUsers: 40, demoDays: 30 });
  await server.store.upsertCallRecords(DEMO_TENANT_ID, ties);
});

after(async () => {
  await server?.close();
});

/** Every listed record in server order (one default walk per version, cached). */
async function fullList(version: GraphVersion): Promise<Json[]> {
  const cached = fullLists.get(version);
  if (cached) return cached;
  const { items } = await walk(server, version, T.records, RECORDS, { pageSize: 60 });
  fullLists.set(version, items);
  return items;
}

const startMs = (r: Json) => Date.parse(r.startDateTime as string);

/** Walks a filtered list and returns the ids; checks every nextLink carries the same $filter. */
async function filtered(version: GraphVersion, filter: string): Promise<string[]> {
  const w = await walk(server, version, T.records, `${RECORDS}?$filter=${q(filter)}`, {
    pageSize: 60,
    collectionPath: RECORDS,
  });
  for (const page of w.pages) {
    const link = page['@odata.nextLink'];
    if (typeof link === 'string') assert.equal(new URL(link).searchParams.get('$filter'), filter);
  }
  return ids(w.items);
}

for (const version of VERSIONS) {
  describe(`${version} list callRecords`, () => {
    test('default paging: 60 per page, nextLinks on this server, stable order, no duplicates, total = $count', async () => {
      const items = await fullList(version);
      assert.ok(items.length > 120, `the demo tenant should have several pages of records (${items.length})`);
      assertNoDuplicates(ids(items), 'list walk');
      for (let i = 1; i < items.length; i++) {
        assert.ok(
          compareRecords(items[i - 1]!, items[i]!) < 0,
          `order broken at ${i}: ${String(items[i - 1]!.startDateTime)} ${String(items[i - 1]!.id)} then ` +
            `${String(items[i]!.startDateTime)} ${String(items[i]!.id)}`,
        );
      }
      const count = await getCount(server, version, T.recordsCount, `${RECORDS}/$count`);
      assert.equal(count, items.length);
      assert.equal(await server.store.countAllCallRecords(DEMO_TENANT_ID), items.length);
      // A second walk yields the same sequence.
      const again = await walk(server, version, T.records, RECORDS, { pageSize: 60 });
      assert.deepEqual(ids(again.items), ids(items));
    });

    test('@odata.context of the list', async () => {
      const { body } = await getOk(server, version, T.records, RECORDS);
      assert.equal(body['@odata.context'], `${server.url}/${version}/$metadata#communications/callRecords`);
    });

    test('Prefer: odata.maxpagesize=7 gives pages of 7 and Preference-Applied', async () => {
      const items = await fullList(version);
      const w = await walk(server, version, T.records, RECORDS, {
        headers: { Prefer: 'odata.maxpagesize=7' },
        pageSize: 7,
        maxPages: 5,
      });
      assert.equal(w.pages.length, 5);
      for (const h of w.headers) assert.equal(h.get('preference-applied'), 'odata.maxpagesize=7');
      assert.deepEqual(ids(w.items), ids(items.slice(0, 35)));
    });

    test('Prefer: odata.maxpagesize above 60 is clamped to 60', async () => {
      const items = await fullList(version);
      for (const n of [61, 1000]) {
        const { body, headers } = await getOk(server, version, T.records, RECORDS, {
          Prefer: `odata.maxpagesize=${n}`,
        });
        assert.equal((body.value as Json[]).length, 60);
        assert.ok(body['@odata.nextLink'], 'a clamped page still links to the next one');
        assert.equal(headers.get('preference-applied'), 'odata.maxpagesize=60');
        assert.deepEqual(ids(body.value as Json[]), ids(items.slice(0, 60)));
      }
    });

    test('$top sets the page size and is carried by the nextLink; above 60 it is clamped', async () => {
      const items = await fullList(version);
      const w = await walk(server, version, T.records, `${RECORDS}?$top=5`, {
        pageSize: 5,
        maxPages: 2,
        collectionPath: RECORDS,
      });
      assert.equal(new URL(w.pages[0]!['@odata.nextLink'] as string).searchParams.get('$top'), '5');
      assert.deepEqual(ids(w.items), ids(items.slice(0, 10)));
      const { body } = await getOk(server, version, T.records, `${RECORDS}?$top=500`);
      assert.equal((body.value as Json[]).length, 60);
    });

    test('$select=id,startDateTime: context names the selection, items carry only those keys', async () => {
      const items = await fullList(version);
      const w = await walk(server, version, T.records, `${RECORDS}?$select=id,startDateTime`, {
        pageSize: 60,
        maxPages: 2,
        collectionPath: RECORDS,
      });
      for (const page of w.pages) {
        assert.equal(
          page['@odata.context'],
          `${server.url}/${version}/$metadata#communications/callRecords(id,startDateTime)`,
        );
      }
      for (const item of w.items) assert.deepEqual(Object.keys(item).sort(), ['id', 'startDateTime']);
      assert.deepEqual(
        w.items,
        items.slice(0, 120).map((r) => ({ id: r.id, startDateTime: r.startDateTime })),
      );
      assert.equal(
        new URL(w.pages[0]!['@odata.nextLink'] as string).searchParams.get('$select'),
        'id,startDateTime',
      );
    });

    test('$filter startDateTime ge … and startDateTime lt … returns exactly the records in range', async () => {
      const items = await fullList(version);
      const from = items[Math.floor(items.length / 5)]!.startDateTime as string;
      const to = items[Math.floor((items.length * 3) / 5)]!.startDateTime as string;
      const filter = `startDateTime ge ${from} and startDateTime lt ${to}`;
      const got = await filtered(version, filter);
      const expected = items.filter((r) => startMs(r) >= Date.parse(from) && startMs(r) < Date.parse(to));
      assert.ok(expected.length > 60, 'the range should span more than one page');
      assert.deepEqual(got, ids(expected));
      assert.equal(
        await getCount(server, version, T.recordsCount, `${RECORDS}/$count?$filter=${q(filter)}`),
        expected.length,
      );
      // The operands may come in either order.
      const flipped = `${to} gt startDateTime and ${from} le startDateTime`;
      assert.deepEqual(await filtered(version, flipped), ids(expected));
    });

    test('$filter with each of lt, le, gt, ge honours inclusive and exclusive bounds', async () => {
      const items = await fullList(version);
      const pivot = items[Math.floor(items.length / 2)]!;
      const at = pivot.startDateTime as string;
      const ms = Date.parse(at);
      const cases: [string, (r: Json) => boolean][] = [
        ['lt', (r) => startMs(r) < ms],
        ['le', (r) => startMs(r) <= ms],
        ['gt', (r) => startMs(r) > ms],
        ['ge', (r) => startMs(r) >= ms],
      ];
      for (const [op, keep] of cases) {
        const filter = `startDateTime ${op} ${at}`;
        const expected = ids(items.filter(keep));
        const got = await filtered(version, filter);
        assert.deepEqual(got, expected, filter);
        assert.equal(got.includes(pivot.id as string), op === 'le' || op === 'ge', filter);
        assert.equal(
          await getCount(server, version, T.recordsCount, `${RECORDS}/$count?$filter=${q(filter)}`),
          expected.length,
          filter,
        );
      }
    });

    test('$filter participants_v2/any(p:p/id eq …), alone and combined with a range', async () => {
      const items = await fullList(version);
      // The participant who attends the most calls (read from the store), excluding nobody.
      const attended = new Map<string, string[]>();
      for (const r of items) {
        const rows = await server.store.listParticipants(DEMO_TENANT_ID, r.id as string, { limit: 100_000 });
        for (const p of rows) attended.set(p.id, [...(attended.get(p.id) ?? []), r.id as string]);
      }
      const [participantId, expected] = [...attended].sort((a, b) => b[1].length - a[1].length)[0]!;
      assert.ok(expected.length >= 3, `participant ${participantId} attends too few calls`);
      const filter = `participants_v2/any(p:p/id eq '${participantId}')`;
      const got = await filtered(version, filter);
      assert.deepEqual(got, expected);
      assert.equal(
        await getCount(server, version, T.recordsCount, `${RECORDS}/$count?$filter=${q(filter)}`),
        expected.length,
      );
      // Every result really has that participant, read back through /participants_v2 (all pages).
      for (const id of got.slice(0, 40)) {
        const w = await walk(server, version, T.participants, `${RECORDS}/${id}/participants_v2`);
        assert.ok(ids(w.items).includes(participantId), `${id} lacks participant ${participantId}`);
      }
      // Combined with a range (bounds taken from the participant's own calls).
      const byId = new Map(items.map((r) => [r.id as string, r]));
      const from = byId.get(expected[1]!)!.startDateTime as string;
      const to = byId.get(expected[expected.length - 1]!)!.startDateTime as string;
      const combined = `${filter} and startDateTime ge ${from} and startDateTime lt ${to}`;
      const inRange = expected.filter((id) => {
        const s = startMs(byId.get(id)!);
        return s >= Date.parse(from) && s < Date.parse(to);
      });
      assert.ok(inRange.length < expected.length);
      assert.deepEqual(await filtered(version, combined), inRange);
      // A participant that attends nothing: an empty page, not an error.
      const none = await filtered(
        version,
        `participants_v2/any(p:p/id eq '00000000-0000-0000-0000-000000000000')`,
      );
      assert.deepEqual(none, []);
    });

    test('records that start at the same instant are ordered by id across page boundaries', async () => {
      const at = new Date(TIE_START).toISOString();
      const expected = ties.map((r) => r.id).sort();
      const headers = { Prefer: 'odata.maxpagesize=2' };
      const range = `startDateTime ge ${at} and startDateTime le ${at}`;
      const byRange = await walk(server, version, T.records, `${RECORDS}?$filter=${q(range)}`, {
        headers,
        pageSize: 2,
        collectionPath: RECORDS,
      });
      assert.deepEqual(ids(byRange.items), expected);
      const shared = `participants_v2/any(p:p/id eq '${tieUser.id}')`;
      const byParticipant = await walk(server, version, T.records, `${RECORDS}?$filter=${q(shared)}`, {
        headers,
        pageSize: 2,
        collectionPath: RECORDS,
      });
      assert.deepEqual(ids(byParticipant.items), expected);
      // And inside the unfiltered list, at their place in time.
      const items = await fullList(version);
      const at5 = items.findIndex((r) => r.id === expected[0]);
      assert.deepEqual(ids(items.slice(at5, at5 + 5)), expected);
    });

    test('a filter that matches nothing gives an empty page without nextLink', async () => {
      const filter = 'startDateTime ge 2030-01-01T00:00:00Z';
      const { body } = await getOk(server, version, T.records, `${RECORDS}?$filter=${q(filter)}`);
      assert.deepEqual(body.value, []);
      assert.equal(body['@odata.nextLink'], undefined);
      assert.equal(
        await getCount(server, version, T.recordsCount, `${RECORDS}/$count?$filter=${q(filter)}`),
        0,
      );
    });

    test('organizer_v2 is always inline with organizer_v2@odata.context; no sessions/participants_v2', async () => {
      const items = await fullList(version);
      let checkedOrganizer = false;
      for (const r of items) {
        const id = r.id as string;
        assert.ok('organizer_v2' in r, `${id} lacks organizer_v2`);
        assert.equal(
          r['organizer_v2@odata.context'],
          `${server.url}/${version}/$metadata#communications/callRecords('${id}')/organizer_v2/$entity`,
        );
        for (const key of Object.keys(r)) {
          assert.ok(
            !key.startsWith('sessions') && !key.startsWith('participants_v2'),
            `list item ${id} carries ${key}`,
          );
        }
        if (!checkedOrganizer && r.organizer_v2 !== null) {
          const { body } = await getOk(server, version, T.organizer, `${RECORDS}/${id}/organizer_v2`);
          assert.deepEqual(withoutContext(body), r.organizer_v2);
          checkedOrganizer = true;
        }
      }
      assert.ok(checkedOrganizer, 'no record with an organizer');
    });

    test('records older than 30 days are neither listed nor readable', async () => {
      const items = await fullList(version);
      const oldest = items[0]!;
      const id = oldest.id as string;
      const before = await getCount(server, version, T.recordsCount, `${RECORDS}/$count`);
      const now = server.clock.now();
      server.clock.set(startMs(oldest) + 30 * 86_400_000 + 60_000);
      try {
        const { body } = await getOk(server, version, T.records, RECORDS);
        const page = body.value as Json[];
        assert.ok(!ids(page).includes(id), 'an expired record is still listed');
        const cutoff = server.clock.now() - 30 * 86_400_000;
        for (const r of page) assert.ok(startMs(r) >= cutoff, `${String(r.id)} is older than 30 days`);
        const count = await getCount(server, version, T.recordsCount, `${RECORDS}/$count`);
        assert.ok(count < before, 'the count still includes the expired record');
        const expected = items.filter((r) => startMs(r) >= cutoff).length;
        assert.equal(count, expected);
        // A filter cannot reach behind the window either.
        const everything = 'startDateTime ge 2000-01-01T00:00:00Z';
        assert.equal(
          await getCount(server, version, T.recordsCount, `${RECORDS}/$count?$filter=${q(everything)}`),
          expected,
        );
        const organizer = (oldest.organizer_v2 as Json | null)?.id;
        if (typeof organizer === 'string') {
          const theirs = await filtered(version, `participants_v2/any(p:p/id eq '${organizer}')`);
          assert.ok(!theirs.includes(id), 'an expired record is still found by participant');
        }
        const notFound = { status: 404, code: 'NotFound', message: NOT_FOUND_MESSAGE };
        await expectError(server, version, `${RECORDS}/${id}`, notFound);
        await expectError(server, version, `${RECORDS}('${id}')`, notFound);
        await expectError(server, version, `${RECORDS}/${id}/sessions`, notFound);
        await expectError(server, version, `${RECORDS}/${id}/participants_v2`, notFound);
        await expectError(server, version, `${RECORDS}/${id}/organizer_v2`, notFound);
      } finally {
        server.clock.set(now);
      }
      await getOk(server, version, T.record, `${RECORDS}/${id}`);
    });
  });
}
