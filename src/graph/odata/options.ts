// System query option names and the options whose values are plain scalars ($top, $skip, $count, $search).
import { badRequest } from '../../errors.js';
import type { QueryOptions } from './ast.js';
import { expressionExpected } from './messages.js';

export const OPTION_NAMES = [
  'filter',
  'select',
  'expand',
  'orderby',
  'top',
  'skip',
  'count',
  'search',
  'skiptoken',
] as const satisfies readonly (keyof QueryOptions)[];

export type OptionName = (typeof OPTION_NAMES)[number];

const MAX_INT32 = 2_147_483_647;

/** The option a parameter name denotes: `$filter`, `filter` and `$FILTER` are all `filter`. */
export function optionName(name: string): OptionName | undefined {
  const bare = (name.startsWith('$') ? name.slice(1) : name).toLowerCase();
  return OPTION_NAMES.find((option) => option === bare);
}

function parseNonNegativeInt32(text: string, option: '$top' | '$skip'): number {
  // Digits only: no sign, no decimal point, no exponent, no whitespace.
  if (/^[0-9]+$/.test(text)) {
    const value = Number(text);
    if (value <= MAX_INT32) return value;
    throw badRequest(
      `Invalid value '${text}' for ${option} query option found. The ${option} query value must be a non-negative integer no greater than ${MAX_INT32}.`,
    );
  }
  throw badRequest(
    `Invalid value '${text}' for ${option} query option found. The ${option} query value must be a non-negative integer.`,
  );
}

export function parseTop(text: string): number {
  return parseNonNegativeInt32(text, '$top');
}

export function parseSkip(text: string): number {
  return parseNonNegativeInt32(text, '$skip');
}

export function parseCount(text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw badRequest(`'${text}' is not a valid count option.`);
}

/** $search is passed through as text; only an empty value is rejected, as ODL does. */
export function parseSearch(text: string): string {
  if (text === '') throw expressionExpected(0, text);
  return text;
}
