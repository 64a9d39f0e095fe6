// Determinism, options, time zones and the small building blocks (formatters, PRNG, CQD classification).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildDirectory, classifyAudioStream, generateCallRecords } from '../../src/generate/index.js';
import type { GenerateOptions } from '../../src/generate/index.js';
import { isoDurationMs, isoInstant, parseIsoDurationMs } from '../../src/generate/format.js';
import { Rng } from '../../src/generate/prng.js';
import type { MediaStream } from '../../src/graph/model/index.js';
import { localParts, OPTIONS } from './fixture.js';

const WEEK: GenerateOptions = { ...OPTIONS, users: 80, days: 7 };
/** A digest of each record's JSON (keeps memory low; equal digests = byte-identical JSON). */
const json = (o: GenerateOptions) =>
  [...generateCallRecords(o)].map((r) => createHash('sha256').update(JSON.stringify(r)).digest('base64'));

test('same options give byte-identical JSON; another seed gives other data', () => {
  const a = json(WEEK);
  assert.deepEqual(json(WEEK), a);
  const b = json({ ...WEEK, seed: WEEK.seed + 1 });
  assert.notDeepEqual(b, a);
  assert.ok(b.length > 0 && a.length > 0);
});

test('overlapping windows share identical records (days are generated independently)', () => {
  const twoWeeks = json({ ...WEEK, days: 14 });
  const week = json(WEEK);
  assert.deepEqual(twoWeeks.slice(twoWeeks.length - week.length), week);
});

test('the tenant id is written into identities and join URLs', () => {
  const other = 'c0ffee00-0000-4000-8000-000000000abc';
  const [first] = generateCallRecords({ ...WEEK, tenantId: other, days: 1 });
  assert.ok(first);
  assert.ok(JSON.stringify(first).includes(other));
  assert.ok(!JSON.stringify(first).includes(OPTIONS.tenantId));
});

test('buildDirectory is deterministic, has `users` people with unique ids, UPNs and E.164 numbers', () => {
  const a = buildDirectory(OPTIONS);
  assert.deepEqual(buildDirectory(OPTIONS), a);
  assert.equal(a.length, OPTIONS.users);
  assert.equal(new Set(a.map((u) => u.id)).size, a.length);
  assert.equal(new Set(a.map((u) => u.userPrincipalName)).size, a.length);
  for (const u of a) {
    assert.match(u.userPrincipalName, /^[a-z0-9.]+@[a-z0-9]+\.com$/);
    assert.match(u.phoneNumber, /^\+[1-9]\d{7,14}$/);
    assert.match(u.usageLocation, /^[A-Z]{2}$/);
    assert.ok(u.displayName.length > 0 && u.country.length > 0);
  }
  assert.notDeepEqual(buildDirectory({ ...OPTIONS, seed: 1 }), a);
  // People in the records are people of the directory.
  const ids = new Set(a.map((u) => u.id));
  const [first] = generateCallRecords({ ...OPTIONS, days: 1 });
  assert.ok(first?.participants_v2.some((p) => ids.has(p.id)));
});

test('the directory of a seed stays the same from release to release (names and titles come from faker)', () => {
  // Pinned: a change of faker's entry point, locale or version must not change the people a seed gives.
  const people = buildDirectory({
    tenantId: 'b3c4b3c4-0000-4000-8000-00000000be4c',
    seed: 7,
    users: 60,
    days: 1,
    until: new Date('2026-11-20T00:00:00Z'),
  });
  assert.equal(
    createHash('sha256').update(JSON.stringify(people)).digest('base64'),
    'ZviDA0sFrFffMTK6h1XdwSh06h0x+4qk6pBFFyz45/A=',
  );
});

test('across DST switches records stay ordered, inside the window, and in local working hours', () => {
  for (const [timeZone, until] of [
    ['Europe/Amsterdam', '2025-04-03T00:00:00Z'],
    ['America/New_York', '2025-11-06T00:00:00Z'],
  ] as const) {
    const o: GenerateOptions = { ...OPTIONS, users: 50, days: 7, timeZone, until: new Date(until) };
    let last = -Infinity;
    let office = 0;
    let n = 0;
    for (const r of generateCallRecords(o)) {
      const t = Date.parse(r.startDateTime);
      assert.ok(t >= last && t >= o.until.getTime() - 7 * 86_400_000 && t < o.until.getTime());
      last = t;
      n++;
      const { hour } = localParts(r.startDateTime, timeZone);
      if (hour >= 8 && hour < 18) office++;
    }
    assert.ok(n > 100 && office / n > 0.8, `${timeZone}: ${office}/${n} in office hours`);
  }
});

