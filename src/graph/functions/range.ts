// The (fromDateTime, toDateTime) parameters of the log functions: parsed with the OData parser (so syntax errors
// carry ODL's messages), then checked for names, literal types, order and the 90-day limit.
import { badRequest, GraphError } from '../../errors.js';
import type { Expression } from '../odata/ast.js';
import { dateToEpochMs } from '../odata/literals.js';
import { duplicateParameter } from '../odata/messages.js';
import { parseParameterList } from '../odata/parser.js';
import { NS } from '../model/index.js';
import { MAX_RANGE_DAYS, type LogFunction } from './catalog.js';

/** A half-open range of epoch milliseconds: from inclusive, to exclusive. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
  /** The parameters in canonical form (names as declared, literals as written), for continuation links. */
  text: string;
}

const PARAMETERS = ['fromDateTime', 'toDateTime'] as const;
type ParameterName = (typeof PARAMETERS)[number];

/** The instant of a date (midnight UTC) or date-time literal; anything else is a 400 naming the parameter. */
function instantOf(fn: LogFunction, name: ParameterName, value: Expression): number {
  if (value.kind === 'dateTimeOffset') return value.epochMs;
  if (value.kind === 'date') {
    const ms = dateToEpochMs(value.raw);
    if (ms !== undefined) return ms;
  }
  throw badRequest(
    `The parameter '${name}' of function '${NS}.${fn.name}' must be an Edm.DateTimeOffset or Edm.Date literal, ` +
      `such as 2019-11-01T00:00:00Z or 2019-11-01.`,
  );
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Parses and validates the text inside the function's parentheses. */
export function parseTimeRange(fn: LogFunction, rawParameters: string): TimeRange {
  const values = new Map<ParameterName, number>();
  const literals = new Map<ParameterName, string>();
  for (const p of parseParameterList(rawParameters)) {
    const name = PARAMETERS.find((n) => n.toLowerCase() === p.name.toLowerCase());
    if (!name) {
      throw badRequest(
        `'${p.name}' is not a parameter of function '${NS}.${fn.name}'; its parameters are fromDateTime and toDateTime.`,
      );
    }
    if (values.has(name)) throw duplicateParameter(p.name);
    values.set(name, instantOf(fn, name, p.value));
    literals.set(name, (p.value as { raw: string }).raw);
  }
  for (const name of PARAMETERS) {
    if (!values.has(name)) {
      throw badRequest(`The function '${NS}.${fn.name}' requires the parameter '${name}'.`);
    }
  }
  const fromMs = values.get('fromDateTime')!;
  const toMs = values.get('toDateTime')!;
  if (fromMs >= toMs) {
    throw new GraphError('invalidTimeRange', {
      message: `The value of 'fromDateTime' (${iso(fromMs)}) must be earlier than the value of 'toDateTime' (${iso(toMs)}).`,
    });
  }
  if (toMs - fromMs > MAX_RANGE_DAYS * 86_400_000) {
    throw new GraphError('timeRangeTooLong');
  }
  return { fromMs, toMs, text: PARAMETERS.map((n) => `${n}=${literals.get(n)!}`).join(',') };
}
