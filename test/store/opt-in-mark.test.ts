// The write-time opt-in mark (migration 007): a record whose body and organizer hold no opt-in enum member is
// marked so that reads skip scanning it; one that does (or looks like it does) is left unmarked and scanned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPT_IN_MARK, optInMark } from '../../src/graph/shape/reshape.js';
import { toRows } from '../../src/store/rows.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { makeRecord } from '../api/fixtures.js';
import { openTestStore } from '../helpers/test-db.js';

const TENANT = 'aaaaaaaa-0000-4000-8000-000000000001';
const T0 = Date.UTC(2026, 10, 1);

test('the mark names the opt-in members it was checked against and is withheld when one is present', () => {
  assert.match(OPT_IN_MARK, /"azureCommunicationServices"/);
  assert.equal(optInMark('{"a":"b"}', null), OPT_IN_MARK);
  assert.equal(optInMark('{"a":"b"}', '{"productFamily":"azureCommunicationServices"}'), null);
  assert.equal(optInMark('{"productFamily":"azureCommunicationServices"}', null), null);
});

test('rows carry the mark and the store reports it; an unmarked row is not claimed free', async () => {
  const clean = makeRecord('mark-clean', { startMs: T0, participants: 2, sessions: 1 });
  const suspect = makeRecord('mark-suspect', { startMs: T0 + 1000, participants: 2, sessions: 1 });
  (
    suspect.organizer_v2 as unknown as { identity: { user: { displayName: string } } }
  ).identity.user.displayName = 'azureCommunicationServices';
  assert.equal(toRows(STORED_JSON, TENANT, clean).record.opt_in_mark, OPT_IN_MARK);
  assert.equal(toRows(STORED_JSON, TENANT, suspect).record.opt_in_mark, null);
  const store = await openTestStore();
  try {
    await store.upsertCallRecords(TENANT, [clean, suspect]);
    const rows = await store.listCallRecords(TENANT, { minStartMs: 0, limit: 10 });
    assert.deepEqual(
      rows.map((r) => [r.id, r.optInFree]),
      [
        [clean.id, true],
        [suspect.id, false],
      ],
    );
    assert.equal((await store.getCallRecord(TENANT, clean.id, 0))?.optInFree, true);
  } finally {
    await store.close();
  }
});
