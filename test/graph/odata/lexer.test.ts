import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYWORDS, tokenize } from '../../../src/graph/odata/lexer.js';
import type { TokenKind } from '../../../src/graph/odata/lexer.js';
import { assertBadRequest } from './helpers.js';

/** [kind, text] of every token but the final `end`. */
function kinds(text: string): [TokenKind, string][] {
  return tokenize(text)
    .filter((t) => t.kind !== 'end')
    .map((t) => [t.kind, t.text]);
}

function single(text: string) {
  const tokens = tokenize(text);
  assert.equal(tokens.length, 2, `expected one token in ${text}`);
  return tokens[0]!;
}

describe('tokenize: structure', () => {
  test('always ends with an end token at the text length', () => {
    assert.deepEqual(tokenize(''), [{ kind: 'end', text: '', value: '', pos: 0, end: 0 }]);
    assert.deepEqual(tokenize('   '), [{ kind: 'end', text: '', value: '', pos: 3, end: 3 }]);
  });

  test('punctuation', () => {
    assert.deepEqual(kinds('/(),:;=*'), [
      ['/', '/'],
      ['(', '('],
      [')', ')'],
      [',', ','],
      [':', ':'],
      [';', ';'],
      ['=', '='],
      ['*', '*'],
    ]);
  });

  test('tracks start and end positions, skipping spaces', () => {
    const tokens = tokenize('  a eq  12');
    assert.deepEqual(
      tokens.map((t) => [t.kind, t.pos, t.end]),
      [
        ['identifier', 2, 3],
        ['keyword', 4, 6],
        ['number', 8, 10],
        ['end', 10, 10],
      ],
    );
  });

  test('a comparison with a lambda', () => {
    assert.deepEqual(kinds("participants_v2/any(p:p/id eq '821809f5')"), [
      ['identifier', 'participants_v2'],
      ['/', '/'],
      ['identifier', 'any'],
      ['(', '('],
      ['identifier', 'p'],
      [':', ':'],
      ['identifier', 'p'],
      ['/', '/'],
      ['identifier', 'id'],
      ['keyword', 'eq'],
      ['string', "'821809f5'"],
      [')', ')'],
    ]);
  });
});

describe('tokenize: identifiers, keywords and options', () => {
  test('identifiers with digits and underscores', () => {
    assert.deepEqual(kinds('_a1 participants_v2 B'), [
      ['identifier', '_a1'],
      ['identifier', 'participants_v2'],
      ['identifier', 'B'],
    ]);
  });

  test('qualified names are one identifier', () => {
    assert.deepEqual(kinds('microsoft.graph.callRecords.participant/id'), [
      ['identifier', 'microsoft.graph.callRecords.participant'],
      ['/', '/'],
      ['identifier', 'id'],
    ]);
  });

  test('every keyword, case-sensitively', () => {
    for (const word of KEYWORDS) assert.equal(single(word).kind, 'keyword', word);
    assert.equal(single('EQ').kind, 'identifier');
    assert.equal(single('True').kind, 'identifier');
    assert.equal(single('equals').kind, 'identifier');
    assert.equal(single('any').kind, 'identifier');
  });

  test('$-prefixed option names', () => {
    assert.deepEqual(kinds('sessions($expand=segments;$select=id)'), [
      ['identifier', 'sessions'],
      ['(', '('],
      ['option', '$expand'],
      ['=', '='],
      ['identifier', 'segments'],
      [';', ';'],
      ['option', '$select'],
      ['=', '='],
      ['identifier', 'id'],
      [')', ')'],
    ]);
  });

  test('a lone $ is invalid', () => {
    assertBadRequest(
      () => tokenize('$ eq 1'),
      "Syntax error: character '$' is not valid at position 0 in '$ eq 1'.",
    );
  });

  test('a dot that does not start a name segment is invalid', () => {
    assertBadRequest(() => tokenize('a.'), "Syntax error: character '.' is not valid at position 1 in 'a.'.");
    assertBadRequest(
      () => tokenize('a..b'),
      "Syntax error: character '.' is not valid at position 1 in 'a..b'.",
    );
    assertBadRequest(() => tokenize('.'), "Syntax error: character '.' is not valid at position 0 in '.'.");
  });
});

