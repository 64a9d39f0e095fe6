// Tenant isolation over real HTTP: two tenants hold data, each has an app. On every route an app sees only its own
// tenant, and an id of the other tenant answers exactly like an unknown id (404, same code and message): never a
// 200, never a 403. A $skiptoken issued to one tenant is refused for the other.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { generateCallRecords } from '../../src/generate/index.js';
import { startTestServer, TEST_NOW, type TestServer } from '../helpers/server.js';
import type { GraphVersion } from '../helpers/openapi.js';
import { RECORDS, VERSIONS, assertGraphError, call, q, type Json, type Reply } from '../api/helpers.js';
import { TENANT } from './helpers.js';

interface Side {
  tenantId: string;
  token: string;
  /** Every record id of the tenant (within retention). */
  ids: Set<string>;
  /** A record with two or more sessions and participants, and ids of its children. */
  rec: { id: string; sid: string; gid: string; pid: string };
}

let server: TestServer;
let A: Side;
let B: Side;

async function sideOf(tenantId: string, token: string): Promise<Side> {
  const store = server.store;
  const minStartMs = server.clock.now() - 30 * 86_400_000;
  const rows = await store.listCallRecords(tenantId, { minStartMs, limit: 100_000 });
  assert.ok(rows.length >= 5, `tenant ${tenantId} has ${rows.length} records`);
  for (const r of rows) {
    const sessions = await store.listSessions(tenantId, r.id, { limit: 10, withSegments: true });
    const participants = await store.listParticipants(tenantId, r.id, { limit: 10 });
    const s = sessions.find((x) => (x.segments?.length ?? 0) > 0);
    if (sessions.length >= 2 && participants.length >= 2 && s) {
      const rec = { id: r.id, sid: s.id, gid: s.segments![0]!.id, pid: participants[0]!.id };
      return { tenantId, token, ids: new Set(rows.map((x) => x.id)), rec };
    }
  }
  throw new Error(`tenant ${tenantId} has no record with 2 sessions and 2 participants`);
}

before(async () => {
  server = await startTestServer({ demoUsers: 12, demoDays: 3 });
  const registry = server.app.identity.registry;
  const tenantB = await registry.createTenant({ displayName: 'Fabrikam' });
  const docs = [
    ...generateCallRecords({ tenantId: tenantB, seed: 4242, users: 12, days: 3, until: new Date(TEST_NOW) }),
  ];
  await server.store.upsertCallRecords(tenantB, docs);
  const { app, secret } = await registry.createApp({
    tenantId: tenantB,
    displayName: 'B',
    roles: ['CallRecords.Read.All'],
  });
  A = await sideOf(TENANT, server.token);
  B = await sideOf(tenantB, await server.tokenFor(app.appId, secret.value, tenantB));
  for (const id of A.ids) assert.ok(!B.ids.has(id), `record ${id} exists in both tenants`);
});

after(async () => {
  await server?.close();
});

const as = (side: Side, path: string): Promise<Reply> =>
  call(server, path, { auth: false, headers: { authorization: `Bearer ${side.token}` } });

const ANY_GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The error part that must not differ between a foreign and an unknown id (a message may echo the id asked). */
function errorOf(r: Reply): { status: number; code: unknown; message: unknown; keys: string[] } {
  const e = (r.json?.error ?? {}) as Json;
  const message = typeof e.message === 'string' ? e.message.replace(ANY_GUID, '<id>') : e.message;
  return { status: r.status, code: e.code, message, keys: Object.keys(e).sort() };
}

