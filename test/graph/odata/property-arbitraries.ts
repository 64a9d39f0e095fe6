// fast-check generators of valid ASTs and printers that turn them back into OData text, for round-trip tests.
// Generated nodes carry pos 0; tests compare with positions stripped.
import fc from 'fast-check';
import type {
  ComparisonOperator,
  ExpandItem,
  Expression,
  Literal,
  QueryOptions,
  SelectItem,
} from '../../../src/graph/odata/ast.js';
import { KEYWORDS } from '../../../src/graph/odata/lexer.js';

const RESERVED = new Set([...KEYWORDS, 'any', 'all', 'duration', 'asc', 'desc']);
const OPERATORS: ComparisonOperator[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];

export const identifierArb = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/)
  .filter((s) => !RESERVED.has(s));
const qualifiedArb = fc.array(identifierArb, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
const segmentsArb = fc.array(qualifiedArb, { minLength: 1, maxLength: 3 });

// Instants whose local time stays within years 0002-9998 for any offset.
const MIN_INSTANT = new Date(0).setUTCFullYear(2, 0, 1);
const MAX_INSTANT = Date.UTC(9998, 11, 31);

function pad(n: number, width: number): string {
  return String(Math.abs(n)).padStart(width, '0');
}

const dateTimeArb: fc.Arbitrary<Literal> = fc
  .record({
    instant: fc.integer({ min: MIN_INSTANT, max: MAX_INSTANT }),
    offset: fc.oneof(fc.constant(0), fc.integer({ min: -14 * 60, max: 14 * 60 })),
    zulu: fc.boolean(),
    extraDigits: fc.stringMatching(/^[0-9]{0,4}$/),
  })
  .map(({ instant, offset, zulu, extraDigits }) => {
    const local = new Date(instant + offset * 60_000).toISOString().slice(0, 23);
    const zone =
      offset === 0 && zulu
        ? 'Z'
        : `${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60), 2)}:${pad(offset % 60, 2)}`;
    return { kind: 'dateTimeOffset', epochMs: instant, raw: `${local}${extraDigits}${zone}`, pos: 0 };
  });

const dateArb: fc.Arbitrary<Literal> = fc
  .integer({ min: MIN_INSTANT, max: MAX_INSTANT })
  .map((ms) => ({ kind: 'date', raw: new Date(ms).toISOString().slice(0, 10), pos: 0 }));

const durationArb: fc.Arbitrary<Literal> = fc
  .record({
    negative: fc.boolean(),
    d: fc.option(fc.nat(400)),
    h: fc.option(fc.nat(30)),
    m: fc.option(fc.nat(90)),
    s: fc.option(
      fc.oneof(
        fc.nat(90).map(String),
        fc.tuple(fc.nat(9), fc.nat(999)).map(([a, b]) => `${a}.${b}`),
      ),
    ),
  })
  .filter(({ d, h, m, s }) => d !== null || h !== null || m !== null || s !== null)
  .map(({ negative, d, h, m, s }) => {
    const time = `${h === null ? '' : `${h}H`}${m === null ? '' : `${m}M`}${s === null ? '' : `${s}S`}`;
    const raw = `${negative ? '-' : ''}P${d === null ? '' : `${d}D`}${time === '' ? '' : `T${time}`}`;
    return { kind: 'duration', raw, pos: 0 };
  });

const numberArb: fc.Arbitrary<Literal> = fc
  .oneof(
    fc.integer().map(String),
    fc.tuple(fc.integer({ min: -9999, max: 9999 }), fc.nat(99999)).map(([i, f]) => `${i}.${f}`),
    fc
      .tuple(fc.integer({ min: -99, max: 99 }), fc.integer({ min: -30, max: 30 }))
      .map(([i, e]) => `${i}e${e}`),
  )
  .map((raw) => ({ kind: 'number', value: Number(raw), raw, pos: 0 }));

export const literalArb: fc.Arbitrary<Literal> = fc.oneof(
  fc.constant<Literal>({ kind: 'null', pos: 0 }),
  fc.boolean().map((value): Literal => ({ kind: 'boolean', value, pos: 0 })),
  fc.string({ unit: 'binary', maxLength: 12 }).map((value): Literal => ({ kind: 'string', value, pos: 0 })),
  numberArb,
  fc.uuid().map((value): Literal => ({ kind: 'guid', value, pos: 0 })),
  dateArb,
  dateTimeArb,
  durationArb,
);

const pathArb = segmentsArb.map((segments): Expression => ({ kind: 'path', segments, pos: 0 }));

const { expr } = fc.letrec<{ expr: Expression }>((tie) => ({
  expr: fc.oneof(
    { maxDepth: 5, depthSize: 'small' },
    literalArb,
    pathArb,
    fc.record({
      kind: fc.constant('compare'),
      op: fc.constantFrom(...OPERATORS),
      left: tie('expr'),
      right: tie('expr'),
    }),
    fc.record({ kind: fc.constantFrom('and', 'or'), left: tie('expr'), right: tie('expr') }),
    fc.record({ kind: fc.constant('not'), operand: tie('expr') }),
    fc.record({
      kind: fc.constant('in'),
      left: tie('expr'),
      values: fc.array(tie('expr'), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant('lambda'), op: fc.constant('any'), collection: segmentsArb }),
    fc.record({
      kind: fc.constant('lambda'),
      op: fc.constantFrom('any', 'all'),
      collection: segmentsArb,
      variable: fc.constant('v'),
      predicate: tie('expr'),
    }),
    fc.record({
      kind: fc.constant('call'),
      name: qualifiedArb,
      args: fc.array(tie('expr'), { maxLength: 3 }),
    }),
  ) as fc.Arbitrary<Expression>,
}));

/** Gives every lambda a variable unique on its nesting path (v0, v1...) and sets every pos to 0. */
function normalize(e: Expression, depth = 0): Expression {
  switch (e.kind) {
    case 'compare':
    case 'and':
    case 'or':
      return { ...e, left: normalize(e.left, depth), right: normalize(e.right, depth), pos: 0 };
    case 'not':
      return { ...e, operand: normalize(e.operand, depth), pos: 0 };
    case 'in':
      return {
        ...e,
        left: normalize(e.left, depth),
        values: e.values.map((v) => normalize(v, depth)),
        pos: 0,
      };
    case 'call':
      return { ...e, args: e.args.map((a) => normalize(a, depth)), pos: 0 };
    case 'lambda':
      return e.predicate === undefined
        ? { ...e, pos: 0 }
        : { ...e, variable: `v${depth}`, predicate: normalize(e.predicate, depth + 1), pos: 0 };
    default:
      return { ...e, pos: 0 };
  }
}

export const exprArb: fc.Arbitrary<Expression> = expr.map((e) => normalize(e));

function printLiteral(l: Literal): string {
  switch (l.kind) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(l.value);
    case 'number':
      return l.raw;
    case 'string':
      return `'${l.value.replaceAll("'", "''")}'`;
    case 'guid':
      // Exercise both cases; the parser lower-cases.
      return l.value.charCodeAt(0) % 2 === 0 ? l.value : l.value.toUpperCase();
    case 'date':
    case 'dateTimeOffset':
      return l.raw;
    case 'duration':
      return `duration'${l.raw}'`;
  }
}

/** Prints with parentheses around every operand, so the text has exactly the generated structure. */
export function printExpr(e: Expression): string {
  switch (e.kind) {
    case 'path':
      return e.segments.join('/');
    case 'compare':
      return `(${printExpr(e.left)}) ${e.op} (${printExpr(e.right)})`;
    case 'and':
    case 'or':
      return `(${printExpr(e.left)}) ${e.kind} (${printExpr(e.right)})`;
    case 'not':
      return `not (${printExpr(e.operand)})`;
    case 'in':
      return `(${printExpr(e.left)}) in (${e.values.map((v) => `(${printExpr(v)})`).join(', ')})`;
    case 'lambda': {
      const body = e.predicate === undefined ? '' : `${e.variable ?? ''}: ${printExpr(e.predicate)}`;
      return `${e.collection.join('/')}/${e.op}(${body})`;
    }
    case 'call':
      return `${e.name}(${e.args.map(printExpr).join(', ')})`;
    default:
      return printLiteral(e);
  }
}

const selectArb: fc.Arbitrary<SelectItem[]> = fc.array(
  fc.oneof(segmentsArb, fc.constant(['*'])).map((path): SelectItem => ({ path: [...path], pos: 0 })),
  { minLength: 1, maxLength: 3 },
);

export const { expandItem: expandArb } = fc.letrec<{ expandItem: ExpandItem; options: QueryOptions }>(
  (tie) => ({
    expandItem: fc.record({
      path: fc.oneof(segmentsArb, fc.constant(['*'])).map((path) => [...path]),
      options: tie('options'),
      pos: fc.constant(0),
    }),
    options: fc.oneof(
      { maxDepth: 3, depthSize: 'small' },
      fc.constant<QueryOptions>({}),
      fc.record<QueryOptions>(
        {
          select: selectArb,
          expand: fc.array(tie('expandItem'), { minLength: 1, maxLength: 2 }),
          filter: exprArb,
          orderby: fc.array(
            fc.record({ expression: exprArb, direction: fc.constantFrom('asc' as const, 'desc' as const) }),
            { minLength: 1, maxLength: 2 },
          ),
          top: fc.nat(1000),
          skip: fc.nat(1000),
          count: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
    ),
  }),
);

function printOptions(options: QueryOptions): string {
  const parts: string[] = [];
  if (options.select) parts.push(`$select=${options.select.map((s) => s.path.join('/')).join(',')}`);
  if (options.expand) parts.push(`$expand=${options.expand.map(printExpand).join(',')}`);
  if (options.filter) parts.push(`$filter=${printExpr(options.filter)}`);
  if (options.orderby) {
    parts.push(
      `$orderby=${options.orderby.map((o) => `${printExpr(o.expression)} ${o.direction}`).join(',')}`,
    );
  }
  if (options.top !== undefined) parts.push(`$top=${options.top}`);
  if (options.skip !== undefined) parts.push(`$skip=${options.skip}`);
  if (options.count !== undefined) parts.push(`$count=${options.count}`);
  return parts.join(';');
}

export function printExpand(item: ExpandItem): string {
  const options = printOptions(item.options);
  return `${item.path.join('/')}${options === '' ? '' : `(${options})`}`;
}
