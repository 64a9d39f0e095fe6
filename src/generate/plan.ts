// The calendar: which records start when. Each local day is planned from its own PRNG stream (seed, day), so a
// day's calls do not depend on the rest of the window; plans are small and sorted before records are expanded.
import type { Tenant } from './directory.js';
import type { ResolvedOptions } from './options.js';
import { hashSeed, Rng, sampleCumulative, Weighted } from './prng.js';
import { TimePatterns, WEEKDAY_FACTOR } from './time.js';
import type { LocalDay, ZoneClock } from './time.js';

export type RecordKind = 'p2p' | 'adhoc' | 'escalated' | 'meeting' | 'townhall';

/** A recurring weekly meeting (Teams keeps one join URL for the whole series). */
export interface MeetingSeries {
  organizer: number;
  weekday: number;
  slotMinutes: number;
  lengthMinutes: number;
  attendees: readonly number[];
  threadId: string;
}

export interface Plan {
  /** Record start (first join), epoch ms. */
  startMs: number;
  kind: RecordKind;
  organizer: number;
  /** Seed of the record's own PRNG stream. */
  seed: number;
  /** Scheduled start and length of meetings / town halls (0 otherwise). */
  slotMs: number;
  lengthMinutes: number;
  series: MeetingSeries | null;
  /** Telephony hook (src/generate/telephony): a P2P PSTN call with this direction and PSTN connectivity. */
  pstn?: { direction: 'in' | 'out'; gateway: 'callingPlan' | 'directRouting' };
  /** Telephony hook: a meeting whose audio-conferencing bridge dials out to this many phone numbers. */
  dialOuts?: number;
}

// Share of all records [est: P2P 40-60 %]: P2P 55 %, meetings 34 % (≈15 points from recurring series),
// ad hoc group calls 8 %, P2P escalated to group 3 %.
const RECURRING_SHARE = 0.15;
const OTHER_KINDS = new Weighted<RecordKind>([
  ['p2p', 0.55 / (1 - RECURRING_SHARE)],
  ['adhoc', 0.08 / (1 - RECURRING_SHARE)],
  ['escalated', 0.03 / (1 - RECURRING_SHARE)],
  ['meeting', (0.34 - RECURRING_SHARE) / (1 - RECURRING_SHARE)],
]);

/** Town halls: Thursdays 15:00 local, every week [est; guarantees a >130-participant meeting per week]. */
export const TOWN_HALL = { weekday: 4, slotMinutes: 15 * 60, lengthMinutes: 60 } as const;

/** Size of a meeting including the organizer [est: median 3-5, p90 ~12, rare 50+]. */
export function meetingSize(rng: Rng, max: number): number {
  return Math.min(max, 250, 2 + Math.round(rng.logNormal(2.3, 1.1)));
}

/** Picks distinct people, mostly from one department. `stamp` marks chosen indices for this record. */
export function pickColleagues(
  rng: Rng,
  tenant: Tenant,
  around: number,
  count: number,
  mark: (i: number) => boolean,
): number[] {
  const dept = tenant.departments[tenant.people[around]!.department]!;
  const out: number[] = [];
  let guard = count * 20 + 50;
  while (out.length < count && guard-- > 0) {
    const i =
      dept.length > 1 && rng.chance(0.65)
        ? dept[rng.int(0, dept.length - 1)]!
        : sampleCumulative(tenant.activityCum, rng);
    if (mark(i)) out.push(i);
  }
  return out;
}

export function buildSeries(opts: ResolvedOptions, tenant: Tenant): MeetingSeries[] {
  const rng = new Rng(hashSeed(opts.seed, 0x5e41e5));
  const patterns = new TimePatterns();
  const count = Math.round(opts.users * opts.callsPerUserPerDay * RECURRING_SHARE * (5 / 0.9));
  const series: MeetingSeries[] = [];
  const chosen = new Int32Array(opts.users).fill(-1);
  for (let s = 0; s < count; s++) {
    const organizer = sampleCumulative(tenant.activityCum, rng);
    chosen[organizer] = s;
    const size = meetingSize(rng, opts.users);
    const attendees = pickColleagues(rng, tenant, organizer, size - 1, (i) => {
      if (chosen[i] === s) return false;
      chosen[i] = s;
      return true;
    });
    series.push({
      organizer,
      weekday: rng.int(1, 5),
      slotMinutes: patterns.meetingSlotMinutes(rng),
      lengthMinutes: patterns.meetingLength.sample(rng),
      attendees,
      threadId: rng.guid(),
    });
  }
  return series;
}