type Rec = Side['rec'];
/** Every route below a call record, for the ids of `r`. */
const routes = (r: Rec): [string, string][] => [
  ['record', `${RECORDS}/${r.id}`],
  ['record (key in parentheses)', `${RECORDS}('${r.id}')`],
  ['record $expand', `${RECORDS}/${r.id}?$expand=sessions($expand=segments)`],
  ['record $select', `${RECORDS}/${r.id}?$select=id,type`],
  ['sessions', `${RECORDS}/${r.id}/sessions`],
  ['sessions $count', `${RECORDS}/${r.id}/sessions/$count`],
  ['sessions $expand', `${RECORDS}/${r.id}/sessions?$expand=segments`],
  ['session', `${RECORDS}/${r.id}/sessions/${r.sid}`],
  ['segments', `${RECORDS}/${r.id}/sessions/${r.sid}/segments`],
  ['segments $count', `${RECORDS}/${r.id}/sessions/${r.sid}/segments/$count`],
  ['segment', `${RECORDS}/${r.id}/sessions/${r.sid}/segments/${r.gid}`],
  ['participants_v2', `${RECORDS}/${r.id}/participants_v2`],
  ['participants_v2 $count', `${RECORDS}/${r.id}/participants_v2/$count`],
  ['participant', `${RECORDS}/${r.id}/participants_v2/${r.pid}`],
  ['organizer_v2', `${RECORDS}/${r.id}/organizer_v2`],
];

const unknownRec = (): Rec => ({ id: randomUUID(), sid: randomUUID(), gid: randomUUID(), pid: randomUUID() });

/** `viewer` asks for `foreign` (ids of the other tenant) and for `unknown` ids: both answers must be the same 404. */
async function assertLikeUnknown(
  version: GraphVersion,
  viewer: Side,
  foreign: Rec,
  unknown: Rec,
  what: string,
) {
  const f = routes(foreign);
  const u = routes(unknown);
  for (let i = 0; i < f.length; i++) {
    const [name, path] = f[i]!;
    const rf = await as(viewer, `/${version}${path}`);
    const ru = await as(viewer, `/${version}${u[i]![1]}`);
    const label = `${what} ${version} ${name}`;
    assert.equal(rf.status, 404, `${label}: ${rf.status} ${rf.text.slice(0, 300)}`);
    assertGraphError(version, rf, { status: 404, code: 'NotFound' }, label);
    assert.deepEqual(errorOf(rf), errorOf(ru), `${label}: a foreign id must answer like an unknown id`);
  }
}

