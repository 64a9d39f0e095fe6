// $orderby, $select, $expand, the scalar options, parameter lists and parseQueryOptions (split from parser.test.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseCount,
  parseExpand,
  parseOrderBy,
  parseParameterList,
  parseQueryOptions,
  parseSelect,
  parseSkip,
  parseTop,
} from '../../../src/graph/odata/parser.js';
import { assertBadRequest, stripPos } from './helpers.js';

describe('parseSelect', () => {
  test('properties, paths, casts and *', () => {
    assert.deepEqual(parseSelect('id, modalities,organizer/user'), [
      { path: ['id'], pos: 0 },
      { path: ['modalities'], pos: 4 },
      { path: ['organizer', 'user'], pos: 15 },
    ]);
    assert.deepEqual(stripPos(parseSelect('*')), [{ path: ['*'] }]);
    assert.deepEqual(stripPos(parseSelect('microsoft.graph.callRecords.participant/id')), [
      { path: ['microsoft.graph.callRecords.participant', 'id'] },
    ]);
    assert.deepEqual(parseSelect(''), []);
    assert.deepEqual(parseSelect('  '), []);
  });

  test('errors', () => {
    assertBadRequest(() => parseSelect('id,'), "An identifier was expected at position 3 in 'id,'.");
    assertBadRequest(() => parseSelect(',id'), "An identifier was expected at position 0 in ',id'.");
    assertBadRequest(() => parseSelect('a/'), "An identifier was expected at position 2 in 'a/'.");
    assertBadRequest(() => parseSelect('a/*'), "An identifier was expected at position 2 in 'a/*'.");
    assertBadRequest(() => parseSelect('id eq 1'), "Syntax error at position 5 in 'id eq 1'.");
    assertBadRequest(() => parseSelect('id($top=1)'), "Syntax error at position 3 in 'id($top=1)'.");
    assertBadRequest(() => parseSelect("'id'"), "Term ''id'' is not valid in a $select expression.");
    assertBadRequest(() => parseSelect('42'), "Term '42' is not valid in a $select expression.");
    assertBadRequest(() => parseSelect('null'), "Term 'null' is not valid in a $select expression.");
    assertBadRequest(() => parseSelect('and'), "An identifier was expected at position 0 in 'and'.");
    assertBadRequest(() => parseSelect('$count'), "An identifier was expected at position 0 in '$count'.");
  });
});

