// Cheap formatters for the hot path: ISO-8601 timestamps (Graph style, 7 fractional digits with trailing zeros
// dropped) and durations (`PT0.016S`), without Date objects or toISOString.

const P2: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + String(i));

/** `.016`, `.01`, `.1` ... for 1..999 ms; '' for 0. */
const FRAC3: readonly string[] = Array.from({ length: 1000 }, (_, i) =>
  i === 0 ? '' : '.' + String(i).padStart(3, '0').replace(/0+$/, ''),
);

export const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 to [year, month, day] (Howard Hinnant's civil_from_days). */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/**
 * Sub-millisecond digits (100 ns ticks) derived from the millisecond itself, so one instant always formats to the
 * same string (a record's start equals its first session's start) without carrying extra state.
 */
function ticksOf(ms: number): number {
  return (Math.imul(ms | 0, 0x9e3779b1) >>> 0) % 10000;
}

/** `YYYY-MM-DDT` of a day number, without allocating (civil_from_days inlined). */
function datePrefix(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return String(yoe + era * 400 + (m <= 2 ? 1 : 0)) + '-' + P2[m]! + '-' + P2[d]! + 'T';
}

/** Formats an integer epoch-millisecond instant as `2025-08-15T12:23:32.922748Z`. */
export function isoInstant(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  let rem = ms - days * MS_PER_DAY;
  const h = Math.floor(rem / 3_600_000);
  rem -= h * 3_600_000;
  const mi = Math.floor(rem / 60_000);
  rem -= mi * 60_000;
  const s = Math.floor(rem / 1000);
  let frac = (rem - s * 1000) * 10000 + ticksOf(ms);
  const head = datePrefix(days) + P2[h]! + ':' + P2[mi]! + ':' + P2[s]!;
  if (frac === 0) return head + 'Z';
  let digits = 7;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  return head + '.' + String(frac).padStart(digits, '0') + 'Z';
}

/** Formats a non-negative whole number of milliseconds as an ISO-8601 duration: 16 -> `PT0.016S`, 0 -> `PT0S`. */
export function isoDurationMs(ms: number): string {
  const whole = Math.round(ms);
  const sec = Math.floor(whole / 1000);
  const frac = FRAC3[whole - sec * 1000]!;
  if (sec < 60) return 'PT' + String(sec) + frac + 'S';
  const min = Math.floor(sec / 60);
  const s = sec - min * 60;
  if (s === 0 && frac === '') return 'PT' + String(min) + 'M';
  return 'PT' + String(min) + 'M' + String(s) + frac + 'S';
}

/** Parses the ISO-8601 durations this generator (and Graph) emit: `PT0.016S`, `PT1M5.2S`, `PT1H`. */
export function parseIsoDurationMs(value: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(value);
  if (!m) throw new RangeError(`not an ISO-8601 time duration: ${value}`);
  return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
}

/** Rounds to 6 decimals, the precision of the Single values in the samples (`0.008604`). */
export function r6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
