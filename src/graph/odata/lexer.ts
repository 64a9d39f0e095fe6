// Tokenizer for OData query option text (already percent-decoded by the caller).
// Hand-written scanning, so every step is linear in the input and no regex can backtrack catastrophically.
import {
  MAX_TEXT_LENGTH,
  digitExpected,
  invalidCharacter,
  tooLong,
  unrecognizedLiteral,
  unterminatedLiteral,
  unterminatedString,
} from './messages.js';

export type PunctuationKind = '/' | '(' | ')' | ',' | ':' | ';' | '=' | '*';

export type TokenKind =
  | 'identifier'
  | 'keyword'
  /** A `$`-prefixed name such as `$select` inside $expand options. */
  | 'option'
  | 'string'
  | 'number'
  | 'dateTimeOffset'
  | 'date'
  | 'guid'
  | 'duration'
  | PunctuationKind
  | 'end';

export interface Token {
  kind: TokenKind;
  /** The token's source text, e.g. `'O''Brien'` or `duration'PT1S'`. */
  text: string;
  /** The unescaped content of a string, the ISO 8601 text of a duration, otherwise the same as `text`. */
  value: string;
  /** 0-based offset of the first character. */
  pos: number;
  /** 0-based offset just past the last character. */
  end: number;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'true',
  'false',
  'null',
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'in',
]);

const PUNCTUATION: ReadonlySet<string> = new Set(['/', '(', ')', ',', ':', ';', '=', '*']);

// Shapes are checked on an already isolated run of characters, and none has nested quantifiers.
const DATE_TIME_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
// One-digit months and days are dates too: Graph's OData library accepts them (`2026-12-2`).
const DATE_SHAPE = /^\d{4}-\d{1,2}-\d{1,2}$/;
const GUID_SHAPE = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const GUID_LENGTH = 36;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isIdentifierStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
}

function isIdentifierPart(c: string | undefined): boolean {
  return isIdentifierStart(c) || isDigit(c);
}

function isHex(c: string | undefined): boolean {
  return isDigit(c) || (c !== undefined && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}

/** Characters that can appear in a date or DateTimeOffset literal. */
function isTemporalPart(c: string | undefined): boolean {
  return isIdentifierPart(c) || c === ':' || c === '.' || c === '+' || c === '-';
}

function token(kind: TokenKind, text: string, pos: number, end: number, value?: string): Token {
  const source = text.slice(pos, end);
  return { kind, text: source, value: value ?? source, pos, end };
}

/** Splits `text` into tokens; the last token is always `end`. Throws a 400 GraphError on lexical errors. */
export function tokenize(text: string): Token[] {
  if (text.length > MAX_TEXT_LENGTH) throw tooLong(text.length);
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (text[pos] === ' ') pos++;
    if (pos >= text.length) {
      tokens.push({ kind: 'end', text: '', value: '', pos: text.length, end: text.length });
      return tokens;
    }
    const next = readToken(text, pos);
    tokens.push(next);
    pos = next.end;
  }
}

function readToken(text: string, pos: number): Token {
  const c = text[pos];
  if (c !== undefined && PUNCTUATION.has(c)) return token(c as PunctuationKind, text, pos, pos + 1);
  if (c === "'") return readString(text, pos);
  if (c === '$') return readOption(text, pos);
  if (isGuidAt(text, pos)) return token('guid', text, pos, pos + GUID_LENGTH);
  if (isDigit(c) || (c === '-' && isDigit(text[pos + 1]))) {
    return isTemporalAt(text, pos) ? readTemporal(text, pos) : readNumber(text, pos);
  }
  if (isIdentifierStart(c)) return readIdentifier(text, pos);
  const codePoint = text.codePointAt(pos) ?? 0;
  throw invalidCharacter(String.fromCodePoint(codePoint), pos, text);
}

function readString(text: string, pos: number): Token {
  let value = '';
  let from = pos + 1;
  for (;;) {
    const quote = text.indexOf("'", from);
    if (quote < 0) throw unterminatedString(text.length, text);
    value += text.slice(from, quote);
    // Two quotes in a row are an escaped quote inside the literal.
    if (text[quote + 1] !== "'") return token('string', text, pos, quote + 1, value);
    value += "'";
    from = quote + 2;
  }
}

function readOption(text: string, pos: number): Token {
  let end = pos + 1;
  while (isIdentifierPart(text[end])) end++;
  if (end === pos + 1) throw invalidCharacter('$', pos, text);
  return token('option', text, pos, end);
}

function isGuidAt(text: string, pos: number): boolean {
  if (!isHex(text[pos])) return false;
  const after = text[pos + GUID_LENGTH];
  // A GUID must stand alone; `abc...-...x` is not one.
  if (isIdentifierPart(after) || after === '-' || after === '.') return false;
  return GUID_SHAPE.test(text.slice(pos, pos + GUID_LENGTH));
}

function isTemporalAt(text: string, pos: number): boolean {
  return (
    isDigit(text[pos]) &&
    isDigit(text[pos + 1]) &&
    isDigit(text[pos + 2]) &&
    isDigit(text[pos + 3]) &&
    text[pos + 4] === '-'
  );
}

function readTemporal(text: string, pos: number): Token {
  let end = pos;
  while (isTemporalPart(text[end])) end++;
  const run = text.slice(pos, end);
  if (DATE_TIME_SHAPE.test(run)) return token('dateTimeOffset', text, pos, end);
  if (DATE_SHAPE.test(run)) return token('date', text, pos, end);
  throw unrecognizedLiteral(/t/i.test(run) ? 'Edm.DateTimeOffset' : 'Edm.Date', run, pos, text);
}

function readNumber(text: string, pos: number): Token {
  let end = pos;
  if (text[end] === '-') end++;
  while (isDigit(text[end])) end++;
  if (text[end] === '.') {
    end++;
    if (!isDigit(text[end])) throw digitExpected(end, text);
    while (isDigit(text[end])) end++;
  }
  if (text[end] === 'e' || text[end] === 'E') {
    end++;
    if (text[end] === '+' || text[end] === '-') end++;
    if (!isDigit(text[end])) throw digitExpected(end, text);
    while (isDigit(text[end])) end++;
  }
  return token('number', text, pos, end);
}

function readIdentifier(text: string, pos: number): Token {
  let end = pos;
  while (isIdentifierPart(text[end])) end++;
  // Qualified names: dot-separated identifiers; a dot not followed by an identifier is left for the caller.
  while (text[end] === '.' && isIdentifierStart(text[end + 1])) {
    end++;
    while (isIdentifierPart(text[end])) end++;
  }
  const word = text.slice(pos, end);
  if (word === 'duration' && text[end] === "'") {
    const close = text.indexOf("'", end + 1);
    if (close < 0) throw unterminatedLiteral(text.length, text);
    return token('duration', text, pos, close + 1, text.slice(end + 1, close));
  }
  return token(KEYWORDS.has(word) ? 'keyword' : 'identifier', text, pos, end);
}
