// Deleting records removes their parts blob and participant index entries with them: the admin delete, and the
// retention purge across tenants in bounded batches, never touching newer records or other tenants' ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRecord } from '../api/fixtures.js';
import { openTestStore } from '../helpers/test-db.js';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const T0 = Date.UTC(2026, 10, 1);

test('delete and purge take a record with everything under it, per tenant and in batches', async () => {
  const store = await openTestStore();
  try {
    const at = (seed: string, ms: number) => makeRecord(seed, { startMs: ms, participants: 2, sessions: 2 });
    const oldA = [0, 1, 2].map((i) => at(`old-a-${i}`, T0 + i));
    const oldB = [at('old-b', T0 + 5)];
    const newA = at('new-a', T0 + 10_000);
    await store.upsertCallRecords(A, [...oldA, newA]);
    await store.upsertCallRecords(B, oldB);
    const participant = newA.participants_v2[0]!.id;

    assert.equal(await store.documents.delete(A, oldA[0]!.id), true);
    assert.equal(await store.documents.delete(A, oldA[0]!.id), false);
    assert.deepEqual(await store.listSessions(A, oldA[0]!.id, { limit: 60, withSegments: true }), []);

    // Two of the three old records (A's two and B's one) go in the first batch, the last in the second.
    assert.equal(await store.documents.purgeOlderThan(undefined, T0 + 1000, 2), 2);
    assert.equal(await store.documents.purgeOlderThan(undefined, T0 + 1000, 2), 1);
    assert.equal(await store.documents.purgeOlderThan(undefined, T0 + 1000, 2), 0);
    assert.equal(await store.countAllCallRecords(A), 1);
    assert.equal(await store.countAllCallRecords(B), 0);
    for (const r of [...oldA, ...oldB]) {
      const tenant = oldB.includes(r) ? B : A;
      assert.deepEqual(await store.listParticipants(tenant, r.id, { limit: 60 }), []);
      // The participant count reads the index alone (no join), so a leftover entry would count.
      const indexed = await store.countCallRecords(tenant, {
        minStartMs: 0,
        participantId: r.participants_v2[0]!.id,
      });
      assert.equal(indexed, 0, 'participant index entries go with the record');
    }
    // The newer record is whole.
    assert.equal((await store.listSessions(A, newA.id, { limit: 60, withSegments: true })).length, 2);
    assert.equal(
      (await store.listCallRecords(A, { minStartMs: 0, limit: 10, participantId: participant }))[0]?.id,
      newA.id,
    );
  } finally {
    await store.close();
  }
});
