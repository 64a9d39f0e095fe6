// Turns literal tokens into AST literals, validating values strictly (a lexically fine 2023-13-01 is rejected here).
import type { Literal } from './ast.js';
import type { Token } from './lexer.js';
import { unrecognizedLiteral } from './messages.js';

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;
// Microsoft.OData.Core's date validator: one-digit months and days are accepted (`2026-12-2`). Upstream writes the
// last alternative as `3[0|1]`; the `|` it also matches can never reach here (the lexer ends a date at it).
const DATE = /^(\d{4})-(0?[1-9]|1[012])-(0?[1-9]|[12]\d|3[01])$/;
// Each digit run is followed by its own unit letter, so a failed match backtracks linearly.
const DURATION = /^-?P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/;

const MS_PER_DAY = 86_400_000;
// The Gregorian calendar repeats every 400 years (146097 days); used to dodge Date.UTC's 0-99 => 1900s rule.
const DAYS_PER_400_YEARS = 146_097;
const MAX_FRACTION_DIGITS = 7;
const MAX_OFFSET_MINUTES = 14 * 60;

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isValidDate(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** The instant of a DateTimeOffset literal in epoch milliseconds, or undefined if it is not a valid one. */
export function dateTimeOffsetToEpochMs(raw: string): number | undefined {
  const m = DATE_TIME.exec(raw);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = Number(m[6] ?? '0');
  const fraction = m[7] ?? '';
  if (!isValidDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  if (fraction.length > MAX_FRACTION_DIGITS) return undefined;
  const offsetHours = Number(m[9] ?? '0');
  const offsetMinutes = Number(m[10] ?? '0');
  const offset = offsetHours * 60 + offsetMinutes;
  if (offsetMinutes > 59 || offset > MAX_OFFSET_MINUTES) return undefined;
  // Sub-millisecond digits are truncated, not rounded.
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const local =
    year < 100
      ? Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - DAYS_PER_400_YEARS * MS_PER_DAY
      : Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const sign = m[8] === '-' ? -1 : 1;
  return local - sign * offset * 60_000;
}

export function isValidDateLiteral(raw: string): boolean {
  return dateToEpochMs(raw) !== undefined;
}

/** Midnight UTC of an Edm.Date literal in epoch milliseconds, or undefined if it is not a valid one. */
export function dateToEpochMs(raw: string): number | undefined {
  const m = DATE.exec(raw);
  if (m === null) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isValidDate(year, month, day)) return undefined;
  const pad = (n: number) => String(n).padStart(2, '0');
  return dateTimeOffsetToEpochMs(`${m[1]}-${pad(month)}-${pad(day)}T00:00:00Z`);
}

export function isValidDuration(iso: string): boolean {
  // The shape allows `P` and `PT` alone; a duration needs at least one component.
  return DURATION.test(iso) && !iso.endsWith('P') && !iso.endsWith('T');
}

function numberTypeName(raw: string): string {
  if (/[eE]/.test(raw)) return 'Edm.Double';
  return raw.includes('.') ? 'Edm.Decimal' : 'Edm.Int64';
}

/** The literal a token denotes, or undefined if the token is not a literal. `text` is the whole option text. */
export function literalFromToken(tok: Token, text: string): Literal | undefined {
  const pos = tok.pos;
  switch (tok.kind) {
    case 'keyword':
      if (tok.value === 'null') return { kind: 'null', pos };
      if (tok.value === 'true' || tok.value === 'false')
        return { kind: 'boolean', value: tok.value === 'true', pos };
      return undefined;
    case 'string':
      return { kind: 'string', value: tok.value, pos };
    case 'number': {
      const value = Number(tok.text);
      if (!Number.isFinite(value)) throw unrecognizedLiteral(numberTypeName(tok.text), tok.text, pos, text);
      return { kind: 'number', value, raw: tok.text, pos };
    }
    case 'dateTimeOffset': {
      const epochMs = dateTimeOffsetToEpochMs(tok.text);
      if (epochMs === undefined) throw unrecognizedLiteral('Edm.DateTimeOffset', tok.text, pos, text);
      return { kind: 'dateTimeOffset', epochMs, raw: tok.text, pos };
    }
    case 'date':
      if (!isValidDateLiteral(tok.text)) throw unrecognizedLiteral('Edm.Date', tok.text, pos, text);
      return { kind: 'date', raw: tok.text, pos };
    case 'guid':
      return { kind: 'guid', value: tok.text.toLowerCase(), pos };
    case 'duration':
      if (!isValidDuration(tok.value)) throw unrecognizedLiteral('Edm.Duration', tok.text, pos, text);
      return { kind: 'duration', raw: tok.value, pos };
    default:
      return undefined;
  }
}