/** How early (negative) or late the first participant joins a scheduled meeting, ms [est]. */
function firstJoinOffset(rng: Rng): number {
  return rng.chance(0.85) ? -Math.min(300_000, Math.round(rng.logNormal(60_000, 0.8))) : rng.int(0, 240_000);
}

/** Plans one local day. `townHall` forces a town hall on this day (fallback for windows without a Thursday). */
export function planDay(
  opts: ResolvedOptions,
  tenant: Tenant,
  series: readonly MeetingSeries[],
  day: LocalDay,
  townHall: boolean,
): Plan[] {
  const rng = new Rng(hashSeed(opts.seed, day.day, 0xda7));
  const patterns = new TimePatterns();
  const plans: Plan[] = [];
  const add = (
    kind: RecordKind,
    startMs: number,
    organizer: number,
    slotMs = 0,
    lengthMinutes = 0,
    s: MeetingSeries | null = null,
  ) => plans.push({ startMs, kind, organizer, seed: rng.u32(), slotMs, lengthMinutes, series: s });

  let recurring = 0;
  for (const s of series) {
    if (s.weekday !== day.weekday || !rng.chance(0.9)) continue;
    const slotMs = day.midnightUtc + s.slotMinutes * 60_000;
    add('meeting', slotMs + firstJoinOffset(rng), s.organizer, slotMs, s.lengthMinutes, s);
    recurring++;
  }
  if (townHall) {
    const slotMs = day.midnightUtc + TOWN_HALL.slotMinutes * 60_000;
    add('townhall', slotMs - rng.int(120_000, 480_000), 0, slotMs, TOWN_HALL.lengthMinutes);
  }
  const expected =
    opts.users * opts.callsPerUserPerDay * WEEKDAY_FACTOR[day.weekday]! * rng.uniform(0.93, 1.07);
  const others = Math.max(0, Math.round(expected) - recurring);
  for (let i = 0; i < others; i++) {
    const kind = OTHER_KINDS.sample(rng);
    const organizer = sampleCumulative(tenant.activityCum, rng);
    if (kind === 'meeting') {
      const slotMs = day.midnightUtc + patterns.meetingSlotMinutes(rng) * 60_000;
      add(kind, slotMs + firstJoinOffset(rng), organizer, slotMs, patterns.meetingLength.sample(rng));
    } else {
      add(kind, day.midnightUtc + patterns.callTimeOfDay(rng), organizer);
    }
  }
  plans.sort((a, b) => a.startMs - b.startMs || a.seed - b.seed);
  return plans;
}

/** Local days overlapping [fromMs, untilMs), and the day that hosts the town hall when no Thursday is in range. */
export function daysOf(
  clock: ZoneClock,
  fromMs: number,
  untilMs: number,
): { days: LocalDay[]; fallbackTownHall: number } {
  const first = clock.localDayOf(fromMs);
  const last = clock.localDayOf(untilMs - 1);
  const days: LocalDay[] = [];
  for (let d = first; d <= last; d++) days.push(clock.day(d));
  const inRange = (d: LocalDay) => {
    const t = d.midnightUtc + TOWN_HALL.slotMinutes * 60_000;
    return t - 480_000 >= fromMs && t < untilMs;
  };
  const hasThursday = days.some((d) => d.weekday === TOWN_HALL.weekday && inRange(d));
  let fallback = -1;
  if (!hasThursday) {
    // The last working day in range, else any day in range.
    for (const d of days) if (inRange(d) && d.weekday >= 1 && d.weekday <= 5) fallback = d.day;
    if (fallback < 0) for (const d of days) if (inRange(d)) fallback = d.day;
  }
  return { days, fallbackTownHall: fallback };
}
