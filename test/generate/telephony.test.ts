// The telephony logs of the demo data: deterministic, written beside the generator's own records without changing
// them, enough PSTN calls for several 1,000-row pages, rows that agree with the records, and the value sets of
// realism §3 (call types, licenses, operators, currencies, SIP outcomes, E.164 numbers, SMS, block actions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { generateCallRecords } from '../../src/generate/index.js';
import type { GenerateOptions } from '../../src/generate/index.js';
import { generateCallData, type TelephonyRows } from '../../src/generate/telephony/index.js';
import type { CallRecordDocument } from '../../src/graph/model/index.js';
import { OPTIONS } from './fixture.js';

const SMALL: GenerateOptions = { ...OPTIONS, users: 60, days: 10 };
const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('base64');

function collect(o: GenerateOptions): { records: CallRecordDocument[]; rows: TelephonyRows } {
  const records: CallRecordDocument[] = [];
  const rows: TelephonyRows = { pstnCalls: [], directRoutingCalls: [], sms: [], blockedUsers: [] };
  for (const item of generateCallData(o)) {
    if (item.record) records.push(item.record);
    for (const k of Object.keys(rows) as (keyof TelephonyRows)[])
      (rows[k] as unknown[]).push(...item.logs[k]);
  }
  return { records, rows };
}

let full: ReturnType<typeof collect> | undefined;
const demo = () => (full ??= collect(OPTIONS));

test('same options give identical records and rows; another seed gives others', () => {
  const items = (o: GenerateOptions) => [...generateCallData(o)].map(digest);
  const a = items(SMALL);
  assert.deepEqual(items(SMALL), a);
  assert.notDeepEqual(items({ ...SMALL, seed: SMALL.seed + 1 }), a);
});

test("the generator's own records are all there, unchanged and in order, between the telephony calls", () => {
  const own = [...generateCallRecords(SMALL)].map(digest);
  const all = collect(SMALL).records.map(digest);
  assert.ok(all.length > own.length * 1.2, `telephony calls added (${all.length} vs ${own.length})`);
  let i = 0;
  for (const d of all) if (d === own[i]) i++;
  assert.equal(i, own.length);
});

test('the records stay in start order and every row lies in the window', () => {
  const { records, rows } = demo();
  const from = OPTIONS.until.getTime() - OPTIONS.days * 86_400_000;
  const until = OPTIONS.until.getTime();
  for (let i = 1; i < records.length; i++)
    assert.ok(Date.parse(records[i - 1]!.startDateTime) <= Date.parse(records[i]!.startDateTime));
  const times = [
    ...rows.pstnCalls.map((r) => r.startDateTime),
    ...rows.directRoutingCalls.map((r) => r.startDateTime),
    ...rows.sms.map((r) => r.sentDateTime),
    ...rows.blockedUsers.map((r) => r.blockDateTime),
  ];
  for (const t of times) {
    const ms = Date.parse(t!);
    assert.ok(ms >= from && ms < until, t!);
  }
});

test('200 people over 30 days make several 1,000-row pages of PSTN calls', () => {
  const { rows } = demo();
  assert.ok(rows.pstnCalls.length >= 3000, `${rows.pstnCalls.length} PSTN rows`);
  assert.ok(rows.directRoutingCalls.length >= 500, `${rows.directRoutingCalls.length} Direct Routing rows`);
  assert.ok(rows.sms.length >= 500, `${rows.sms.length} SMS`);
  assert.ok(rows.blockedUsers.length >= 4, `${rows.blockedUsers.length} block actions`);
});

test('PSTN rows: call types, licenses, operators, currencies and charges', () => {
  const rows = demo().rows.pstnCalls;
  const count = (f: (r: (typeof rows)[number]) => unknown) => {
    const m = new Map<unknown, number>();
    for (const r of rows) m.set(f(r), (m.get(f(r)) ?? 0) + 1);
    return m;
  };
  assert.deepEqual([...count((r) => r.callType).keys()].sort(), [
    'conf_in',
    'conf_out',
    'user_in',
    'user_out',
  ]);
  const operators = count((r) => r.operator);
  assert.ok(operators.has('Microsoft') && operators.has('KPN'), [...operators.keys()].join());
  const currency: Record<string, string> = {
    NL: 'EUR',
    DE: 'EUR',
    BE: 'EUR',
    FR: 'EUR',
    GB: 'GBP',
    US: 'USD',
  };
  for (const r of rows) {
    assert.equal(r.currency, currency[r.usageCountryCode!]);
    assert.ok(r.charge! >= 0 && r.connectionCharge! >= 0);
    assert.equal(Math.round(r.charge! * 100) / 100, r.charge);
    assert.ok(r.duration! > 0);
    assert.match(r.callId!, /^\d{10}_\d{9}@\d+\.\d+\.\d+\.\d+$/);
    if (r.callType!.endsWith('_in')) {
      assert.equal(r.charge, 0);
      assert.equal(r.destinationContext, null);
    } else assert.ok(['Domestic', 'International'].includes(r.destinationContext!));
    if (r.operator === 'Microsoft') {
      assert.ok(
        ['MCOPSTN1', 'MCOPSTN2', 'MCOPSTNU', 'MCOPSTNPP', 'MCOMEETADD', 'MCOMEETACPEA'].includes(
          r.licenseCapability!,
        ),
      );
      assert.equal(r.callDurationSource, 'microsoft');
    } else {
      assert.equal(r.licenseCapability, 'MCOEV');
      assert.equal(r.charge, 0);
    }
    if (r.callType!.startsWith('conf_')) {
      assert.equal(r.inventoryType, 'Service');
      assert.match(r.conferenceId!, /^\d{9}$/);
    } else assert.equal(r.inventoryType, 'Subscriber');
  }
  assert.ok(rows.some((r) => r.charge! > 0 && r.callType === 'user_out'));
  assert.ok(rows.some((r) => r.charge! > 0 && r.callType === 'conf_out'));
});

