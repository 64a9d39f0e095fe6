// Distributions of the generated data against realism.md §4-5 (200 people x 30 days, generated once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyAudioStream, generateCallRecords } from '../../src/generate/index.js';
import type {
  CallRecordDocument,
  ClientUserAgent,
  NetworkInfo,
  ParticipantEndpoint,
} from '../../src/graph/model/index.js';
import { audioMedia, dataset, localParts, OPTIONS, share, TENANT_ID } from './fixture.js';

const records = dataset();
const fromMs = OPTIONS.until.getTime() - OPTIONS.days * 86_400_000;

const isMeeting = (r: CallRecordDocument) => r.type === 'groupCall' && r.joinWebUrl !== '';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)]!;

function poorRate(rs: readonly CallRecordDocument[]): { rate: number; classified: number } {
  let good = 0;
  let poor = 0;
  for (const m of audioMedia(rs)) {
    for (const s of m.streams) {
      const c = classifyAudioStream(s);
      if (c === 'good') good++;
      else if (c === 'poor') poor++;
    }
  }
  return { rate: share(poor, good + poor), classified: good + poor };
}

test('records start inside [until - days, until) in ascending order', () => {
  let last = -Infinity;
  for (const r of records) {
    const t = Date.parse(r.startDateTime);
    assert.ok(t >= fromMs && t < OPTIONS.until.getTime(), `${r.startDateTime} outside the window`);
    assert.ok(t >= last, `not ascending at ${r.startDateTime}`);
    last = t;
  }
  // ~1.5 records per person per working day: 200 x 1.5 x 21 working days plus a little weekend traffic.
  assert.ok(records.length > 5000 && records.length < 8000, `${records.length} records`);
});

test('working hours: most calls on weekdays 08:00-18:00 local, peaks 10-11 and 14-15, a lunch dip, few at weekends', () => {
  const byHour = new Array<number>(24).fill(0);
  let weekdayOfficeHours = 0;
  let weekend = 0;
  for (const r of records) {
    const { weekday, hour } = localParts(r.startDateTime);
    byHour[hour]!++;
    if (weekday === 0 || weekday === 6) weekend++;
    else if (hour >= 8 && hour < 18) weekdayOfficeHours++;
  }
  assert.ok(
    share(weekdayOfficeHours, records.length) > 0.85,
    `office hours ${share(weekdayOfficeHours, records.length)}`,
  );
  const weekendShare = share(weekend, records.length);
  assert.ok(weekendShare > 0.02 && weekendShare < 0.06, `weekend share ${weekendShare}`);
  assert.ok(byHour[10]! > byHour[12]! * 1.5 && byHour[14]! > byHour[12]! * 1.5, 'lunch dip');
  assert.ok(byHour[10]! > byHour[8]! && byHour[14]! > byHour[17]!, 'peaks');
});

test('mix: P2P 40-60 %, meetings, ad hoc group calls, escalated P2P calls', () => {
  const p2p = records.filter((r) => r.type === 'peerToPeer').length;
  const meetings = records.filter(isMeeting).length;
  const adHoc = records.filter((r) => r.type === 'groupCall' && r.joinWebUrl === '');
  const escalated = adHoc.filter((r) =>
    r.sessions[0]!.callee?.['@odata.type']?.endsWith('participantEndpoint'),
  );
  assert.ok(share(p2p, records.length) > 0.45 && share(p2p, records.length) < 0.62, `P2P ${p2p}`);
  assert.ok(
    share(meetings, records.length) > 0.25 && share(meetings, records.length) < 0.42,
    `meetings ${meetings}`,
  );
  assert.ok(share(adHoc.length, records.length) > 0.05 && share(adHoc.length, records.length) < 0.18);
  assert.ok(escalated.length > 20, `escalated ${escalated.length}`);
});