describe('parseExpand', () => {
  test('plain and nested expansion', () => {
    assert.deepEqual(stripPos(parseExpand('sessions')), [{ path: ['sessions'], options: {} }]);
    assert.deepEqual(stripPos(parseExpand('sessions($expand=segments)')), [
      { path: ['sessions'], options: { expand: [{ path: ['segments'], options: {} }] } },
    ]);
    assert.deepEqual(parseExpand('sessions($expand=segments($select=id);$select=id,modalities)'), [
      {
        path: ['sessions'],
        pos: 0,
        options: {
          expand: [{ path: ['segments'], pos: 17, options: { select: [{ path: ['id'], pos: 34 }] } }],
          select: [
            { path: ['id'], pos: 46 },
            { path: ['modalities'], pos: 49 },
          ],
        },
      },
    ]);
  });

  test('every nested option, with and without $, any case', () => {
    const [item] = parseExpand(
      "sessions($filter=id eq 'x' or id eq 'y';$orderby=startDateTime desc;top=5;$SKIP=2;$count=true;$search=abc)",
    );
    assert.ok(item);
    assert.deepEqual(stripPos(item.options), {
      filter: {
        kind: 'or',
        left: {
          kind: 'compare',
          op: 'eq',
          left: { kind: 'path', segments: ['id'] },
          right: { kind: 'string', value: 'x' },
        },
        right: {
          kind: 'compare',
          op: 'eq',
          left: { kind: 'path', segments: ['id'] },
          right: { kind: 'string', value: 'y' },
        },
      },
      orderby: [{ expression: { kind: 'path', segments: ['startDateTime'] }, direction: 'desc' }],
      top: 5,
      skip: 2,
      count: true,
      search: 'abc',
    });
  });

  test('a string containing ) and ; inside a nested filter', () => {
    const [item] = parseExpand("sessions($filter=name eq ');x(';$top=1),participants");
    assert.ok(item);
    assert.deepEqual(stripPos(item.options.filter), {
      kind: 'compare',
      op: 'eq',
      left: { kind: 'path', segments: ['name'] },
      right: { kind: 'string', value: ');x(' },
    });
    assert.equal(item.options.top, 1);
  });

  test('several items, * and empty nested values', () => {
    assert.deepEqual(stripPos(parseExpand('sessions,participants_v2, *')), [
      { path: ['sessions'], options: {} },
      { path: ['participants_v2'], options: {} },
      { path: ['*'], options: {} },
    ]);
    assert.deepEqual(stripPos(parseExpand('sessions($select=;$filter=;$expand=;$orderby=)')), [
      { path: ['sessions'], options: {} },
    ]);
  });

  test('errors', () => {
    const cases: [string, string | RegExp][] = [
      ['sessions(', "Syntax error at position 9 in 'sessions('."],
      ['sessions()', "Syntax error at position 10 in 'sessions()'."],
      ['sessions($select=id', "')' or ';' expected at position 19 in 'sessions($select=id'."],
      ['sessions($select=id;)', "Syntax error at position 21 in 'sessions($select=id;)'."],
      ['sessions($select)', "'=' expected at position 16 in 'sessions($select)'."],
      ['sessions($select=id eq 1)', "')' or ';' expected at position 20 in 'sessions($select=id eq 1)'."],
      ['sessions($foo=1)', "The query parameter '$foo' is not supported."],
      ['sessions(foo=1)', "The query parameter 'foo' is not supported."],
      ['sessions($levels=2)', "The query parameter '$levels' is not supported."],
      ['sessions($skiptoken=x)', "The query parameter '$skiptoken' is not supported."],
      [
        'sessions($select=id;$select=id)',
        "Query option '$select' was specified more than once, but it must be specified at most once.",
      ],
      [
        'sessions($top=1;top=2)',
        "Query option '$top' was specified more than once, but it must be specified at most once.",
      ],
      ['sessions($top=-1)', /^Invalid value '-1' for \$top query option found/],
      ['sessions($top=)', /^Invalid value '' for \$top query option found/],
      ['sessions($skip=1.5)', /^Invalid value '1.5' for \$skip query option found/],
      ['sessions($count=yes)', "'yes' is not a valid count option."],
      ['sessions($search=)', "Expression expected at position 0 in ''."],
      ['sessions($filter=a eq)', "Expression expected at position 21 in 'sessions($filter=a eq)'."],
      ['sessions,', "An identifier was expected at position 9 in 'sessions,'."],
      ['sessions/$ref', "An identifier was expected at position 9 in 'sessions/$ref'."],
      ['sessions segments', "Syntax error at position 17 in 'sessions segments'."],
      ["'sessions'", "Term ''sessions'' is not valid in a $expand expression."],
    ];
    for (const [text, message] of cases) assertBadRequest(() => parseExpand(text), message);
  });

  test('nesting is capped', () => {
    const nested = (depth: number) => `${'a($expand='.repeat(depth)}b${')'.repeat(depth)}`;
    assert.equal(parseExpand(nested(100)).length, 1);
    assertBadRequest(() => parseExpand(nested(101)), 'Recursion depth exceeded allowed limit.');
    assertBadRequest(() => parseExpand('a($expand='.repeat(800)), 'Recursion depth exceeded allowed limit.');
  });
});

