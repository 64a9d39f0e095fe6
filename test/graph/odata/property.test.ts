// Property tests: hostile input only ever yields a 400 GraphError, and generated valid input round-trips.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ExpandItem, Expression, QueryOptions } from '../../../src/graph/odata/ast.js';
import { KEYWORDS } from '../../../src/graph/odata/lexer.js';
import {
  parseCount,
  parseExpand,
  parseFilter,
  parseOrderBy,
  parseParameterList,
  parseQueryOptions,
  parseSelect,
  parseSkip,
  parseTop,
} from '../../../src/graph/odata/parser.js';
import { parsesOrRejects, stripPos } from './helpers.js';
import { exprArb, expandArb, printExpand, printExpr } from './property-arbitraries.js';

const PARSERS: ((text: string) => unknown)[] = [
  parseFilter,
  parseOrderBy,
  parseSelect,
  parseExpand,
  parseParameterList,
  parseTop,
  parseSkip,
  parseCount,
];

/** Runs every parser on `text`; each must return or throw a 400 GraphError (parsesOrRejects rethrows others). */
function allParsersSurvive(text: string): void {
  for (const parse of PARSERS) parsesOrRejects(() => parse(text));
}

const TOKENS = [
  ...KEYWORDS,
  ...'/(),:;=*'.split(''),
  'a',
  'p/id',
  'any',
  'all',
  'startswith',
  'microsoft.graph.x',
  '$select',
  '$expand',
  '$filter',
  '$top',
  '$foo',
  'asc',
  'desc',
  "'x'",
  "'O''Brien'",
  "'",
  "''",
  '0',
  '-1',
  '1.5',
  '2e10',
  '1e999',
  '4.',
  '2023-09-25T09:25:00Z',
  '2023-13-01T00:00:00Z',
  '2023-09-25',
  '2023-02-30',
  '821809f5-0000-0000-0000-3b5136c0e777',
  "duration'PT1S'",
  "duration'P'",
  "duration'",
  '$',
  '.',
  '-',
  '#',
  '\t',
];

const GRAMMAR_CHARS = "()/,:;=*'$-.+ 0123456789abeTZPSanyoqtl".split('');

describe('robustness', () => {
  test('random strings never crash any parser', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 120 }), allParsersSurvive), {
      numRuns: 1500,
    });
  });

  test('strings of grammar characters never crash any parser', () => {
    const arb = fc.string({ unit: fc.constantFrom(...GRAMMAR_CHARS), maxLength: 80 });
    fc.assert(fc.property(arb, allParsersSurvive), { numRuns: 2000 });
  });

  test('token soups never crash any parser', () => {
    const arb = fc
      .tuple(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), fc.constantFrom(' ', ''))
      .map(([tokens, separator]) => tokens.join(separator));
    fc.assert(fc.property(arb, allParsersSurvive), { numRuns: 2000 });
  });

  test('deep nesting of every recursive construct ends in success or a 400', () => {
    const wrappers: [string, string][] = [
      ['(', ')'],
      ['not (', ')'],
      ['f(', ')'],
      ['a in (', ')'],
      ['x/any(v:', ')'],
      ['a($expand=', ')'],
      ['a($filter=', ')'],
    ];
    const arb = fc.record({
      wrapper: fc.constantFrom(...wrappers),
      depth: fc.integer({ min: 0, max: 3000 }),
      closed: fc.boolean(),
      core: fc.constantFrom('a', 'a eq 1', '', 'b'),
    });
    fc.assert(
      fc.property(arb, ({ wrapper: [open, close], depth, closed, core }) => {
        const text = open.repeat(depth) + core + (closed ? close.repeat(depth) : '');
        allParsersSurvive(text);
      }),
      { numRuns: 500 },
    );
  });

  test('random query parameter lists never crash parseQueryOptions', () => {
    const name = fc.oneof(
      fc.constantFrom(
        '$filter',
        'filter',
        '$SELECT',
        '$expand',
        '$orderby',
        '$top',
        'skip',
        '$count',
        '$search',
      ),
      fc.constantFrom('$skiptoken', '$foo', 'custom', '$', ''),
      fc.string({ maxLength: 8 }),
    );
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...TOKENS));
    const arb = fc.array(fc.tuple(name, value), { maxLength: 6 });
    fc.assert(
      fc.property(arb, (params) => {
        parsesOrRejects(() => parseQueryOptions(params));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('round trips', () => {
  test('generated filter expressions parse back to the same AST', () => {
    fc.assert(
      fc.property(exprArb, (expr: Expression) => {
        assert.deepEqual(stripPos(parseFilter(printExpr(expr))), stripPos(expr));
      }),
      { numRuns: 1500 },
    );
  });

  test('generated $orderby lists parse back', () => {
    const arb = fc.array(fc.tuple(exprArb, fc.constantFrom('asc' as const, 'desc' as const)), {
      minLength: 1,
      maxLength: 3,
    });
    fc.assert(
      fc.property(arb, (items) => {
        const text = items.map(([expr, direction]) => `${printExpr(expr)} ${direction}`).join(', ');
        const expected = items.map(([expression, direction]) => ({ expression, direction }));
        assert.deepEqual(stripPos(parseOrderBy(text)), stripPos(expected));
      }),
      { numRuns: 500 },
    );
  });

  test('generated $expand trees parse back', () => {
    fc.assert(
      fc.property(fc.array(expandArb, { minLength: 1, maxLength: 3 }), (items: ExpandItem[]) => {
        assert.deepEqual(stripPos(parseExpand(items.map(printExpand).join(','))), stripPos(items));
      }),
      { numRuns: 800 },
    );
  });

  test('generated $expand values parse back through parseQueryOptions', () => {
    fc.assert(
      fc.property(expandArb, (item: ExpandItem) => {
        const options: QueryOptions = parseQueryOptions([['$expand', printExpand(item)]]);
        assert.deepEqual(stripPos(options), stripPos({ expand: [item] }));
      }),
      { numRuns: 300 },
    );
  });
});
