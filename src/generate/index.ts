// Deterministic, realistic call-record generator (see README.md for the model and which figures are estimates).
import type { CallRecordDocument } from '../graph/model/index.js';
import { buildTenant } from './directory.js';
import type { DirectoryUser, Tenant } from './directory.js';
import { MS_PER_DAY } from './format.js';
import { resolveOptions } from './options.js';
import type { GenerateOptions, ResolvedOptions } from './options.js';
import { buildSeries, daysOf, planDay, TOWN_HALL } from './plan.js';
import type { MeetingSeries, Plan } from './plan.js';
import { hashSeed } from './prng.js';
import { RecordFactory } from './records.js';
import { ZoneClock } from './time.js';
import type { LocalDay } from './time.js';

export { classifyAudioStream } from './streams.js';
export { DEFAULTS, resolveOptions } from './options.js';
export type { GenerateOptions, ResolvedOptions } from './options.js';
export type { DirectoryUser } from './directory.js';

/** Extension points for other generators (the telephony logs) that add records to the same tenant and calendar. */
export interface GenerateHooks {
  /** Extra plans for a local day, built from the same tenant; they are expanded like the day's own plans. */
  extraPlans?: (tenant: Tenant, day: LocalDay) => Plan[];
  /** The tenant of these options, when the caller has built it already (building it runs faker: costly). */
  tenant?: Tenant;
}

/** A record in the making: its start, and the call that builds it (a record nobody builds costs its plan only). */
export interface PlannedRecord {
  startMs: number;
  build(): CallRecordDocument;
}

/** The people of the tenant's directory (deterministic for the same seed, users, tenantId and time zone). */
export function buildDirectory(opts: GenerateOptions): DirectoryUser[] {
  return buildTenant(resolveOptions(opts)).people.map((p) => p.user);
}

/**
 * Scale of the per-stream poor probability so that the stream-weighted mean hits the target rate: pilot days
 * (their own seeds, 600-2,000 records) are built with scale 1, and the mean quality weight of their measured audio
 * streams divides the target. Deterministic, and right for whatever mix of networks, PSTN legs and bots the
 * record builder produces (a leg-level estimate was ~3 % off).
 */
function poorScale(o: ResolvedOptions, tenant: Tenant, series: readonly MeetingSeries[]): number {
  if (o.poorStreamRate === 0) return 0;
  const pilot = new RecordFactory(tenant, 1);
  // About a working day of records, between 600 and 2,000 (calibration noise ~1-2 % relative). Independent of
  // `days` and `until`, so overlapping windows of the same tenant share identical records.
  const want = Math.min(2000, Math.max(600, Math.round(o.users * o.callsPerUserPerDay * 1.2)));
  let built = 0;
  for (let k = 0; k < 8 && built < want; k++) {
    const day: LocalDay = {
      day: -1 - k - (hashSeed(o.seed, 0x9170) % 100_000),
      midnightUtc: 0,
      weekday: 1 + (k % 5),
    };
    const plans = planDay(o, tenant, series, day, false);
    const step = Math.max(1, Math.ceil(plans.length / (want - built)));
    for (let i = 0; i < plans.length; i += step, built++) pilot.build(plans[i]!);
  }
  const { weight, streams } = pilot.tally;
  return streams === 0 ? o.poorStreamRate : o.poorStreamRate / (weight / streams);
}

/**
 * Yields call records (with organizer_v2, participants_v2 and sessions with segments inline) whose start lies in
 * [until - days, until), in ascending startDateTime order. Same options => identical records.
 *
 * Records share frozen sub-objects (identities, user agents, empty device infos); clone before mutating.
 */
export function* generateCallRecords(
  opts: GenerateOptions,
  hooks: GenerateHooks = {},
): Generator<CallRecordDocument> {
  for (const planned of planCallRecords(opts, hooks)) yield planned.build();
}

/**
 * The records of generateCallRecords, in the same order, unbuilt: every record depends only on its own plan, so
 * several threads can walk the same plans and each build a share of them (./worker/).
 */
export function* planCallRecords(opts: GenerateOptions, hooks: GenerateHooks = {}): Generator<PlannedRecord> {
  const o = resolveOptions(opts);
  const tenant = hooks.tenant ?? buildTenant(o);
  const series = buildSeries(o, tenant);
  const clock = new ZoneClock(o.timeZone);
  const untilMs = o.until.getTime();
  const fromMs = untilMs - Math.round(o.days * MS_PER_DAY);
  const { days, fallbackTownHall } = daysOf(clock, fromMs, untilMs);
  const factory = new RecordFactory(tenant, poorScale(o, tenant, series));
  // Plans past the next local midnight wait for the next day's batch, so the order holds across DST switches.
  let carry: Plan[] = [];
  for (let i = 0; i < days.length; i++) {
    const day = days[i]!;
    const townHall = day.weekday === TOWN_HALL.weekday || day.day === fallbackTownHall;
    const extra = hooks.extraPlans?.(tenant, day) ?? [];
    const plans = carry.concat(planDay(o, tenant, series, day, townHall), extra);
    if (carry.length > 0 || extra.length > 0) plans.sort((a, b) => a.startMs - b.startMs || a.seed - b.seed);
    const next = days[i + 1];
    const cutoff = next ? next.midnightUtc : Infinity;
    carry = [];
    for (const p of plans) {
      if (p.startMs >= cutoff) carry.push(p);
      else if (p.startMs >= fromMs && p.startMs < untilMs)
        yield { startMs: p.startMs, build: () => factory.build(p) };
    }
  }
}
