import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from '../../../src/graph/odata/parser.js';
import { assertBadRequest, stripPos } from './helpers.js';

/** The filter's AST without positions. */
function ast(text: string): unknown {
  return stripPos(parseFilter(text));
}

const path = (...segments: string[]) => ({ kind: 'path', segments });
const str = (value: string) => ({ kind: 'string', value });
const num = (value: number, raw = String(value)) => ({ kind: 'number', value, raw });
const cmp = (op: string, left: unknown, right: unknown) => ({ kind: 'compare', op, left, right });
const and = (left: unknown, right: unknown) => ({ kind: 'and', left, right });
const or = (left: unknown, right: unknown) => ({ kind: 'or', left, right });
const not = (operand: unknown) => ({ kind: 'not', operand });

describe('parseFilter: literals', () => {
  test('null, booleans, strings, numbers', () => {
    assert.deepEqual(ast('null'), { kind: 'null' });
    assert.deepEqual(ast('true'), { kind: 'boolean', value: true });
    assert.deepEqual(ast('false'), { kind: 'boolean', value: false });
    assert.deepEqual(ast("'O''Brien'"), str("O'Brien"));
    assert.deepEqual(ast('-12.5e2'), num(-1250, '-12.5e2'));
    assert.deepEqual(ast('42'), num(42));
  });

  test('a number too large for a double is rejected', () => {
    assertBadRequest(
      () => parseFilter('x eq 1e999'),
      "Unrecognized 'Edm.Double' literal '1e999' at '5' in 'x eq 1e999'.",
    );
  });

  test('GUIDs are lower-cased', () => {
    assert.deepEqual(ast('FD3A4006-A6EF-420E-8EDA-DA2B1C58F6DF'), {
      kind: 'guid',
      value: 'fd3a4006-a6ef-420e-8eda-da2b1c58f6df',
    });
  });

  test('dates and durations', () => {
    assert.deepEqual(ast('2024-02-29'), { kind: 'date', raw: '2024-02-29' });
    assert.deepEqual(ast('2026-12-2'), { kind: 'date', raw: '2026-12-2' });
    assert.deepEqual(ast('2026-1-9'), { kind: 'date', raw: '2026-1-9' });
    assert.deepEqual(ast("duration'PT1S'"), { kind: 'duration', raw: 'PT1S' });
    assert.deepEqual(ast("duration'-P1DT2H3M4.5S'"), { kind: 'duration', raw: '-P1DT2H3M4.5S' });
  });

  test('invalid dates and durations', () => {
    for (const bad of [
      '2023-02-29',
      '2023-04-31',
      '2023-13-01',
      '2023-00-10',
      '2023-01-00',
      '0000-01-01',
      '2023-0-1',
      '2023-2-30',
      '2023-1-32',
    ]) {
      assertBadRequest(
        () => parseFilter(`d eq ${bad}`),
        `Unrecognized 'Edm.Date' literal '${bad}' at '5' in 'd eq ${bad}'.`,
      );
    }
    for (const bad of ['P', 'PT', 'P1DT', '1S', 'PT1', 'P1Y', 'PT1.S', 'PT1H1D', '']) {
      const text = `d eq duration'${bad}'`;
      assertBadRequest(
        () => parseFilter(text),
        `Unrecognized 'Edm.Duration' literal 'duration'${bad}'' at '5' in '${text}'.`,
      );
    }
  });

  test('DateTimeOffset epochMs honours offsets, fractions and early years', () => {
    const epoch = (text: string) => {
      const literal = parseFilter(text);
      assert.equal(literal.kind, 'dateTimeOffset');
      return literal.kind === 'dateTimeOffset' ? literal.epochMs : NaN;
    };
    assert.equal(epoch('2023-09-25T09:25:00Z'), Date.parse('2023-09-25T09:25:00Z'));
    assert.equal(epoch('2023-09-25T09:25Z'), Date.parse('2023-09-25T09:25:00Z'));
    assert.equal(epoch('2023-09-25T10:25:00+01:00'), Date.parse('2023-09-25T09:25:00Z'));
    assert.equal(epoch('2023-09-25T03:55:00-05:30'), Date.parse('2023-09-25T09:25:00Z'));
    assert.equal(epoch('2023-09-25T09:25:00.1239999Z'), Date.parse('2023-09-25T09:25:00.123Z'));
    assert.equal(epoch('2023-09-25T09:25:00.5Z'), Date.parse('2023-09-25T09:25:00.500Z'));
    assert.equal(epoch('2024-02-29T23:59:59Z'), Date.parse('2024-02-29T23:59:59Z'));
    assert.equal(epoch('0001-01-01T00:00:00Z'), -62135596800000);
    assert.equal(epoch('0099-12-31T00:00:00Z'), Date.parse('0099-12-31T00:00:00Z'));
    assert.equal(epoch('9999-12-31T23:59:59.9999999Z'), Date.parse('9999-12-31T23:59:59.999Z'));
    assert.equal(epoch('2023-01-01T00:00:00+14:00'), Date.parse('2022-12-31T10:00:00Z'));
    const literal = parseFilter('2023-09-25T09:25:00Z');
    assert.deepEqual(literal, {
      kind: 'dateTimeOffset',
      epochMs: 1695633900000,
      raw: '2023-09-25T09:25:00Z',
      pos: 0,
    });
  });

  test('out-of-range DateTimeOffset parts are rejected', () => {
    for (const bad of [
      '2023-13-01T00:00:00Z',
      '2023-00-01T00:00:00Z',
      '2023-01-32T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2023-01-01T24:00:00Z',
      '2023-01-01T00:60:00Z',
      '2023-01-01T00:00:60Z',
      '2023-01-01T00:00:00.12345678Z',
      '2023-01-01T00:00:00+15:00',
      '2023-01-01T00:00:00+14:30',
      '2023-01-01T00:00:00+01:60',
      '0000-01-01T00:00:00Z',
    ]) {
      const text = `startDateTime ge ${bad}`;
      assertBadRequest(
        () => parseFilter(text),
        `Unrecognized 'Edm.DateTimeOffset' literal '${bad}' at '17' in '${text}'.`,
      );
    }
  });

  test('the exact message for month 13', () => {
    assertBadRequest(
      () => parseFilter('startDateTime ge 2023-13-01T00:00:00Z'),
      "Unrecognized 'Edm.DateTimeOffset' literal '2023-13-01T00:00:00Z' at '17' in 'startDateTime ge 2023-13-01T00:00:00Z'.",
    );
  });
});

