// The change a subscription is told of for a new record version, for each changeType Graph accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changeFor } from '../../src/notify/change.js';

test('first sight is a creation (an update for updates-only); later versions are updates if asked for', () => {
  const table: [string, boolean, 'created' | 'updated' | undefined][] = [
    ['created', true, 'created'],
    ['created', false, undefined],
    ['updated', true, 'updated'],
    ['updated', false, 'updated'],
    ['created,updated', true, 'created'],
    ['created, updated', false, 'updated'],
  ];
  for (const [changeType, firstSight, expected] of table) {
    assert.equal(changeFor(changeType, firstSight), expected, `${changeType} first=${String(firstSight)}`);
  }
});