test('a window without a Thursday still has a town hall; tiny tenants work', () => {
  // Sunday and Monday only.
  const rs = [...generateCallRecords({ ...OPTIONS, days: 2, until: new Date('2025-09-02T00:00:00Z') })];
  assert.ok(rs.some((r) => r.participants_v2.length > 130 && r.sessions.length > 60));
  const tiny = [...generateCallRecords({ ...OPTIONS, users: 2, days: 7 })];
  assert.ok(tiny.length > 0);
  assert.ok(
    tiny.some((r) => r.participants_v2.length > 130),
    'town hall filled with guests',
  );
});

test('options are validated', () => {
  const bad: Partial<GenerateOptions>[] = [
    { tenantId: 'not-a-guid' },
    { users: 1 },
    { days: 0 },
    { until: new Date('nope') },
    { poorStreamRate: 2 },
    { timeZone: 'Mars/Olympus_Mons' },
  ];
  for (const b of bad) {
    assert.throws(() => generateCallRecords({ ...OPTIONS, ...b }).next(), RangeError, JSON.stringify(b));
  }
});

test('isoInstant matches toISOString to the millisecond and adds up to 7 digits without trailing zeros', () => {
  const rng = new Rng(1);
  for (let i = 0; i < 2000; i++) {
    const ms = Math.floor(rng.uniform(0, 4102444800000));
    const s = isoInstant(ms);
    const iso = new Date(ms).toISOString();
    assert.match(s, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$/);
    assert.ok(!/\.\d*0Z$/.test(s), s);
    assert.equal(Date.parse(s), ms);
    assert.equal(s.slice(0, 19), iso.slice(0, 19));
  }
  assert.equal(isoInstant(Date.UTC(2024, 1, 29, 23, 59, 59, 999)).slice(0, 23), '2024-02-29T23:59:59.999');
});

test('durations: ms precision, trailing zeros dropped, minutes above 60 s; parse round-trips', () => {
  assert.equal(isoDurationMs(16), 'PT0.016S');
  assert.equal(isoDurationMs(10), 'PT0.01S');
  assert.equal(isoDurationMs(100), 'PT0.1S');
  assert.equal(isoDurationMs(0), 'PT0S');
  assert.equal(isoDurationMs(2000), 'PT2S');
  assert.equal(isoDurationMs(65_200), 'PT1M5.2S');
  assert.equal(isoDurationMs(120_000), 'PT2M');
  for (const ms of [0, 1, 16, 999, 1000, 59_999, 65_200, 3_600_000])
    assert.equal(parseIsoDurationMs(isoDurationMs(ms)), ms);
});

function stream(over: Partial<MediaStream>): MediaStream {
  const nulls = Object.fromEntries(
    [
      'averageAudioDegradation',
      'averageRoundTripTime',
      'averagePacketLossRate',
      'averageJitter',
      'averageRatioOfConcealedSamples',
      'averageAudioNetworkJitter',
    ].map((k) => [k, null]),
  );
  return { ...nulls, streamDirection: 'callerToCallee', ...over } as MediaStream;
}

test('classifyAudioStream applies the CQD thresholds', () => {
  const good = {
    averageAudioDegradation: 1.0,
    averageRoundTripTime: 'PT0.5S',
    averagePacketLossRate: 0.1,
    averageJitter: 'PT0.03S',
    averageRatioOfConcealedSamples: 0.07,
  };
  assert.equal(classifyAudioStream(stream(good)), 'good', 'exactly at every threshold is not poor');
  assert.equal(classifyAudioStream(stream({ ...good, averageAudioDegradation: 1.01 })), 'poor');
  assert.equal(classifyAudioStream(stream({ ...good, averageRoundTripTime: 'PT0.501S' })), 'poor');
  assert.equal(classifyAudioStream(stream({ ...good, averagePacketLossRate: 0.11 })), 'poor');
  assert.equal(classifyAudioStream(stream({ ...good, averageJitter: 'PT0.031S' })), 'poor');
  assert.equal(classifyAudioStream(stream({ ...good, averageRatioOfConcealedSamples: 0.071 })), 'poor');
  assert.equal(
    classifyAudioStream(stream({ averageAudioNetworkJitter: 'PT0.04S' })),
    'poor',
    'network jitter fallback',
  );
  assert.equal(classifyAudioStream(stream({})), 'unclassified');
  assert.equal(classifyAudioStream(stream({ averageRoundTripTime: 'PT0.04S' })), 'good');
});

test('Rng: reproducible, v4 GUIDs, roughly standard normal', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  for (let i = 0; i < 100; i++) assert.equal(a.u32(), b.u32());
  assert.match(a.guid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  let sum = 0;
  let sq = 0;
  const n = 50_000;
  for (let i = 0; i < n; i++) {
    const x = a.normal();
    sum += x;
    sq += x * x;
  }
  assert.ok(Math.abs(sum / n) < 0.03 && Math.abs(Math.sqrt(sq / n) - 1) < 0.03);
});
