// The generated records have the modern Graph shape (PNP fixture, realism.md §1-2): every declared property present,
// valid enums, `@odata.type` on polymorphic members, unique ids, and the value formats of the samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  CallRecordDocument,
  ClientUserAgent,
  Endpoint,
  Identity,
  IdentitySet,
  MediaStream,
  NetworkInfo,
  ParticipantEndpoint,
} from '../../src/graph/model/index.js';
import { assertValidSchema } from '../helpers/openapi.js';
import { dataset, TENANT_ID } from './fixture.js';
import { ShapeChecker } from './shape-check.js';

const NS = 'microsoft.graph.callRecords';
const records = dataset();

const LEGACY_KEYS = [
  'acsUser',
  'spoolUser',
  'phone',
  'guest',
  'encrypted',
  'onPremises',
  'acsApplicationInstance',
  'spoolApplicationInstance',
  'applicationInstance',
  'application',
  'device',
  'user',
];
const V2_KEYS = [
  'endpointType',
  ...LEGACY_KEYS.slice(0, -1),
  'azureCommunicationServicesUser',
  'assertedIdentity',
  'user',
];

function* endpoints(r: CallRecordDocument): Generator<Endpoint> {
  for (const s of r.sessions) {
    if (s.caller) yield s.caller;
    if (s.callee) yield s.callee;
    for (const g of s.segments) {
      if (g.caller) yield g.caller;
      if (g.callee) yield g.callee;
    }
  }
}

test('the dataset is not trivially small', () => {
  assert.ok(records.length > 4000, `only ${records.length} records`);
});

test('every record, session, segment and participant has every declared property and nothing undeclared', () => {
  const checker = new ShapeChecker('v1.0');
  for (const r of records) {
    checker.check(r, `${NS}.callRecord`, `record ${r.id}`);
    if (checker.errors.length > 0) break;
  }
  assert.deepEqual(checker.errors, []);
});