test('phone numbers are E.164 in the national formats of their countries', () => {
  const { rows } = demo();
  const formats = [
    /^\+31\d{9}$/,
    /^\+49\d{10,11}$/,
    /^\+32\d{8,9}$/,
    /^\+44\d{10}$/,
    /^\+33[1-9]\d{8}$/,
    /^\+1[2-9]\d{2}[2-9]\d{6}$/,
  ];
  const numbers = [
    ...rows.pstnCalls.flatMap((r) => [r.callerNumber!, r.calleeNumber!]),
    ...rows.directRoutingCalls.flatMap((r) => [r.callerNumber!, r.calleeNumber!]),
  ];
  for (const n of numbers)
    assert.ok(
      formats.some((f) => f.test(n)),
      n,
    );
});

test('PSTN rows agree with records that have that phone participant, user and times', () => {
  const { records, rows } = demo();
  const byPhone = new Map<string, CallRecordDocument[]>();
  for (const r of records)
    for (const p of r.participants_v2)
      if (p.id.startsWith('+')) byPhone.set(p.id, [...(byPhone.get(p.id) ?? []), r]);
  for (const row of rows.pstnCalls) {
    const phone = row.callType!.endsWith('_in') ? row.callerNumber! : row.calleeNumber!;
    const candidates = byPhone.get(phone) ?? [];
    const match = candidates.find((r) =>
      row.callType!.startsWith('user_')
        ? r.startDateTime === row.startDateTime &&
          r.endDateTime === row.endDateTime &&
          r.participants_v2.some((p) => p.id === row.userId)
        : r.organizer_v2?.id === row.userId &&
          r.sessions.some((s) => s.startDateTime === row.startDateTime && s.endDateTime === row.endDateTime),
    );
    assert.ok(match, `record for ${row.callType} ${row.id}`);
  }
});

test('Direct Routing rows: completed calls carry their record id, failures a realistic mix of SIP outcomes', () => {
  const { records, rows } = demo();
  const ids = new Map(records.map((r) => [r.id, r]));
  const dr = rows.directRoutingCalls;
  const codes = new Set<number>();
  for (const r of dr) {
    if (r.successfulCall) {
      const record = ids.get(r.correlationId!);
      assert.ok(record, `record ${r.correlationId}`);
      assert.equal(record.startDateTime, r.startDateTime);
      assert.equal(r.finalSipCode, 0);
      assert.equal(r.callEndSubReason, r.callType === 'ByotIn' ? 540000 : 560000);
      assert.equal(r.failureDateTime, '0001-01-01T00:00:00Z');
    } else {
      codes.add(r.finalSipCode!);
      assert.equal(r.callEndSubReason, (r.callType === 'ByotIn' ? 540000 : 560000) + r.finalSipCode!);
      assert.equal(r.endDateTime, '0001-01-01T00:00:00Z');
    }
    assert.ok(Date.parse(r.inviteDateTime!) < Date.parse(r.startDateTime!));
    assert.equal(r.mediaBypassEnabled, false);
  }
  assert.deepEqual([...codes].sort(), [404, 408, 480, 486, 487, 503]);
  const failed = dr.filter((r) => !r.successfulCall).length / dr.length;
  assert.ok(failed > 0.05 && failed < 0.3, `failed share ${failed}`);
  assert.ok(new Set(dr.map((r) => r.trunkFullyQualifiedDomainName)).size >= 3, 'a few trunks');
});

test('SMS and block actions', () => {
  const { sms, blockedUsers } = demo().rows;
  assert.deepEqual([...new Set(sms.map((r) => r.smsType))].sort(), ['sms_in', 'sms_out']);
  for (const r of sms) {
    assert.equal(r.licenseCapability, 'MCOSMS1');
    assert.ok(['sms_in', 'sms_out'].includes(r.smsType!));
    const other = r.smsType === 'sms_out' ? r.destinationNumber! : r.sourceNumber!;
    assert.match(other, /^\+\d+\*\*\*$/);
    assert.ok(r.smsUnits! >= 1);
  }
  const modes = new Set(blockedUsers.map((r) => r.userBlockMode));
  assert.deepEqual([...modes].sort(), ['blocked', 'unblocked']);
  for (const r of blockedUsers.filter((x) => x.userBlockMode === 'unblocked')) {
    const earlier = blockedUsers.find(
      (b) => b.userId === r.userId && b.userBlockMode === 'blocked' && b.blockDateTime! < r.blockDateTime!,
    );
    assert.ok(earlier, 'an unblock follows a block of the same user');
  }
});
