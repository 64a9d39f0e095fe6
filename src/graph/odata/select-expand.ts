// $select and $expand lists, including the options nested in an expanded item's parentheses.
import type { ExpandItem, QueryOptions, SelectItem } from './ast.js';
import { parseExpression, parseOrderByItems } from './expression.js';
import { literalFromToken } from './literals.js';
import { duplicateOption, identifierExpected, termNotValid, unsupportedOption } from './messages.js';
import { optionName, parseCount, parseSearch, parseSkip, parseTop } from './options.js';
import type { OptionName } from './options.js';
import type { TokenStream } from './stream.js';

type Clause = '$select' | '$expand';

/** `*`, or a `/`-separated path of (possibly qualified) identifiers. */
function parseItemPath(s: TokenStream, clause: Clause): SelectItem {
  const first = s.current;
  if (s.accept('*')) return { path: ['*'], pos: first.pos };
  if (first.kind !== 'identifier') {
    // A literal gets ODL's "Term ... is not valid" message; anything else is a missing identifier.
    if (first.kind !== 'end' && literalFromToken(first, s.text) !== undefined) {
      throw termNotValid(first.text, clause);
    }
    throw identifierExpected(first.pos, s.text);
  }
  s.next();
  const path = [first.value];
  while (s.accept('/')) {
    const segment = s.current;
    if (segment.kind !== 'identifier') throw identifierExpected(segment.pos, s.text);
    s.next();
    path.push(segment.value);
  }
  return { path, pos: first.pos };
}

/** `item {, item}`; stops at the first token that is not a `,`. */
export function parseSelectItems(s: TokenStream): SelectItem[] {
  const items: SelectItem[] = [];
  do {
    items.push(parseItemPath(s, '$select'));
  } while (s.accept(','));
  return items;
}

/** `item [ ( options ) ] {, ...}`; stops at the first token that is not a `,`. */
export function parseExpandItems(s: TokenStream): ExpandItem[] {
  const items: ExpandItem[] = [];
  do {
    const { path, pos } = parseItemPath(s, '$expand');
    const options = s.accept('(') ? parseNestedOptions(s) : {};
    items.push({ path, options, pos });
  } while (s.accept(','));
  return items;
}

/** `name=value {; name=value} )` — the current token is just past the `(`; consumes the `)`. */
function parseNestedOptions(s: TokenStream): QueryOptions {
  s.enter();
  const options: QueryOptions = {};
  const seen = new Set<OptionName>();
  do {
    const nameToken = s.current;
    if (nameToken.kind !== 'option' && nameToken.kind !== 'identifier') throw s.syntaxError();
    const name = optionName(nameToken.value);
    // $skiptoken only makes sense on the request itself, never inside $expand.
    if (name === undefined || name === 'skiptoken') throw unsupportedOption(nameToken.value);
    if (seen.has(name)) throw duplicateOption(`$${name}`);
    seen.add(name);
    s.next();
    s.expect('=', "'='");
    parseNestedValue(s, name, options);
  } while (s.accept(';'));
  s.expect(')', "')' or ';'");
  s.leave();
  return options;
}

function atValueEnd(s: TokenStream): boolean {
  return s.at(';') || s.at(')') || s.at('end');
}

function parseNestedValue(s: TokenStream, name: OptionName, options: QueryOptions): void {
  switch (name) {
    // Empty $filter/$orderby/$select/$expand values mean "not given", as at the top level.
    case 'filter':
      if (!atValueEnd(s)) options.filter = parseExpression(s);
      return;
    case 'orderby':
      if (!atValueEnd(s)) options.orderby = parseOrderByItems(s);
      return;
    case 'select':
      if (!atValueEnd(s)) options.select = parseSelectItems(s);
      return;
    case 'expand':
      if (!atValueEnd(s)) options.expand = parseExpandItems(s);
      return;
    case 'top':
      options.top = parseTop(s.skipOptionValue());
      return;
    case 'skip':
      options.skip = parseSkip(s.skipOptionValue());
      return;
    case 'count':
      options.count = parseCount(s.skipOptionValue());
      return;
    case 'search':
      options.search = parseSearch(s.skipOptionValue());
      return;
    case 'skiptoken':
      throw unsupportedOption('$skiptoken');
  }
}