describe('parseFilter: operators and precedence', () => {
  test('a time window', () => {
    const result = parseFilter(
      'startDateTime ge 2023-09-25T09:25:00Z and startDateTime lt 2023-09-25T09:30:00Z',
    );
    assert.deepEqual(stripPos(result), {
      kind: 'and',
      left: cmp('ge', path('startDateTime'), {
        kind: 'dateTimeOffset',
        epochMs: Date.parse('2023-09-25T09:25:00Z'),
        raw: '2023-09-25T09:25:00Z',
      }),
      right: cmp('lt', path('startDateTime'), {
        kind: 'dateTimeOffset',
        epochMs: Date.parse('2023-09-25T09:30:00Z'),
        raw: '2023-09-25T09:30:00Z',
      }),
    });
    assert.equal(result.pos, 38); // the position of `and`
  });

  test('every comparison operator', () => {
    for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'])
      assert.deepEqual(ast(`a ${op} 1`), cmp(op, path('a'), num(1)));
  });

  test('and binds tighter than or', () => {
    assert.deepEqual(
      ast('a eq 1 or b eq 2 and c eq 3'),
      or(cmp('eq', path('a'), num(1)), and(cmp('eq', path('b'), num(2)), cmp('eq', path('c'), num(3)))),
    );
    assert.deepEqual(
      ast('a eq 1 and b eq 2 or c eq 3'),
      or(and(cmp('eq', path('a'), num(1)), cmp('eq', path('b'), num(2))), cmp('eq', path('c'), num(3))),
    );
  });

  test('parentheses override precedence', () => {
    assert.deepEqual(
      ast('(a eq 1 or b eq 2) and c eq 3'),
      and(or(cmp('eq', path('a'), num(1)), cmp('eq', path('b'), num(2))), cmp('eq', path('c'), num(3))),
    );
    assert.deepEqual(ast('((((a))))'), path('a'));
  });

  test('and, or and comparisons are left-associative', () => {
    assert.deepEqual(ast('a and b and c'), and(and(path('a'), path('b')), path('c')));
    assert.deepEqual(ast('a or b or c'), or(or(path('a'), path('b')), path('c')));
    assert.deepEqual(ast('a eq b eq c'), cmp('eq', cmp('eq', path('a'), path('b')), path('c')));
  });

  test('not binds tighter than comparison', () => {
    assert.deepEqual(ast('not a eq b'), cmp('eq', not(path('a')), path('b')));
    assert.deepEqual(ast('not (a eq b)'), not(cmp('eq', path('a'), path('b'))));
    assert.deepEqual(ast('not not a'), not(not(path('a'))));
    assert.deepEqual(ast('a eq 1 and not b'), and(cmp('eq', path('a'), num(1)), not(path('b'))));
  });

  test('in lists', () => {
    assert.deepEqual(ast("a in ('x', 'y',2)"), {
      kind: 'in',
      left: path('a'),
      values: [str('x'), str('y'), num(2)],
    });
    assert.deepEqual(
      ast("a in ('x') and b"),
      and({ kind: 'in', left: path('a'), values: [str('x')] }, path('b')),
    );
    assert.deepEqual(ast('not a in (1)'), { kind: 'in', left: not(path('a')), values: [num(1)] });
  });

  test('function calls', () => {
    assert.deepEqual(ast("startswith(a,'x')"), {
      kind: 'call',
      name: 'startswith',
      args: [path('a'), str('x')],
    });
    assert.deepEqual(ast('now()'), { kind: 'call', name: 'now', args: [] });
    assert.deepEqual(ast("contains(tolower(p/name), 'bob') eq true"), {
      kind: 'compare',
      op: 'eq',
      left: {
        kind: 'call',
        name: 'contains',
        args: [{ kind: 'call', name: 'tolower', args: [path('p', 'name')] }, str('bob')],
      },
      right: { kind: 'boolean', value: true },
    });
    assert.deepEqual(ast('f(a eq 1, (b))'), {
      kind: 'call',
      name: 'f',
      args: [cmp('eq', path('a'), num(1)), path('b')],
    });
  });

  test('paths with type casts', () => {
    assert.deepEqual(
      ast("organizer_v2/microsoft.graph.callRecords.participant/id eq 'x'"),
      cmp('eq', path('organizer_v2', 'microsoft.graph.callRecords.participant', 'id'), str('x')),
    );
  });
});