describe('parseTop, parseSkip, parseCount', () => {
  test('non-negative 32-bit integers', () => {
    for (const parse of [parseTop, parseSkip]) {
      assert.equal(parse('0'), 0);
      assert.equal(parse('5'), 5);
      assert.equal(parse('007'), 7);
      assert.equal(parse('2147483647'), 2147483647);
    }
  });

  test('everything else is rejected', () => {
    for (const bad of ['', ' 5', '5 ', '1.5', '-1', '+1', 'abc', '1e3', '0x10', '５']) {
      assertBadRequest(
        () => parseTop(bad),
        `Invalid value '${bad}' for $top query option found. The $top query value must be a non-negative integer.`,
      );
      assertBadRequest(
        () => parseSkip(bad),
        `Invalid value '${bad}' for $skip query option found. The $skip query value must be a non-negative integer.`,
      );
    }
    for (const big of ['2147483648', '99999999999999999999999']) {
      assertBadRequest(
        () => parseTop(big),
        `Invalid value '${big}' for $top query option found. The $top query value must be a non-negative integer no greater than 2147483647.`,
      );
    }
  });

  test('$count is true or false', () => {
    assert.equal(parseCount('true'), true);
    assert.equal(parseCount('false'), false);
    for (const bad of ['', 'TRUE', '1', 'yes', ' true']) {
      assertBadRequest(() => parseCount(bad), `'${bad}' is not a valid count option.`);
    }
  });
});

describe('parseQueryOptions', () => {
  test('all options at once', () => {
    const options = parseQueryOptions([
      ['$filter', "id eq 'x'"],
      ['$select', 'id,type'],
      ['$expand', 'sessions($select=id)'],
      ['$orderby', 'startDateTime desc'],
      ['$top', '10'],
      ['$skip', '20'],
      ['$count', 'true'],
      ['$search', '"bob"'],
      ['$skiptoken', 'abc123'],
    ]);
    assert.deepEqual(stripPos(options), {
      filter: {
        kind: 'compare',
        op: 'eq',
        left: { kind: 'path', segments: ['id'] },
        right: { kind: 'string', value: 'x' },
      },
      select: [{ path: ['id'] }, { path: ['type'] }],
      expand: [{ path: ['sessions'], options: { select: [{ path: ['id'] }] } }],
      orderby: [{ expression: { kind: 'path', segments: ['startDateTime'] }, direction: 'desc' }],
      top: 10,
      skip: 20,
      count: true,
      search: '"bob"',
      skiptoken: 'abc123',
    });
  });

  test('names without $ and in any case are the same options', () => {
    assert.deepEqual(parseQueryOptions([['top', '3']]), { top: 3 });
    assert.deepEqual(parseQueryOptions([['$TOP', '3']]), { top: 3 });
    assert.deepEqual(parseQueryOptions([['Count', 'false']]), { count: false });
    assert.equal(parseQueryOptions([['filter', 'a']]).filter?.kind, 'path');
  });

  test('custom options are ignored; empty filter/select/expand/orderby are not set', () => {
    assert.deepEqual(
      parseQueryOptions([
        ['foo', 'bar'],
        ['api-version', '1'],
        ['$filter', ''],
        ['$select', ''],
        ['$expand', ''],
        ['$orderby', ''],
        ['$skiptoken', ''],
      ]),
      { skiptoken: '' },
    );
    assert.deepEqual(parseQueryOptions([]), {});
    assert.deepEqual(
      parseQueryOptions(
        new Map([
          ['$top', '1'],
          ['x', 'y'],
        ]),
      ),
      { top: 1 },
    );
  });

  test('duplicates are rejected, whatever their spelling', () => {
    const message = (name: string) =>
      `Query option '${name}' was specified more than once, but it must be specified at most once.`;
    assertBadRequest(
      () =>
        parseQueryOptions([
          ['$filter', 'a'],
          ['$filter', 'b'],
        ]),
      message('$filter'),
    );
    assertBadRequest(
      () =>
        parseQueryOptions([
          ['filter', 'a'],
          ['$Filter', 'b'],
        ]),
      message('$filter'),
    );
    assertBadRequest(
      () =>
        parseQueryOptions([
          ['$top', '1'],
          ['top', '1'],
        ]),
      message('$top'),
    );
    // A duplicated custom option is not our business.
    assert.deepEqual(
      parseQueryOptions([
        ['x', '1'],
        ['x', '2'],
      ]),
      {},
    );
  });

  test('unknown $ options are rejected', () => {
    assertBadRequest(
      () => parseQueryOptions([['$foo', '1']]),
      "The query parameter '$foo' is not supported.",
    );
    assertBadRequest(
      () => parseQueryOptions([['$format', 'json']]),
      "The query parameter '$format' is not supported.",
    );
    assertBadRequest(() => parseQueryOptions([['$', '']]), "The query parameter '$' is not supported.");
    assertBadRequest(
      () => parseQueryOptions([['$$filter', 'a']]),
      "The query parameter '$$filter' is not supported.",
    );
  });

  test('option errors propagate', () => {
    assertBadRequest(
      () => parseQueryOptions([['$filter', 'startDateTime gt']]),
      "Expression expected at position 16 in 'startDateTime gt'.",
    );
    assertBadRequest(() => parseQueryOptions([['$top', 'abc']]), /^Invalid value 'abc' for \$top/);
    assertBadRequest(() => parseQueryOptions([['$count', '']]), "'' is not a valid count option.");
    assertBadRequest(() => parseQueryOptions([['$search', '']]), "Expression expected at position 0 in ''.");
    assertBadRequest(() => parseQueryOptions([['$skiptoken', 'x'.repeat(8193)]]), /at most 8192 characters/);
    assertBadRequest(() => parseQueryOptions([['$search', 'x'.repeat(8193)]]), /at most 8192 characters/);
  });
});