test('durations: P2P median 2-4 min with 15-25 % under 30 s; meetings cluster at 25-30 / 55-60 min', () => {
  const p2p = records.filter((r) => r.type === 'peerToPeer');
  const secs = p2p.map((r) => (Date.parse(r.endDateTime) - Date.parse(r.startDateTime)) / 1000);
  assert.ok(median(secs) >= 120 && median(secs) <= 240, `P2P median ${median(secs)} s`);
  const short = share(secs.filter((s) => s < 30).length, secs.length);
  assert.ok(short >= 0.15 && short <= 0.25, `P2P under 30 s: ${short}`);
  assert.ok(
    secs.some((s) => s === 0),
    'some P2P calls never connected (start == end)',
  );
  const mins = records
    .filter(isMeeting)
    .map((r) => (Date.parse(r.endDateTime) - Date.parse(r.startDateTime)) / 60_000);
  const clustered = mins.filter((m) => (m >= 22 && m <= 33) || (m >= 50 && m <= 63)).length;
  assert.ok(share(clustered, mins.length) > 0.6, `meetings near 30/60 min: ${share(clustered, mins.length)}`);
});

test('meetings start on :00/:30 (first join within 5 min); size median 3-5, p90 ~12', () => {
  const meetings = records.filter(isMeeting);
  const aligned = meetings.filter((r) => {
    const { minute } = localParts(r.startDateTime);
    return Math.min(minute % 30, 30 - (minute % 30)) <= 5;
  });
  assert.ok(share(aligned.length, meetings.length) > 0.9);
  const sizes = meetings.map((r) => r.participants_v2.length);
  assert.ok(median(sizes) >= 3 && median(sizes) <= 6, `median size ${median(sizes)}`);
  assert.ok(quantile(sizes, 0.9) >= 8 && quantile(sizes, 0.9) <= 16, `p90 size ${quantile(sizes, 0.9)}`);
});

test('a town hall every Thursday: > 130 participants and > 60 sessions', () => {
  const big = records.filter((r) => r.participants_v2.length > 130 && r.sessions.length > 60);
  assert.ok(big.length >= 4, `${big.length} town halls in four weeks`);
  for (const r of big) {
    assert.ok(isMeeting(r));
    assert.equal(localParts(r.startDateTime).weekday, 4);
    assert.equal(r.participants.length, 130);
  }
});

test('poor audio stream rate is near the 3 % target and higher on 2.4 GHz Wi-Fi, mobile and VPN', () => {
  const { rate, classified } = poorRate(records);
  assert.ok(classified > 20_000);
  assert.ok(Math.abs(rate - 0.03) <= 0.015, `poor stream rate ${rate}`);
  // Per network class of group-call legs (one client side).
  const byClass = new Map<string, [number, number]>();
  for (const m of audioMedia(records)) {
    if (m.calleeNetwork?.ipAddress !== '') continue;
    const n = m.callerNetwork!;
    const cls = n.connectionType === 'wifi' ? `wifi-${n.wifiBand}` : n.connectionType;
    const acc = byClass.get(cls) ?? [0, 0];
    for (const s of m.streams) {
      const c = classifyAudioStream(s);
      if (c !== 'unclassified') acc[c === 'poor' ? 0 : 1]++;
    }
    byClass.set(cls, acc);
  }
  const rateOf = (cls: string) => {
    const [p, g] = byClass.get(cls) ?? [0, 0];
    return share(p, p + g);
  };
  for (const worse of ['wifi-frequency24GHz', 'mobile', 'tunnel']) {
    assert.ok(rateOf(worse) > 1.5 * rateOf('wired'), `${worse} ${rateOf(worse)} vs wired ${rateOf('wired')}`);
  }
  assert.ok(rateOf('wifi-frequency50GHz') < rateOf('wifi-frequency24GHz'));
});

test('poorStreamRate 0.10 lands near 10 %', () => {
  const rs = [...generateCallRecords({ ...OPTIONS, days: 10, seed: 7, poorStreamRate: 0.1 })];
  const { rate } = poorRate(rs);
  assert.ok(Math.abs(rate - 0.1) <= 0.02, `poor stream rate ${rate}`);
});