describe('tokenize: strings', () => {
  test('content is unescaped, text is kept', () => {
    const tok = single("'O''Brien'");
    assert.equal(tok.kind, 'string');
    assert.equal(tok.value, "O'Brien");
    assert.equal(tok.text, "'O''Brien'");
  });

  test('empty, quote-only and unicode strings', () => {
    assert.equal(single("''").value, '');
    assert.equal(single("''''").value, "'");
    assert.equal(single("'a''''b'").value, "a''b");
    assert.equal(single("'héllo 🎉 (x) eq, ;'").value, 'héllo 🎉 (x) eq, ;');
  });

  test('adjacent strings are separate tokens', () => {
    assert.deepEqual(kinds("'a' 'b'"), [
      ['string', "'a'"],
      ['string', "'b'"],
    ]);
  });

  test('unterminated strings report the end of the text, as ODL does', () => {
    assertBadRequest(
      () => tokenize("'some"),
      "There is an unterminated string literal at position 5 in ''some'.",
    );
    assertBadRequest(() => tokenize("'"), "There is an unterminated string literal at position 1 in '''.");
    assertBadRequest(
      () => tokenize("'some''"),
      "There is an unterminated string literal at position 7 in ''some'''.",
    );
    assertBadRequest(
      () => tokenize("Name eq 'luther''"),
      "There is an unterminated string literal at position 17 in 'Name eq 'luther'''.",
    );
  });
});

describe('tokenize: numbers', () => {
  test('integers, decimals and exponents, with a leading minus', () => {
    for (const text of ['0', '42', '-123', '1.5', '-0.25', '1e10', '1E10', '2.5e-3', '-4.0E+12', '007']) {
      const tok = single(text);
      assert.equal(tok.kind, 'number', text);
      assert.equal(tok.text, text);
    }
  });

  test('a digit must follow a decimal point or exponent', () => {
    assertBadRequest(() => tokenize('4.a'), "A digit was expected at position 2 in '4.a'.");
    assertBadRequest(() => tokenize('4Ea'), "A digit was expected at position 2 in '4Ea'.");
    assertBadRequest(() => tokenize('1e+'), "A digit was expected at position 3 in '1e+'.");
    assertBadRequest(() => tokenize('1.'), "A digit was expected at position 2 in '1.'.");
  });

  test('a minus not followed by a digit is invalid', () => {
    assertBadRequest(() => tokenize('-a'), "Syntax error: character '-' is not valid at position 0 in '-a'.");
    assertBadRequest(
      () => tokenize('a - 1'),
      "Syntax error: character '-' is not valid at position 2 in 'a - 1'.",
    );
  });
});