describe('parseOrderBy', () => {
  test('directions default to asc', () => {
    assert.deepEqual(stripPos(parseOrderBy('startDateTime desc, id,  type asc')), [
      { expression: { kind: 'path', segments: ['startDateTime'] }, direction: 'desc' },
      { expression: { kind: 'path', segments: ['id'] }, direction: 'asc' },
      { expression: { kind: 'path', segments: ['type'] }, direction: 'asc' },
    ]);
  });

  test('expressions as keys', () => {
    assert.deepEqual(stripPos(parseOrderBy('tolower(a/b) desc')), [
      {
        expression: { kind: 'call', name: 'tolower', args: [{ kind: 'path', segments: ['a', 'b'] }] },
        direction: 'desc',
      },
    ]);
  });

  test('ODL error cases', () => {
    assertBadRequest(() => parseOrderBy(''), "Expression expected at position 0 in ''.");
    assertBadRequest(() => parseOrderBy('foo,'), "Expression expected at position 4 in 'foo,'.");
    assertBadRequest(() => parseOrderBy(',foo'), "Expression expected at position 0 in ',foo'.");
    assertBadRequest(() => parseOrderBy('foo asc,'), "Expression expected at position 8 in 'foo asc,'.");
    assertBadRequest(() => parseOrderBy('foo desc,'), "Expression expected at position 9 in 'foo desc,'.");
    assertBadRequest(() => parseOrderBy('foo asc desc'), "Syntax error at position 12 in 'foo asc desc'.");
    assertBadRequest(() => parseOrderBy('foo ASC'), "Syntax error at position 7 in 'foo ASC'.");
  });
});

describe('parseParameterList', () => {
  test('name=value pairs', () => {
    assert.deepEqual(
      stripPos(parseParameterList('fromDateTime=2023-09-25T00:00:00Z,toDateTime=2023-09-26')),
      [
        {
          name: 'fromDateTime',
          value: {
            kind: 'dateTimeOffset',
            epochMs: Date.parse('2023-09-25T00:00:00Z'),
            raw: '2023-09-25T00:00:00Z',
          },
        },
        { name: 'toDateTime', value: { kind: 'date', raw: '2023-09-26' } },
      ],
    );
    assert.deepEqual(parseParameterList(''), []);
  });

  test('errors', () => {
    assertBadRequest(
      () => parseParameterList('fromDateTime=,toDateTime='),
      "Expression expected at position 13 in 'fromDateTime=,toDateTime='.",
    );
    assertBadRequest(() => parseParameterList('a=1,a=2'), "The parameter 'a' was specified more than once.");
    assertBadRequest(() => parseParameterList('a 1'), "'=' expected at position 2 in 'a 1'.");
    assertBadRequest(() => parseParameterList('1=1'), "An identifier was expected at position 0 in '1=1'.");
    assertBadRequest(() => parseParameterList('a=1,'), "An identifier was expected at position 4 in 'a=1,'.");
    assertBadRequest(() => parseParameterList('a=1 b'), "Syntax error at position 5 in 'a=1 b'.");
  });
});