test('failures: ~0.5-1 % call setup and 1-3 % mid-call, with a reason; null otherwise', () => {
  let sessions = 0;
  let setup = 0;
  let midcall = 0;
  for (const r of records) {
    for (const s of r.sessions) {
      sessions++;
      if (s.failureInfo === null) continue;
      assert.ok(typeof s.failureInfo.reason === 'string' && s.failureInfo.reason.length > 0);
      if (s.failureInfo.stage === 'callSetup') {
        setup++;
        const audio = s.segments[0]!.media.find((m) => m.label === 'main-audio')!;
        assert.ok(audio.streams.every((x) => classifyAudioStream(x) === 'unclassified'));
      } else {
        assert.equal(s.failureInfo.stage, 'midcall');
        midcall++;
      }
      assert.deepEqual(s.segments.at(-1)!.failureInfo, s.failureInfo);
    }
  }
  assert.ok(
    share(setup, sessions) >= 0.003 && share(setup, sessions) <= 0.012,
    `setup ${share(setup, sessions)}`,
  );
  assert.ok(
    share(midcall, sessions) >= 0.008 && share(midcall, sessions) <= 0.03,
    `midcall ${share(midcall, sessions)}`,
  );
});

test('feedback on ~10 % of human endpoints, worse ratings on legs with poor audio', () => {
  let human = 0;
  let rated = 0;
  const bad = { impaired: [0, 0], fine: [0, 0] };
  for (const r of records) {
    for (const s of r.sessions) {
      const pe = s.caller as ParticipantEndpoint;
      if (pe['@odata.type'] !== '#microsoft.graph.callRecords.participantEndpoint' || pe.feedback === null)
        continue;
      human++;
      if (pe.feedback.rating === 'notRated') {
        assert.deepEqual(pe.feedback, { text: null, rating: 'notRated', tokens: {} });
        continue;
      }
      rated++;
      const tokens = Object.values(pe.feedback.tokens ?? {});
      assert.equal(tokens.length, 8);
      assert.ok(tokens.every((t) => typeof t === 'boolean'));
      const impaired = s.segments.some((g) =>
        g.media.some(
          (m) => m.label === 'main-audio' && m.streams.some((x) => classifyAudioStream(x) === 'poor'),
        ),
      );
      const low = ['bad', 'poor'].includes(pe.feedback.rating);
      const b = impaired ? bad.impaired : bad.fine;
      b[0]! += low ? 1 : 0;
      b[1]!++;
    }
  }
  assert.ok(share(rated, human) > 0.06 && share(rated, human) < 0.15, `rated ${share(rated, human)}`);
  assert.ok(share(bad.impaired[0]!, bad.impaired[1]!) > 2 * share(bad.fine[0]!, bad.fine[1]!));
});

test('late telemetry: 10-20 % of records are version 2, modified later than version 1 records', () => {
  const v2 = records.filter((r) => r.version === 2);
  assert.ok(share(v2.length, records.length) > 0.1 && share(v2.length, records.length) < 0.2);
  const lag = (r: CallRecordDocument) => Date.parse(r.lastModifiedDateTime) - Date.parse(r.endDateTime);
  assert.ok(median(v2.map(lag)) > median(records.filter((r) => r.version === 1).map(lag)));
});

function clientNetworks(): NetworkInfo[] {
  const out: NetworkInfo[] = [];
  for (const m of audioMedia(records)) {
    for (const n of [m.callerNetwork, m.calleeNetwork]) if (n && n.ipAddress !== '') out.push(n);
  }
  return out;
}