describe('tokenize: dates, times, GUIDs and durations', () => {
  test('DateTimeOffset literals', () => {
    for (const text of [
      '2023-09-25T09:25:00Z',
      '2023-09-25T09:25Z',
      '2023-09-25T09:25:00.1Z',
      '2023-09-25T09:25:00.1234567Z',
      '2023-09-25T09:25:00+01:00',
      '2023-09-25T09:25:00-05:30',
    ]) {
      const tok = single(text);
      assert.equal(tok.kind, 'dateTimeOffset', text);
      assert.equal(tok.text, text);
    }
  });

  test('range checks are left to the parser', () => {
    assert.equal(single('2023-13-01T00:00:00Z').kind, 'dateTimeOffset');
    assert.equal(single('2023-02-30').kind, 'date');
  });

  test('a DateTimeOffset ends at a delimiter', () => {
    assert.deepEqual(kinds('(2023-09-25T09:25:00Z,2023-09-25)'), [
      ['(', '('],
      ['dateTimeOffset', '2023-09-25T09:25:00Z'],
      [',', ','],
      ['date', '2023-09-25'],
      [')', ')'],
    ]);
  });

  test('date literals, with one-digit months and days as Graph accepts them', () => {
    assert.equal(single('2023-09-25').kind, 'date');
    assert.equal(single('2026-12-2').kind, 'date');
    assert.equal(single('2026-1-02').kind, 'date');
  });

  test('malformed temporal literals are rejected', () => {
    assertBadRequest(
      () => tokenize('x ge 2023-09-25T09'),
      "Unrecognized 'Edm.DateTimeOffset' literal '2023-09-25T09' at '5' in 'x ge 2023-09-25T09'.",
    );
    assertBadRequest(
      () => tokenize('2023-123-25'),
      "Unrecognized 'Edm.Date' literal '2023-123-25' at '0' in '2023-123-25'.",
    );
    // A form-decoded '+' (now a space) leaves a DateTimeOffset without its zone.
    assertBadRequest(
      () => tokenize('2023-09-25T09:25:00 01:00'),
      /Unrecognized 'Edm.DateTimeOffset' literal/,
    );
    assertBadRequest(() => tokenize('2023-09-25t09:25:00z'), /Unrecognized 'Edm.DateTimeOffset' literal/);
  });

  test('GUIDs, starting with a digit or a letter, in any case', () => {
    for (const text of [
      '821809f5-0000-0000-0000-3b5136c0e777',
      'FD3A4006-A6EF-420E-8EDA-DA2B1C58F6DF',
      'deadbeef-0000-0000-0000-000000000000',
    ]) {
      const tok = single(text);
      assert.equal(tok.kind, 'guid', text);
      assert.equal(tok.text, text);
    }
    assert.deepEqual(kinds('id eq 821809f5-0000-0000-0000-3b5136c0e777)'), [
      ['identifier', 'id'],
      ['keyword', 'eq'],
      ['guid', '821809f5-0000-0000-0000-3b5136c0e777'],
      [')', ')'],
    ]);
  });

  test('a GUID must stand alone', () => {
    assert.deepEqual(kinds('deadbeef-0000-0000-0000-000000000000x').slice(0, 2), [
      ['identifier', 'deadbeef'],
      ['number', '-0000'],
    ]);
    assert.equal(tokenize('12345678-0000-0000-0000-000000000000_')[0]!.kind, 'number');
  });

  test('durations', () => {
    const tok = single("duration'PT1S'");
    assert.equal(tok.kind, 'duration');
    assert.equal(tok.value, 'PT1S');
    assert.equal(tok.text, "duration'PT1S'");
    assert.equal(single('duration').kind, 'identifier');
    assertBadRequest(
      () => tokenize("duration'PT1S"),
      "There is an unterminated literal at position 13 in 'duration'PT1S'.",
    );
  });
});

describe('tokenize: rejected input', () => {
  test('characters outside the grammar', () => {
    for (const [text, char, pos] of [
      ['^', '^', 0],
      ['a # b', '#', 2],
      ['a@b', '@', 1],
      ['a+b', '+', 1],
      ['a\tb', '\t', 1],
      ['a\nb', '\n', 1],
      ['"x"', '"', 0],
      ['é', 'é', 0],
      ['a 🎉', '🎉', 2],
      ['[1]', '[', 0],
    ] as const) {
      assertBadRequest(
        () => tokenize(text),
        `Syntax error: character '${char}' is not valid at position ${pos} in '${text}'.`,
      );
    }
  });

  test('text longer than 8192 characters', () => {
    assert.equal(tokenize('a'.repeat(8192)).length, 2);
    assertBadRequest(
      () => tokenize('a'.repeat(8193)),
      'The query option value is 8193 characters long; at most 8192 characters are allowed.',
    );
  });
});
