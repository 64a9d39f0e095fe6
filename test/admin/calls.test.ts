// The call simulator over HTTP: calls in Graph's `call` shape moving from establishing to established, changes
// (modalities, participants, hold) and hang-up into a call record served by the Graph API, bad bodies naming the
// field, tenant isolation. Arrival delay, version 2 and restarts: calls-records.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { isoInstant } from '../../src/generate/format.js';
import { assertValidResponse } from '../helpers/openapi.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  ALICE,
  BOB,
  CALLS,
  CAROL,
  client,
  iso,
  KEY,
  media,
  phone,
  RECORD,
  user,
  type CallJson,
  type List,
} from './calls-helpers.js';

const SERVICE_ENDPOINT = '#microsoft.graph.callRecords.serviceEndpoint';

describe('simulated calls (record delay 0)', () => {
  let server: TestServer;
  const c = client(() => server);
  const events = async (id: string) =>
    (await c.admin<List<{ type: string; dateTime: string }>>(`${CALLS}/${id}/events`)).body.value;
  before(async () => {
    server = await startTestServer({ config: { adminKey: KEY, recordDelaySeconds: 0 } });
  });
  after(() => server.close());

  test('a P2P call: establishing, established, hang up, then a peerToPeer record', async () => {
    const t0 = server.clock.now();
    const created = await c.admin<CallJson>(CALLS, 'POST', {
      '@odata.type': '#microsoft.graph.call',
      callbackUri: 'https://bot.contoso.com/callback',
      source: user(ALICE, 'Alice Adams'),
      targets: [user(BOB, 'Bob Brown')],
      requestedModalities: ['audio'],
      subject: 'Budget',
    });
    assert.equal(created.status, 201);
    const call = created.body;
    assert.equal(created.headers.get('location'), `${CALLS}/${call.id}`);
    assert.equal(call['@odata.type'], '#microsoft.graph.call');
    assert.equal(call.state, 'establishing');
    assert.equal(call.direction, 'outgoing');
    assert.equal(call.subject, 'Budget');
    assert.equal(call.tenantId, DEMO_TENANT_ID);
    assert.deepEqual(call.requestedModalities, ['audio']);
    assert.deepEqual(call.activeModalities, []);
    assert.equal(call.source['@odata.type'], '#microsoft.graph.participantInfo');
    assert.equal(call.source.identity.user?.id, ALICE);
    assert.equal(call.myParticipantId, call.source.participantId);
    assert.equal(call.targets[0]?.['@odata.type'], '#microsoft.graph.invitationParticipantInfo');
    assert.equal(call.targets[0]?.identity.user?.displayName, 'Bob Brown');
    assert.deepEqual(
      (await c.list()).map((x) => x.id),
      [call.id],
    );

    await c.advance('PT2S');
    const established = await c.get(call.id);
    assert.equal(established.state, 'established');
    assert.deepEqual(established.activeModalities, ['audio']);
    const roster = await c.admin<List<{ info: CallJson['source'] }>>(`${CALLS}/${call.id}/participants`);
    assert.deepEqual(
      roster.body.value.map((p) => p.info.identity.user?.id),
      [ALICE, BOB],
    );

    await c.advance('PT5M');
    await c.hangUp(call.id);
    const gone = await c.admin(`${CALLS}/${call.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'NotFound');
    assert.deepEqual(await c.list(), []);

    const { status, body: record } = await c.record(call.callChainId);
    assert.equal(status, 200, JSON.stringify(record));
    assertValidResponse('v1.0', RECORD, record);
    assert.equal(record.id, call.callChainId);
    assert.equal(record.type, 'peerToPeer');
    assert.equal(record.version, 1);
    assert.deepEqual(record.modalities, ['audio']);
    assert.equal(record.startDateTime, isoInstant(t0));
    assert.equal(record.endDateTime, isoInstant(t0 + 2_000 + 300_000));
    assert.equal(record.organizer_v2.id, ALICE);
    assert.equal(record.sessions.length, 1);
    assert.equal(record.sessions[0]?.segments.length, 1);
    assert.equal(record.sessions[0]?.caller.associatedIdentity?.id, ALICE);
    assert.equal(record.sessions[0]?.callee.associatedIdentity?.id, BOB);
    const people = await c.participants(call.callChainId);
    assert.deepEqual(
      people.map((p) => p.id),
      [ALICE, BOB],
    );
    assert.equal(people[1]?.identity.user?.displayName, 'Bob Brown');
  });

  test('adding people escalates a P2P call into a groupCall with one session per leg', async () => {
    const t0 = server.clock.now();
    const call = await c.start({
      source: user(ALICE, 'Alice Adams'),
      targets: [user(BOB, 'Bob Brown')],
      requestedModalities: ['audio', 'video'],
    });
    await c.advance('PT1M');
    const patched = await c.patch(call.id, {
      addParticipants: [user(CAROL, 'Carol Clark'), phone('+14255550123')],
    });
    assert.equal(patched.state, 'established');
    await c.advance('PT3M');
    await c.patch(call.id, { removeParticipants: ['+14255550123'] });
    await c.advance('PT1M');
    assert.deepEqual(
      (await events(call.id)).map((e) => e.type),
      ['created', 'joined', 'established', 'joined', 'escalated', 'joined', 'joined', 'left'],
    );
    await c.hangUp(call.id);

    const { body: record } = await c.record(call.callChainId);
    assertValidResponse('v1.0', RECORD, record);
    assert.equal(record.type, 'groupCall');
    assert.deepEqual(record.modalities, ['audio', 'video']);
    assert.equal(record.endDateTime, isoInstant(t0 + 300_000));
    // The P2P part first, then one conference leg each for Alice, Bob, Carol and the phone number.
    const [p2p, ...conference] = record.sessions;
    assert.equal(record.sessions.length, 5);
    assert.equal(p2p?.callee.associatedIdentity?.id, BOB);
    assert.equal(p2p?.endDateTime, isoInstant(t0 + 60_000));
    for (const s of conference) {
      assert.ok(s.caller['@odata.type'] === SERVICE_ENDPOINT || s.callee['@odata.type'] === SERVICE_ENDPOINT);
    }
    assert.deepEqual(
      conference.slice(0, 3).map((s) => s.caller.associatedIdentity?.id),
      [ALICE, BOB, CAROL],
    );
    const phoneLeg = conference[3]!;
    assert.equal(phoneLeg.startDateTime, isoInstant(t0 + 60_000));
    assert.equal(phoneLeg.endDateTime, isoInstant(t0 + 240_000));
    assert.deepEqual(phoneLeg.modalities, ['audio']);
    const people = await c.participants(call.callChainId);
    assert.deepEqual(
      people.map((p) => p.id),
      [ALICE, BOB, CAROL, '+14255550123'],
    );
    assert.equal(people[3]?.identity.phone?.id, '+14255550123');
  });

  test('a call with a guest and an ACS user is a groupCall from the start', async () => {
    const acs = '8:acs:0b8f0f6a-4b6e-4bd3-9f8b-6f8e4b1d2c3a_00000011-2233-4455-6677-8899aabbccdd';
    const call = await c.start({
      source: user(ALICE, 'Alice Adams'),
      targets: [
        { identity: { guest: { id: 'guest-1', displayName: 'Visitor' } } },
        { identity: { acsUser: { id: acs, displayName: 'Customer' } } },
      ],
    });
    await c.advance('PT10M');
    await c.hangUp(call.id);
    const { body: record } = await c.record(call.callChainId);
    assertValidResponse('v1.0', RECORD, record);
    assert.equal(record.type, 'groupCall');
    assert.equal(record.sessions.length, 3);
    const people = await c.participants(call.callChainId);
    assert.equal(people[1]?.identity.guest?.displayName, 'Visitor');
    assert.equal(people[2]?.identity.azureCommunicationServicesUser?.id, acs);
  });

  test('modality changes and holds show in the call, its events and the record', async () => {
    const t0 = server.clock.now();
    const body = {
      source: user(ALICE, 'Alice Adams'),
      targets: [user(BOB, 'Bob Brown')],
      simulation: { seed: 42 },
    };
    // Same seed, same participants, same times: the only difference is that the first call is held.
    const held = await c.start(body);
    const plain = await c.start(body);
    await c.advance('PT1M');
    const sharing = await c.patch(held.id, { requestedModalities: ['audio', 'videoBasedScreenSharing'] });
    assert.deepEqual(sharing.activeModalities, ['audio', 'videoBasedScreenSharing']);
    await c.patch(plain.id, { requestedModalities: ['audio', 'videoBasedScreenSharing'] });
    await c.advance('PT1M');
    const onHold = await c.patch(held.id, { hold: true });
    assert.equal(onHold.state, 'hold');
    assert.deepEqual(onHold.activeModalities, []);
    assert.equal(onHold.mediaState.audio, 'inactive');
    await c.advance('PT2M');
    assert.equal((await c.patch(held.id, { hold: false })).state, 'established');
    await c.advance('PT1M');
    assert.deepEqual(
      (await events(held.id)).slice(4).map((e) => [e.type, e.dateTime]),
      [
        ['modalitiesChanged', iso(t0 + 60_000)],
        ['held', iso(t0 + 120_000)],
        ['resumed', iso(t0 + 240_000)],
      ],
    );
    await c.hangUp(held.id);
    await c.hangUp(plain.id);

    const a = (await c.record(held.callChainId)).body;
    const b = (await c.record(plain.callChainId)).body;
    assertValidResponse('v1.0', RECORD, a);
    assert.deepEqual(a.modalities, ['audio', 'screenSharing']);
    const shared = media(a, 'applicationsharing-video').streams[0];
    assert.equal(shared?.startDateTime, isoInstant(t0 + 60_000));
    assert.equal(shared?.endDateTime, isoInstant(t0 + 300_000));
    // Two of the five minutes were on hold: 3/5 of the audio of the same call without the hold.
    const packets = (r: typeof a) => media(r, 'main-audio').streams[1]!.packetUtilization;
    assert.ok(Math.abs(packets(a) / packets(b) - 3 / 5) < 0.01, `${packets(a)} / ${packets(b)}`);
  });

  test('bad bodies are a 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ source: user(ALICE, 'A') }, 'targets'],
      [{ source: user(ALICE, 'A'), targets: [phone('555-0100')] }, 'targets[0].identity.phone.id'],
      [{ source: user('not-a-guid', 'A'), targets: [user(BOB, 'B')] }, 'source.identity.user.id'],
      [{ source: user(ALICE, 'A'), targets: [{ identity: {} }] }, 'targets[0].identity'],
      [
        { source: user(ALICE, 'A'), targets: [user(BOB, 'B')], requestedModalities: ['video'] },
        'requestedModalities',
      ],
      [{ source: user(ALICE, 'A'), targets: [user(BOB, 'B')], simulation: { lateUpdate: 5 } }, 'simulation'],
      [{ source: user(ALICE, 'A'), targets: [user(ALICE, 'A')] }, 'targets[0]'],
    ];
    for (const [body, target] of cases) {
      const res = await c.admin(CALLS, 'POST', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'BadRequest');
      assert.equal(res.body.error.target, target, res.body.error.message);
      assert.ok(res.body.error.message.includes(target), res.body.error.message);
    }
    const call = await c.start({ source: user(ALICE, 'A'), targets: [user(BOB, 'B')] });
    const patch = async (body: unknown, target: string) => {
      const res = await c.admin(`${CALLS}/${call.id}`, 'PATCH', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.target, target, res.body.error.message);
    };
    await patch({}, '(body)');
    await patch({ hold: true }, 'hold'); // still establishing
    await patch({ unknown: 1 }, '(body)');
    await patch({ requestedModalities: ['audio', 'audio'] }, 'requestedModalities');
    await c.advance('PT2S');
    await patch({ removeParticipants: [ALICE] }, 'removeParticipants[0]');
    await patch({ removeParticipants: [BOB] }, 'removeParticipants');
    await patch({ addParticipants: [user(BOB, 'B')] }, 'addParticipants[0]');
    await patch({ hold: false }, 'hold');
    await c.hangUp(call.id);
    assert.equal((await c.admin(`${CALLS}/${call.id}`, 'DELETE')).status, 404);
    assert.equal((await c.admin(`${CALLS}/${call.id}`, 'PATCH', { hold: true })).status, 404);
    const unknownTenant = await c.admin('/admin/tenants/00000000-0000-4000-8000-000000000000/calls');
    assert.equal(unknownTenant.status, 404);
    assert.equal(unknownTenant.body.error.code, 'NotFound');
  });

  test('a call in one tenant is never seen from another', async () => {
    const other = (await c.admin<{ id: string }>('/admin/tenants', 'POST', { displayName: 'Fabrikam' })).body
      .id;
    const call = await c.start({ source: user(ALICE, 'A'), targets: [user(BOB, 'B')] });
    assert.deepEqual(await c.list(`/admin/tenants/${other}/calls`), []);
    assert.equal((await c.admin(`/admin/tenants/${other}/calls/${call.id}`)).status, 404);
    assert.equal((await c.admin(`/admin/tenants/${other}/calls/${call.id}`, 'DELETE')).status, 404);
    await c.advance('PT1M');
    await c.hangUp(call.id);
    assert.ok(await server.store.getCallRecord(DEMO_TENANT_ID, call.callChainId, 0));
    assert.equal(await server.store.getCallRecord(other, call.callChainId, 0), undefined);
  });
});
