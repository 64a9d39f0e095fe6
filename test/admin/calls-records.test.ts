// Records of simulated calls over time: the arrival delay follows the virtual clock, a late-telemetry update
// arrives as version 2, and pending records survive a restart of the server on the same database.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { isoInstant } from '../../src/generate/format.js';
import { assertValidResponse } from '../helpers/openapi.js';
import { startTestServer, TEST_NOW } from '../helpers/server.js';
import { ALICE, BOB, client, iso, KEY, media, phone, RECORD, user, type List } from './calls-helpers.js';

describe('simulated call records over time', () => {
  test('with a 900 s delay the record is 404 until the clock has advanced 15 minutes', async () => {
    const server = await startTestServer({ config: { adminKey: KEY, recordDelaySeconds: 900 } });
    const c = client(() => server);
    try {
      const call = await c.start({ source: user(ALICE, 'A'), targets: [phone('+14255550100')] });
      await c.advance('PT2M');
      await c.hangUp(call.id);
      assert.equal((await c.record(call.callChainId)).status, 404);
      const pending = await c.admin<List<unknown>>(`/admin/tenants/${DEMO_TENANT_ID}/pendingCallRecords`);
      assert.deepEqual(pending.body.value, [
        { id: call.callChainId, version: 1, availableDateTime: iso(TEST_NOW + 120_000 + 900_000) },
      ]);
      await c.advance('PT14M');
      assert.equal((await c.record(call.callChainId)).status, 404);
      await c.advance('PT1M');
      const { status, body } = await c.record(call.callChainId);
      assert.equal(status, 200);
      assertValidResponse('v1.0', RECORD, body);
      assert.equal(body.lastModifiedDateTime, isoInstant(TEST_NOW + 120_000 + 900_000));
      // A PSTN callee: the session's far end is the gateway, with audio only.
      assert.equal(body.sessions[0]?.callee['@odata.type'], '#microsoft.graph.callRecords.serviceEndpoint');
      assert.deepEqual(body.modalities, ['audio']);
    } finally {
      await server.close();
    }
  });

  test('a late-telemetry update arrives later as version 2', async () => {
    const server = await startTestServer({ config: { adminKey: KEY, recordDelaySeconds: 0 } });
    const c = client(() => server);
    try {
      const call = await c.start({
        source: user(ALICE, 'Alice Adams'),
        targets: [user(BOB, 'Bob Brown')],
        simulation: { lateUpdateAfterSeconds: 600 },
      });
      await c.advance('PT3M');
      await c.hangUp(call.id);
      const first = (await c.record(call.callChainId)).body;
      assert.equal(first.version, 1);
      assert.equal(first.sessions[0]?.caller.feedback?.rating, 'notRated');
      const pending = await c.admin<List<unknown>>(`/admin/tenants/${DEMO_TENANT_ID}/pendingCallRecords`);
      assert.deepEqual(pending.body.value, [
        { id: call.callChainId, version: 2, availableDateTime: iso(TEST_NOW + 180_000 + 600_000) },
      ]);
      await c.advance('PT9M');
      assert.equal((await c.record(call.callChainId)).body.version, 1);
      await c.advance('PT1M');
      const late = (await c.record(call.callChainId)).body;
      assertValidResponse('v1.0', RECORD, late);
      assert.equal(late.version, 2);
      assert.equal(late.lastModifiedDateTime, isoInstant(TEST_NOW + 780_000));
      assert.ok(Date.parse(late.lastModifiedDateTime) > Date.parse(first.lastModifiedDateTime));
      for (const side of ['caller', 'callee'] as const) {
        assert.ok(late.sessions[0]?.[side].feedback?.rating, 'a rating');
        assert.notEqual(late.sessions[0]?.[side].feedback?.rating, 'notRated');
      }
      // The client's audio-device telemetry came with the update.
      assert.equal(media(first, 'main-audio').callerDevice.captureDeviceName, null);
      assert.equal(typeof media(late, 'main-audio').callerDevice.captureDeviceName, 'string');
      assert.deepEqual(
        (await c.admin<List<unknown>>(`/admin/tenants/${DEMO_TENANT_ID}/pendingCallRecords`)).body.value,
        [],
      );
    } finally {
      await server.close();
    }
  });

  test('pending records survive a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-sim-'));
    const config = { adminKey: KEY, recordDelaySeconds: 900, db: path.join(dir, 'x.db') };
    try {
      let server = await startTestServer({ config });
      const c = client(() => server);
      const call = await c.start({ source: user(ALICE, 'A'), targets: [user(BOB, 'B')] });
      await c.advance('PT2M');
      await c.hangUp(call.id);
      await server.close();
      server = await startTestServer({ config });
      try {
        assert.equal((await c.record(call.callChainId)).status, 404);
        await c.advance('PT20M');
        const { status, body } = await c.record(call.callChainId);
        assert.equal(status, 200);
        assert.equal(body.type, 'peerToPeer');
        assert.equal(body.endDateTime, isoInstant(TEST_NOW + 120_000));
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
