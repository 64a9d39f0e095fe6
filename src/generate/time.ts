// Calendar and clock patterns: local days in the tenant time zone, working-hour weights, meeting slots and
// call durations. All figures are estimates unless marked otherwise.
import { MS_PER_DAY } from './format.js';
import { Weighted } from './prng.js';
import type { Rng } from './prng.js';

/** UTC offsets of an IANA zone, asked of Intl once per local day (never per record). */
export class ZoneClock {
  readonly #fmt: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    this.#fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local time minus UTC, in ms, at the given instant. */
  offsetAt(utcMs: number): number {
    const parts: Record<string, number> = {};
    for (const p of this.#fmt.formatToParts(new Date(utcMs))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    const local = Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    );
    return local - Math.floor(utcMs / 1000) * 1000;
  }

  /** Local day number (days since 1970-01-01 in local time) containing the instant. */
  localDayOf(utcMs: number): number {
    return Math.floor((utcMs + this.offsetAt(utcMs)) / MS_PER_DAY);
  }

  /**
   * The UTC instant of local midnight of `day`, using the offset in force at local noon (DST switches happen at
   * night, so working hours are exact; the odd 02:00-03:00 call on a switch day is off by an hour).
   */
  day(day: number): LocalDay {
    const noonGuess = day * MS_PER_DAY + 12 * 3_600_000;
    const o1 = this.offsetAt(noonGuess);
    const offset = this.offsetAt(noonGuess - o1);
    // 1970-01-01 was a Thursday; weekday 0 = Sunday.
    return { day, midnightUtc: day * MS_PER_DAY - offset, weekday: (((day + 4) % 7) + 7) % 7 };
  }
}

export interface LocalDay {
  day: number;
  midnightUtc: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
}

/** Relative volume per weekday (Sun..Sat) [est]: weekends carry ~3-4 % of all records, Friday is a little quieter. */
export const WEEKDAY_FACTOR: readonly number[] = [0.09, 1.0, 1.05, 1.05, 1.0, 0.85, 0.1];

// Calls per local hour [est]: ramp from 08:00, peaks 10-11 and 14-15, lunch dip at 12, tail after 17:00.
const P2P_HOURS: readonly (readonly [number, number])[] = [
  [0, 0.02],
  [1, 0.01],
  [2, 0.01],
  [3, 0.01],
  [4, 0.01],
  [5, 0.03],
  [6, 0.08],
  [7, 0.3],
  [8, 0.95],
  [9, 1.5],
  [10, 2.0],
  [11, 1.75],
  [12, 0.85],
  [13, 1.45],
  [14, 1.9],
  [15, 1.7],
  [16, 1.25],
  [17, 0.6],
  [18, 0.3],
  [19, 0.16],
  [20, 0.1],
  [21, 0.06],
  [22, 0.04],
  [23, 0.03],
];

// Meeting slots (local hour and half hour) [est]: mostly on the hour, nothing at night.
const MEETING_SLOTS: readonly (readonly [number, number])[] = [
  [7 * 60 + 30, 0.05],
  [8 * 60, 0.35],
  [8 * 60 + 30, 0.3],
  [9 * 60, 1.3],
  [9 * 60 + 30, 0.7],
  [10 * 60, 2.0],
  [10 * 60 + 30, 0.9],
  [11 * 60, 1.7],
  [11 * 60 + 30, 0.6],
  [12 * 60, 0.45],
  [12 * 60 + 30, 0.35],
  [13 * 60, 1.2],
  [13 * 60 + 30, 0.7],
  [14 * 60, 1.9],
  [14 * 60 + 30, 0.9],
  [15 * 60, 1.6],
  [15 * 60 + 30, 0.7],
  [16 * 60, 1.1],
  [16 * 60 + 30, 0.5],
  [17 * 60, 0.3],
  [17 * 60 + 30, 0.1],
  [18 * 60, 0.06],
];

/** Scheduled meeting length in minutes [est]: 30 and 60 dominate. */
const MEETING_LENGTHS: readonly (readonly [number, number])[] = [
  [15, 0.06],
  [30, 0.52],
  [45, 0.05],
  [60, 0.32],
  [90, 0.03],
  [120, 0.02],
];

export class TimePatterns {
  readonly p2pHour = new Weighted(P2P_HOURS);
  readonly meetingSlot = new Weighted(MEETING_SLOTS);
  readonly meetingLength = new Weighted(MEETING_LENGTHS);

  /** A random instant of an ad hoc call on `day` (ms since local midnight, uniform inside the hour). */
  callTimeOfDay(rng: Rng): number {
    return this.p2pHour.sample(rng) * 3_600_000 + Math.floor(rng.next() * 3_600_000);
  }

  /** A scheduled slot, minutes after local midnight, on :00 or :30. */
  meetingSlotMinutes(rng: Rng): number {
    return this.meetingSlot.sample(rng);
  }
}

/**
 * Answered P2P call length in ms [est]: ~13 % are under 30 s (plus unanswered and failed calls: ~20 % of P2P records), the rest log-normal with a 3.5 min
 * median (so the overall median lands near 2.5-3 min with the long tail up to 4 h).
 */
export function p2pDurationMs(rng: Rng): number {
  if (rng.chance(0.13)) return rng.int(3_000, 29_999);
  return Math.min(4 * 3_600_000, Math.max(30_000, Math.round(rng.logNormal(210_000, 1.0))));
}

/** Ad hoc group call length in ms [est]: median ~12 min. */
export function adHocDurationMs(rng: Rng): number {
  return Math.min(3 * 3_600_000, Math.max(60_000, Math.round(rng.logNormal(720_000, 0.8))));
}

/**
 * When a participant joins relative to the scheduled start, ms [est]: most within a minute or two either side,
 * a late tail (median +3 min), a few very late.
 */
export function joinOffsetMs(rng: Rng): number {
  const u = rng.next();
  if (u < 0.62) return Math.round(rng.uniform(-120_000, 120_000));
  if (u < 0.92) return Math.round(rng.logNormal(180_000, 0.6));
  return Math.round(rng.uniform(600_000, 1_500_000));
}

/** How far the actual end of a meeting is from the scheduled end, ms [est]: ends early more often than late. */
export function meetingOverrunMs(rng: Rng, lengthMin: number): number {
  const early = Math.min(10, lengthMin / 5) * 60_000;
  return Math.round(Math.max(-early, Math.min(8 * 60_000, rng.normal() * 150_000 - 150_000)));
}