for (const version of VERSIONS) {
  describe(`${version}: each app sees only its tenant`, () => {
    test('every route answers 200 for the owner (the ids are real)', async () => {
      for (const side of [A, B]) {
        for (const [name, path] of routes(side.rec)) {
          const r = await as(side, `/${version}${path}`);
          assert.equal(r.status, 200, `${name}: ${r.text.slice(0, 300)}`);
        }
      }
    });

    test('list and $count: own records only', async () => {
      for (const [me, other] of [
        [A, B],
        [B, A],
      ] as const) {
        const seen: string[] = [];
        let next: string | undefined = `/${version}${RECORDS}?$top=25`;
        while (next) {
          const r = await as(me, next);
          assert.equal(r.status, 200, r.text);
          for (const item of r.json!.value as Json[]) seen.push(item.id as string);
          next = r.json!['@odata.nextLink'] as string | undefined;
        }
        assert.deepEqual(new Set(seen), me.ids, 'the list is exactly the tenant records');
        assert.ok(!seen.some((id) => other.ids.has(id)));
        const count = await as(me, `/${version}${RECORDS}/$count`);
        assert.equal(count.status, 200);
        assert.equal(Number(count.text), me.ids.size);
      }
      assert.notEqual(A.ids.size + B.ids.size, A.ids.size, 'both tenants hold data');
    });

    test('a record of the other tenant, on every route, is a 404 like an unknown id', async () => {
      await assertLikeUnknown(version, A, B.rec, unknownRec(), 'A asks for B');
      await assertLikeUnknown(version, B, A.rec, unknownRec(), 'B asks for A');
    });

    test("children of the other tenant under one's own record are a 404 like unknown children", async () => {
      for (const [me, other] of [
        [A, B],
        [B, A],
      ] as const) {
        const mixed = { id: me.rec.id, sid: other.rec.sid, gid: other.rec.gid, pid: other.rec.pid };
        const unknown = { id: me.rec.id, sid: randomUUID(), gid: randomUUID(), pid: randomUUID() };
        const pick = (r: Rec) =>
          routes(r).filter(([n]) =>
            ['session', 'segments', 'segments $count', 'segment', 'participant'].includes(n),
          );
        const f = pick(mixed);
        const u = pick(unknown);
        for (let i = 0; i < f.length; i++) {
          const rf = await as(me, `/${version}${f[i]![1]}`);
          const ru = await as(me, `/${version}${u[i]![1]}`);
          assert.equal(rf.status, 404, `${f[i]![0]}: ${rf.text}`);
          assert.deepEqual(errorOf(rf), errorOf(ru), f[i]![0]);
        }
        // A segment of the other tenant under one's own session.
        const seg = await as(
          me,
          `/${version}${RECORDS}/${me.rec.id}/sessions/${me.rec.sid}/segments/${other.rec.gid}`,
        );
        const segU = await as(
          me,
          `/${version}${RECORDS}/${me.rec.id}/sessions/${me.rec.sid}/segments/${randomUUID()}`,
        );
        assert.equal(seg.status, 404);
        assert.deepEqual(errorOf(seg), errorOf(segU));
      }
    });

    test('$filter=participants_v2/any(...) with a participant of the other tenant finds nothing', async () => {
      for (const [me, other] of [
        [A, B],
        [B, A],
      ] as const) {
        const filter = (pid: string) =>
          `/${version}${RECORDS}?$filter=${q(`participants_v2/any(p:p/id eq '${pid}')`)}`;
        const own = await as(me, filter(me.rec.pid));
        assert.equal(own.status, 200, own.text);
        const ownIds = (own.json!.value as Json[]).map((x) => x.id as string);
        assert.ok(ownIds.includes(me.rec.id), 'the filter finds the own record');
        assert.ok(ownIds.every((id) => me.ids.has(id)));
        const foreign = await as(me, filter(other.rec.pid));
        const unknown = await as(me, filter(randomUUID()));
        assert.equal(foreign.status, 200, foreign.text);
        assert.deepEqual(foreign.json!.value, [], 'nothing of the other tenant');
        assert.deepEqual(unknown.json!.value, []);
      }
    });

    test("$skiptokens of one tenant's nextLinks are refused (400) for the other tenant's app", async () => {
      for (const [me, other] of [
        [A, B],
        [B, A],
      ] as const) {
        const page = await as(me, `/${version}${RECORDS}?$top=1`);
        const link = page.json!['@odata.nextLink'] as string;
        assert.ok(link, 'a nextLink');
        assert.equal((await as(me, link)).status, 200, 'the owner can follow it');
        const stolen = await as(other, link);
        assertGraphError(version, stolen, { status: 400, code: 'BadRequest' }, 'stolen list skiptoken');
        // The same token under the same query, as the other tenant would send it.
        const token = new URL(link).searchParams.get('$skiptoken')!;
        const transplanted = await as(other, `/${version}${RECORDS}?$top=1&$skiptoken=${q(token)}`);
        assertGraphError(
          version,
          transplanted,
          { status: 400, code: 'BadRequest' },
          'transplanted skiptoken',
        );
        // Children: the other tenant gets no page of them either.
        for (const child of ['sessions', 'participants_v2']) {
          const first = await as(me, `/${version}${RECORDS}/${me.rec.id}/${child}?$top=1`);
          const childLink = first.json!['@odata.nextLink'] as string;
          assert.ok(childLink, `${child} nextLink`);
          // The record is checked first: it does not exist for the other tenant.
          const r = await as(other, childLink);
          assertGraphError(version, r, { status: 404, code: 'NotFound' }, `stolen ${child} nextLink`);
          const childToken = new URL(childLink).searchParams.get('$skiptoken')!;
          const own = await as(
            other,
            `/${version}${RECORDS}/${other.rec.id}/${child}?$top=1&$skiptoken=${q(childToken)}`,
          );
          assertGraphError(version, own, { status: 400, code: 'BadRequest' }, `${child} token on own record`);
        }
      }
    });
  });
}