describe('parseFilter: lambdas', () => {
  test('any with a predicate', () => {
    const result = parseFilter("participants_v2/any(p:p/id eq '821809f5-0000-0000-0000-3b5136c0e777')");
    assert.deepEqual(result, {
      kind: 'lambda',
      op: 'any',
      collection: ['participants_v2'],
      variable: 'p',
      predicate: {
        kind: 'compare',
        op: 'eq',
        left: { kind: 'path', segments: ['p', 'id'], pos: 22 },
        right: { kind: 'string', value: '821809f5-0000-0000-0000-3b5136c0e777', pos: 30 },
        pos: 27,
      },
      pos: 16,
    });
  });

  test('all, any() and nesting', () => {
    assert.deepEqual(ast('sessions/all(s: s/isTest eq false)'), {
      kind: 'lambda',
      op: 'all',
      collection: ['sessions'],
      variable: 's',
      predicate: cmp('eq', path('s', 'isTest'), { kind: 'boolean', value: false }),
    });
    assert.deepEqual(ast('a/b/any()'), { kind: 'lambda', op: 'any', collection: ['a', 'b'] });
    assert.deepEqual(ast("sessions/any(s:s/segments/any(g:g/id eq 'x'))"), {
      kind: 'lambda',
      op: 'any',
      collection: ['sessions'],
      variable: 's',
      predicate: {
        kind: 'lambda',
        op: 'any',
        collection: ['s', 'segments'],
        variable: 'g',
        predicate: cmp('eq', path('g', 'id'), str('x')),
      },
    });
  });

  test('the same variable may be reused in sibling lambdas', () => {
    assert.doesNotThrow(() => parseFilter('a/any(x:x eq 1) and b/any(x:x eq 2)'));
  });

  test('lambda errors', () => {
    assertBadRequest(
      () => parseFilter('a/any(x:b/any(x:x eq 1))'),
      "The range variable 'x' has already been declared.",
    );
    assertBadRequest(() => parseFilter('a/all()'), "An identifier was expected at position 6 in 'a/all()'.");
    assertBadRequest(() => parseFilter('a/any(x)'), "':' expected at position 7 in 'a/any(x)'.");
    assertBadRequest(
      () => parseFilter('a/any(1:x)'),
      "An identifier was expected at position 6 in 'a/any(1:x)'.",
    );
    assertBadRequest(
      () => parseFilter('a/any(x.y:x)'),
      "An identifier was expected at position 6 in 'a/any(x.y:x)'.",
    );
    assertBadRequest(() => parseFilter('a/any(x:)'), "Expression expected at position 8 in 'a/any(x:)'.");
    assertBadRequest(
      () => parseFilter('a/any(x:x eq 1'),
      "')' or operator expected at position 14 in 'a/any(x:x eq 1'.",
    );
    assertBadRequest(() => parseFilter('a/any(x:x)/b'), "Syntax error at position 11 in 'a/any(x:x)/b'.");
  });
});