test('polymorphic members carry @odata.type', () => {
  for (const r of records) {
    for (const e of endpoints(r)) {
      assert.match(
        e['@odata.type'] ?? '',
        /^#microsoft\.graph\.callRecords\.(participantEndpoint|serviceEndpoint)$/,
      );
      assert.match(
        e.userAgent?.['@odata.type'] ?? '',
        /^#microsoft\.graph\.callRecords\.(client|service)UserAgent$/,
      );
      if (e['@odata.type'] === `#${NS}.participantEndpoint`) {
        const pe = e as ParticipantEndpoint;
        assert.match(pe.associatedIdentity?.['@odata.type'] ?? '', /^#microsoft\.graph\./);
      }
    }
    for (const p of [r.organizer_v2!, ...r.participants_v2]) {
      const user = p.identity?.user;
      if (user) assert.equal(user['@odata.type'], '#microsoft.graph.userIdentity');
    }
  }
});

function assertIdentitySet(set: IdentitySet | null, keys: readonly string[], where: string): Identity {
  assert.ok(set, `${where}: identity set missing`);
  assert.deepEqual(Object.keys(set), keys, `${where}: identity-set keys`);
  const filled = Object.values(set).filter((v) => v !== null) as Identity[];
  assert.equal(filled.length, 1, `${where}: exactly one slot is set`);
  return filled[0]!;
}

test('identity sets list every slot with explicit nulls (PNP shape) and identities carry tenantId', () => {
  for (const r of records) {
    const org = assertIdentitySet(r.organizer, LEGACY_KEYS, `organizer of ${r.id}`);
    assert.equal(org.id, r.organizer_v2!.id);
    for (const p of r.participants) assertIdentitySet(p, LEGACY_KEYS, `participants of ${r.id}`);
    for (const p of [r.organizer_v2!, ...r.participants_v2]) {
      const id = assertIdentitySet(p.identity, V2_KEYS, `participant ${p.id}`);
      assert.equal(id.id, p.id);
      assert.ok('tenantId' in id);
      assert.ok(Array.isArray(p.administrativeUnitInfos));
    }
    for (const e of endpoints(r)) {
      if (e['@odata.type'] !== `#${NS}.participantEndpoint`) continue;
      assertIdentitySet((e as ParticipantEndpoint).identity, LEGACY_KEYS, `endpoint in ${r.id}`);
    }
  }
});

test('ids are unique: records, participants in a record, sessions in a record, segments in a session', () => {
  const recordIds = new Set<string>();
  for (const r of records) {
    assert.ok(!recordIds.has(r.id), `duplicate record id ${r.id}`);
    recordIds.add(r.id);
    const participants = r.participants_v2.map((p) => p.id);
    assert.equal(new Set(participants).size, participants.length, `participants of ${r.id}`);
    const sessions = r.sessions.map((s) => s.id);
    assert.equal(new Set(sessions).size, sessions.length, `sessions of ${r.id}`);
    assert.ok(!sessions.includes(r.id));
    for (const s of r.sessions) {
      const segments = s.segments.map((g) => g.id);
      assert.equal(new Set(segments).size, segments.length, `segments of ${s.id}`);
      assert.equal(segments[0], s.id, 'the first segment shares the session id (PNP)');
    }
    assert.ok(r.participants.length <= 130, 'deprecated participants are capped at 130');
    assert.equal(r.participants.length, Math.min(130, r.participants_v2.length));
  }
});

test('P2P records have one session with one segment; group calls carry joinWebUrl or an empty string', () => {
  const url =
    /^https:\/\/teams\.microsoft\.com\/l\/meetup-join\/19%3ameeting_[A-Za-z0-9+/]{48}%40thread\.v2\/0\?context=%7b%22Tid%22%3a%22([0-9a-f-]{36})%22%2c%22Oid%22%3a%22([0-9a-f-]{36})%22%7d$/;
  for (const r of records) {
    if (r.type === 'peerToPeer') {
      assert.equal(r.sessions.length, 1);
      assert.equal(r.sessions[0]!.segments.length, 1);
      assert.equal(r.joinWebUrl, '');
    } else {
      assert.equal(r.type, 'groupCall');
      if (r.joinWebUrl !== '') {
        const m = url.exec(r.joinWebUrl ?? '');
        assert.ok(m, `bad joinWebUrl ${r.joinWebUrl}`);
        assert.equal(m[1], TENANT_ID);
        assert.equal(m[2], r.organizer_v2!.id);
        const thread = Buffer.from(/meeting_([^%]+)%40/.exec(r.joinWebUrl!)![1]!, 'base64').toString(
          'latin1',
        );
        assert.match(thread, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }
    }
    assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
});

test('timestamps: sessions inside the record, segments inside sessions, lastModified 5-40 min after the end', () => {
  for (const r of records) {
    const start = Date.parse(r.startDateTime);
    const end = Date.parse(r.endDateTime);
    assert.ok(end >= start);
    const starts = r.sessions.map((s) => Date.parse(s.startDateTime));
    const ends = r.sessions.map((s) => Date.parse(s.endDateTime));
    assert.equal(Math.min(...starts), start, `record start is the first join (${r.id})`);
    assert.equal(Math.max(...ends), end, `record end is the last leave (${r.id})`);
    assert.equal(
      r.sessions.find((s) => Date.parse(s.startDateTime) === start)!.startDateTime,
      r.startDateTime,
    );
    for (const s of r.sessions) {
      for (const g of s.segments) {
        assert.ok(Date.parse(g.startDateTime) >= Date.parse(s.startDateTime));
        assert.ok(Date.parse(g.endDateTime) <= Date.parse(s.endDateTime));
      }
    }
    const lag = Date.parse(r.lastModifiedDateTime) - end;
    assert.ok(lag >= 5 * 60_000 && lag <= 40 * 60_000, `lastModified lag ${lag} ms`);
    assert.ok(r.version === 1 || r.version === 2);
  }
});

const PRIVATE = /^(10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+)$/;

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function assertClientNetwork(n: NetworkInfo, where: string): void {
  assert.match(n.ipAddress ?? '', PRIVATE, `${where}: RFC 1918 address`);
  const ip = ipToInt(n.ipAddress!);
  const subnet = ipToInt(n.subnet ?? '');
  const isNetworkAddress = [16, 20, 22, 24].some((bits) => {
    const mask = 2 ** 32 - 2 ** (32 - bits);
    return ip - (ip % 2 ** (32 - bits)) === subnet && (subnet & mask) >>> 0 === subnet;
  });
  assert.ok(isNetworkAddress, `${where}: subnet ${n.subnet} is not the network address of ${n.ipAddress}`);
  const port = n.port ?? 0;
  assert.ok((port >= 50000 && port <= 50059) || (port >= 49152 && port <= 65535), `${where}: port ${port}`);
  assert.ok(
    n.relayIPAddress === '' || /^52\.(11[2-5])\.\d+\.\d+$/.test(n.relayIPAddress ?? ''),
    `${where}: relay`,
  );
  assert.ok(n.relayPort === 443 || (n.relayPort! >= 3478 && n.relayPort! <= 3481), `${where}: relay port`);
  assert.ok(
    ['', '00-00-00-00-00-00', '00-00-00-00-00-00-00-00'].includes(n.macAddress ?? ''),
    `${where}: mac`,
  );
  if (n.connectionType === 'wifi' && n.wifiBand !== 'unknown') {
    const ch = n.wifiChannel ?? 0;
    assert.ok(
      n.wifiBand === 'frequency24GHz' ? ch >= 1 && ch <= 13 : ch >= 36,
      `${where}: channel ${ch} / band`,
    );
  }
  if (n.connectionType !== 'wifi') assert.equal(n.wifiBand, 'unknown');
}

test('networks: RFC 1918 clients with subnet = network address, QoS ports, Teams relays, zeroed MACs', () => {
  for (const r of records) {
    for (const s of r.sessions) {
      for (const g of s.segments) {
        for (const m of g.media) {
          for (const n of [m.callerNetwork, m.calleeNetwork]) {
            assert.ok(n);
            if (n.ipAddress === '') {
              assert.ok(n.port! >= 3478 && n.port! <= 3481, 'service side port');
              assert.equal(n.linkSpeed, 0);
            } else {
              assertClientNetwork(n, `${r.id}/${m.label}`);
            }
          }
        }
      }
    }
  }
});

const DURATION_VALUE = /^PT(\d+M)?\d+(\.\d{0,2}[1-9])?S$/;
const DURATION_KEYS: (keyof MediaStream)[] = [
  'averageJitter',
  'maxJitter',
  'averageRoundTripTime',
  'maxRoundTripTime',
  'averageAudioNetworkJitter',
  'maxAudioNetworkJitter',
  'rmsFreezeDuration',
  'averageFreezeDuration',
];

test('media: data first in group legs, known labels, modalities match the media, durations like PT0.016S', () => {
  const labels = new Set(['data', 'main-audio', 'main-video', 'applicationsharing-video']);
  for (const r of records) {
    for (const s of r.sessions) {
      for (const g of s.segments) {
        const ls = g.media.map((m) => m.label ?? '');
        for (const l of ls) assert.ok(labels.has(l), `label ${l}`);
        assert.ok(ls.includes('main-audio'));
        if (ls.includes('data')) assert.equal(ls[0], 'data');
        assert.equal(ls.includes('main-video'), s.modalities.includes('video'));
        assert.equal(ls.includes('applicationsharing-video'), s.modalities.includes('screenSharing'));
        for (const m of g.media) {
          assert.equal(m.streams.length, 2);
          assert.deepEqual(
            m.streams.map((x) => x.streamDirection),
            ['callerToCallee', 'calleeToCaller'],
          );
          for (const x of m.streams) {
            assert.match(x.streamId ?? '', /^(0|[1-9]\d*)$/);
            for (const k of DURATION_KEYS) {
              const v = x[k];
              if (v !== null) assert.match(String(v), DURATION_VALUE, `${k} = ${String(v)}`);
            }
            if (m.label === 'data') {
              assert.equal(x.packetUtilization, 0);
              assert.equal(x.averageRoundTripTime, null);
              assert.equal(x.audioCodec, 'unknown');
            }
          }
        }
      }
      for (const mod of s.modalities) assert.ok(r.modalities.includes(mod));
    }
    assert.equal(r.modalities[0], 'audio');
  }
});

test('PSTN participants: E.164 ids, phone identity, narrowband codecs on the gateway side', () => {
  let phones = 0;
  for (const r of records) {
    for (const p of r.participants_v2) {
      if (p.identity?.phone) {
        phones++;
        assert.match(p.id, /^\+[1-9]\d{7,14}$/);
        assert.equal(p.identity.phone.displayName, null);
      }
    }
    for (const s of r.sessions) {
      const ua = s.callee?.userAgent;
      if (ua && 'role' in ua && (ua.role === 'mediationServer' || ua.role === 'gateway')) {
        const audio = s.segments[0]!.media.find((m) => m.label === 'main-audio')!;
        assert.ok(['pcmu', 'pcma', 'silkNarrow'].includes(audio.streams[1]!.audioCodec ?? ''));
      }
    }
  }
  assert.ok(phones > 0);
});

test('client user agents: platform and product family consistent with the header value', () => {
  for (const r of records) {
    for (const e of endpoints(r)) {
      const ua = e.userAgent as ClientUserAgent;
      if (ua['@odata.type'] !== `#${NS}.clientUserAgent` || ua.headerValue === null) continue;
      if (ua.productFamily === 'teams') {
        assert.match(
          ua.headerValue,
          /^(releases\/CL20\d\d\.R\d\d|CallSignalingAgent \(|Web CallSignalingAgent\()/,
        );
      }
      if (ua.productFamily === 'azureCommunicationServices') assert.ok(ua.communicationServiceId);
    }
  }
});

test('a sample of records validates against the official OpenAPI callRecord schema (v1.0 and beta)', () => {
  const townHall = records.find((r) => r.participants_v2.length > 130);
  assert.ok(townHall, 'the dataset has a meeting with more than 130 participants');
  const sample = [townHall, ...records.filter((_, i) => i % 60 === 0)];
  for (const r of sample) {
    const body: unknown = JSON.parse(JSON.stringify(r));
    assertValidSchema('v1.0', `${NS}.callRecord`, body);
    assertValidSchema('beta', `${NS}.callRecord`, body);
  }
});

test('the shape checker itself rejects missing, undeclared, mistyped and non-member values', () => {
  const r = JSON.parse(JSON.stringify(records[0])) as CallRecordDocument & Record<string, unknown>;
  const media = r.sessions[0]!.segments[0]!.media[0]!;
  delete (media.streams[0] as Partial<MediaStream>).averageJitter;
  (media.streams[1] as unknown as Record<string, unknown>).bogus = 1;
  media.callerNetwork!.connectionType = 'carrierPigeon' as NetworkInfo['connectionType'];
  delete (r.sessions[0]!.callee as unknown as Record<string, unknown>)['@odata.type'];
  r.version = 'two' as unknown as number;
  const checker = new ShapeChecker('v1.0');
  checker.check(r, `${NS}.callRecord`);
  const text = checker.errors.join('\n');
  assert.match(text, /averageJitter: missing/);
  assert.match(text, /bogus: undeclared/);
  assert.match(text, /carrierPigeon/);
  assert.match(text, /endpoint without @odata.type/);
  assert.match(text, /version: expected an integer/);
});
