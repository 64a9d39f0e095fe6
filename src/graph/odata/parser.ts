// Public entry points of the OData query option parser. Every failure is a GraphError 400 from badRequest.
import type { ExpandItem, Expression, OrderByItem, QueryOptions, SelectItem } from './ast.js';
import { parseExpression, parseOrderByItems } from './expression.js';
import {
  MAX_TEXT_LENGTH,
  duplicateOption,
  duplicateParameter,
  identifierExpected,
  tooLong,
  unsupportedOption,
} from './messages.js';
import { optionName, parseCount, parseSearch, parseSkip, parseTop } from './options.js';
import type { OptionName } from './options.js';
import { parseExpandItems, parseSelectItems } from './select-expand.js';
import { TokenStream } from './stream.js';

export { parseCount, parseSkip, parseTop } from './options.js';
export { MAX_DEPTH, MAX_TEXT_LENGTH } from './messages.js';

/** One `name=value` pair of a function's parameter list, e.g. `fromDateTime=2023-09-25T00:00:00Z`. */
export interface FunctionParameter {
  name: string;
  value: Expression;
  pos: number;
}

/** Parses a whole $filter value. */
export function parseFilter(text: string): Expression {
  const s = new TokenStream(text);
  const expression = parseExpression(s);
  s.expectEnd();
  return expression;
}

/** Parses a $select value; an empty text selects nothing specific (`[]`). */
export function parseSelect(text: string): SelectItem[] {
  const s = new TokenStream(text);
  if (s.at('end')) return [];
  const items = parseSelectItems(s);
  s.expectEnd();
  return items;
}

/** Parses a $expand value with nested options; an empty text expands nothing (`[]`). */
export function parseExpand(text: string): ExpandItem[] {
  const s = new TokenStream(text);
  if (s.at('end')) return [];
  const items = parseExpandItems(s);
  s.expectEnd();
  return items;
}

/** Parses an $orderby value: `expr [asc|desc] {, ...}`. */
export function parseOrderBy(text: string): OrderByItem[] {
  const s = new TokenStream(text);
  const items = parseOrderByItems(s);
  s.expectEnd();
  return items;
}

/**
 * Parses the inside of a function call's parentheses, e.g. `fromDateTime=2023-09-25T00:00:00Z,toDateTime=...`
 * (the log functions). Values are literals or other primary expressions; the caller checks their kinds.
 */
export function parseParameterList(text: string): FunctionParameter[] {
  const s = new TokenStream(text);
  const parameters: FunctionParameter[] = [];
  if (s.at('end')) return parameters;
  do {
    const name = s.current;
    if (name.kind !== 'identifier') throw identifierExpected(name.pos, text);
    s.next();
    if (parameters.some((p) => p.name === name.value)) throw duplicateParameter(name.value);
    s.expect('=', "'='");
    const value = parseExpression(s);
    parameters.push({ name: name.value, value, pos: name.pos });
  } while (s.accept(','));
  s.expectEnd();
  return parameters;
}

/**
 * Parses the system query options among already percent-decoded URL parameters. `$filter`, `filter` and
 * `$FILTER` are the same option; other names without `$` are custom options and ignored.
 */
export function parseQueryOptions(params: Iterable<[string, string]>): QueryOptions {
  const options: QueryOptions = {};
  const seen = new Set<OptionName>();
  for (const [rawName, value] of params) {
    const name = optionName(rawName);
    if (name === undefined) {
      if (rawName.startsWith('$')) throw unsupportedOption(rawName);
      continue;
    }
    if (seen.has(name)) throw duplicateOption(`$${name}`);
    seen.add(name);
    if (value.length > MAX_TEXT_LENGTH) throw tooLong(value.length);
    applyOption(options, name, value);
  }
  return options;
}

function applyOption(options: QueryOptions, name: OptionName, value: string): void {
  switch (name) {
    // An empty $filter, $orderby, $select or $expand is ignored, as the Microsoft OData library does.
    case 'filter':
      if (value !== '') options.filter = parseFilter(value);
      return;
    case 'orderby':
      if (value !== '') options.orderby = parseOrderBy(value);
      return;
    case 'select':
      if (value !== '') options.select = parseSelect(value);
      return;
    case 'expand':
      if (value !== '') options.expand = parseExpand(value);
      return;
    case 'top':
      options.top = parseTop(value);
      return;
    case 'skip':
      options.skip = parseSkip(value);
      return;
    case 'count':
      options.count = parseCount(value);
      return;
    case 'search':
      options.search = parseSearch(value);
      return;
    case 'skiptoken':
      options.skiptoken = value;
      return;
  }
}