describe('parseFilter: syntax errors', () => {
  const cases: [string, string][] = [
    ['', "Expression expected at position 0 in ''."],
    ['startDateTime gt', "Expression expected at position 16 in 'startDateTime gt'."],
    [',', "Expression expected at position 0 in ','."],
    ['/', "Expression expected at position 0 in '/'."],
    ['and', "Expression expected at position 0 in 'and'."],
    ['a eq eq', "Expression expected at position 5 in 'a eq eq'."],
    ['a and', "Expression expected at position 5 in 'a and'."],
    ['not', "Expression expected at position 3 in 'not'."],
    ['(', "Expression expected at position 1 in '('."],
    ['(42', "')' or operator expected at position 3 in '(42'."],
    ["(')'", "')' or operator expected at position 4 in '(')''."],
    ['((((null)))', "')' or operator expected at position 11 in '((((null)))'."],
    ['func(', "Expression expected at position 5 in 'func('."],
    ['func(42', "')' or ',' expected at position 7 in 'func(42'."],
    ['func(42,', "Expression expected at position 8 in 'func(42,'."],
    ['func(((null))', "')' or ',' expected at position 13 in 'func(((null))'."],
    ['42 42', "Syntax error at position 5 in '42 42'."],
    ['a eq 1)', "Syntax error at position 7 in 'a eq 1)'."],
    ['a eq 1 b', "Syntax error at position 8 in 'a eq 1 b'."],
    ['a EQ 1', "Syntax error at position 4 in 'a EQ 1'."],
    ['a in', "'(' expected at position 4 in 'a in'."],
    ["a in 'x'", "'(' expected at position 5 in 'a in 'x''."],
    ['a in ()', "Expression expected at position 6 in 'a in ()'."],
    ['a in (1,)', "Expression expected at position 8 in 'a in (1,)'."],
    ['a in (1 2)', "')' or ',' expected at position 8 in 'a in (1 2)'."],
    ['a/', "An identifier was expected at position 2 in 'a/'."],
    ['a/1', "An identifier was expected at position 2 in 'a/1'."],
    ['a/$count gt 1', "An identifier was expected at position 2 in 'a/$count gt 1'."],
    ['$it eq 1', "Expression expected at position 0 in '$it eq 1'."],
    ['*', "Expression expected at position 0 in '*'."],
    ["b eq 'x' 'y'", "Syntax error at position 12 in 'b eq 'x' 'y''."],
  ];
  for (const [text, message] of cases) {
    test(JSON.stringify(text), () => assertBadRequest(() => parseFilter(text), message));
  }
});

describe('parseFilter: limits', () => {
  test('99 nested parentheses parse; 100 are too deep', () => {
    assert.deepEqual(stripPos(parseFilter(`${'('.repeat(99)}a${')'.repeat(99)}`)), path('a'));
    assertBadRequest(
      () => parseFilter(`${'('.repeat(100)}a${')'.repeat(100)}`),
      'Recursion depth exceeded allowed limit.',
    );
  });

  test('long chains of not, unclosed parentheses and nested calls end in a 400', () => {
    assertBadRequest(() => parseFilter(`${'not '.repeat(1000)}a`), 'Recursion depth exceeded allowed limit.');
    assertBadRequest(() => parseFilter('('.repeat(8000)), 'Recursion depth exceeded allowed limit.');
    assertBadRequest(() => parseFilter('f('.repeat(4000)), 'Recursion depth exceeded allowed limit.');
    const lambdas = Array.from({ length: 500 }, (_, i) => `a/any(x${i}:`).join('');
    assertBadRequest(() => parseFilter(lambdas), 'Recursion depth exceeded allowed limit.');
  });

  test('a long flat chain is fine', () => {
    const text = Array.from({ length: 500 }, (_, i) => `a eq ${i}`).join(' or ');
    assert.equal(parseFilter(text).kind, 'or');
  });

  test('over-long input is rejected before parsing', () => {
    assertBadRequest(() => parseFilter(`a eq '${'x'.repeat(9000)}'`), /at most 8192 characters/);
  });
});