test('network mix: wired 30-45 %, Wi-Fi 45-60 % (5 GHz ~2/3), mobile 5-10 %, VPN 2-8 %', () => {
  const nets = clientNetworks();
  const of = (t: string) => share(nets.filter((n) => n.connectionType === t).length, nets.length);
  assert.ok(of('wired') >= 0.3 && of('wired') <= 0.45, `wired ${of('wired')}`);
  assert.ok(of('wifi') >= 0.42 && of('wifi') <= 0.6, `wifi ${of('wifi')}`);
  assert.ok(of('mobile') >= 0.05 && of('mobile') <= 0.1, `mobile ${of('mobile')}`);
  assert.ok(of('tunnel') >= 0.02 && of('tunnel') <= 0.08, `tunnel ${of('tunnel')}`);
  const wifi = nets.filter((n) => n.connectionType === 'wifi' && n.wifiBand !== 'unknown');
  const five = share(wifi.filter((n) => n.wifiBand === 'frequency50GHz').length, wifi.length);
  assert.ok(five > 0.55 && five < 0.8, `5 GHz share of Wi-Fi ${five}`);
  assert.ok(share(nets.filter((n) => n.networkTransportProtocol === 'udp').length, nets.length) >= 0.95);
});

test('platforms: Windows 60-75 %, macOS 5-15 %, web 5-10 %, mobile 10-20 %, rooms 2-5 %', () => {
  const count = new Map<string, number>();
  let total = 0;
  for (const r of records) {
    for (const s of r.sessions) {
      for (const e of [s.caller, s.callee]) {
        const ua = e?.userAgent as ClientUserAgent | undefined;
        if (
          !ua ||
          ua['@odata.type'] !== '#microsoft.graph.callRecords.clientUserAgent' ||
          ua.platform === 'unknown'
        )
          continue;
        total++;
        count.set(ua.platform, (count.get(ua.platform) ?? 0) + 1);
      }
    }
  }
  const of = (p: string) => share(count.get(p) ?? 0, total);
  assert.ok(of('windows') >= 0.6 && of('windows') <= 0.75, `windows ${of('windows')}`);
  assert.ok(of('macOS') >= 0.05 && of('macOS') <= 0.15, `macOS ${of('macOS')}`);
  assert.ok(of('web') >= 0.04 && of('web') <= 0.1, `web ${of('web')}`);
  assert.ok(of('iOS') + of('android') >= 0.1 && of('iOS') + of('android') <= 0.2, 'mobile');
  assert.ok(of('roomSystem') >= 0.015 && of('roomSystem') <= 0.05, `rooms ${of('roomSystem')}`);
});

test('participants: directory users, guests, federated users, PSTN, ACS users (some with the opt-in family), bots', () => {
  const slots = new Map<string, number>();
  let federated = 0;
  let acsFamily = 0;
  for (const r of records) {
    for (const p of r.participants_v2) {
      const id = p.identity!;
      for (const [k, v] of Object.entries(id)) if (v !== null) slots.set(k, (slots.get(k) ?? 0) + 1);
      if (id.user && id.user.tenantId !== TENANT_ID) federated++;
    }
    for (const s of r.sessions) {
      const ua = s.caller?.userAgent as ClientUserAgent | undefined;
      if (ua?.productFamily === 'azureCommunicationServices') acsFamily++;
    }
  }
  for (const slot of [
    'user',
    'guest',
    'phone',
    'azureCommunicationServicesUser',
    'application',
    'applicationInstance',
  ]) {
    assert.ok((slots.get(slot) ?? 0) > 0, `no ${slot} participant`);
  }
  assert.ok(federated > 0 && acsFamily > 0);
  assert.ok(
    share(
      slots.get('user')!,
      [...slots.values()].reduce((a, b) => a + b),
    ) > 0.85,
  );
});

test('codecs: SATIN-family on Teams clients, video h264/av1', () => {
  const audio = new Map<string, number>();
  const video = new Set<string>();
  for (const r of records) {
    for (const s of r.sessions) {
      for (const g of s.segments) {
        for (const m of g.media) {
          for (const x of m.streams) {
            if (m.label === 'main-audio') audio.set(x.audioCodec!, (audio.get(x.audioCodec!) ?? 0) + 1);
            if (m.label === 'main-video' && x.videoCodec) video.add(x.videoCodec);
          }
        }
      }
    }
  }
  const total = [...audio.values()].reduce((a, b) => a + b);
  assert.ok(share((audio.get('satin') ?? 0) + (audio.get('satinFullband') ?? 0), total) > 0.6);
  assert.ok(video.has('h264') && video.has('av1'));
});
